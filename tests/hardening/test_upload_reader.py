"""One reader, one answer: the same upload gets the same status and the same words from
the API, the validate page (by file and by pasted text) and the command line.

A family of bodies (Turtle, N-Triples, JSON-LD) over the triple cap, over the byte cap, and
malformed at a known line: 413 naming the cap on every web entry point (the page said 400
before), 400 naming the line; the command line exits 2 naming the line.
"""

from __future__ import annotations

import contextlib
import io
import json
from io import BytesIO
from pathlib import Path

import pytest
from flask import Flask

from dutygraph.cli import main
from dutygraph.datasets import load_graphs, repository_files
from dutygraph.rdfio import TooLarge, read_rdf
from dutygraph.store import EmbeddedStore, Store
from dutygraph.web import create_app

DG = "https://w3id.org/dutygraph/"
RDFS = "http://www.w3.org/2000/01/rdf-schema#label"


def turtle(n: int) -> str:
    return f"@prefix dg: <{DG}def#> .\n<{DG}id/authority/t> a dg:LocalAuthority .\n" + "".join(
        f'<{DG}id/authority/t/f{i}> <{RDFS}> "forum {i}" .\n' for i in range(n))


def ntriples(n: int) -> str:
    return f"<{DG}id/authority/t> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> " \
           f"<{DG}def#LocalAuthority> .\n" + "".join(
               f'<{DG}id/authority/t/f{i}> <{RDFS}> "forum {i}" .\n' for i in range(n))


def jsonld(n: int) -> str:
    nodes = [{"@id": f"{DG}id/authority/t", "@type": f"{DG}def#LocalAuthority"}]
    nodes += [{"@id": f"{DG}id/authority/t/f{i}", RDFS: f"forum {i}"} for i in range(n)]
    return json.dumps(nodes, indent=1)


SYNTAXES = {"turtle": (turtle, "text/turtle", ".ttl"),
            "nt": (ntriples, "application/n-triples", ".nt"),
            "json-ld": (jsonld, "application/ld+json", ".jsonld")}
# Malformed at line 3 in each syntax.
BROKEN = {"turtle": turtle(0) + "<urn:a> <urn:b> .\n",
          "nt": ntriples(1) + "<urn:a> <urn:b> .\n",
          "json-ld": '[\n{"@id": "urn:a",\n "urn:b": [1,}\n]'}


@pytest.fixture(scope="module")
def app() -> Flask:
    store: Store = EmbeddedStore(None)
    store.replace_graphs(load_graphs(repository_files()), drop_others=True)
    made: Flask = create_app(store, {"QUERY_TIMEOUT": 10, "MAX_UPLOAD_TRIPLES": 20,
                                     "MAX_CONTENT_LENGTH": 64 * 1024})
    return made


def web_answers(app: Flask, syntax: str, body: str) -> dict[str, tuple[int, str]]:
    _, media, suffix = SYNTAXES[syntax]
    client = app.test_client()
    api = client.post("/api/validate", data=body.encode(), content_type=media)
    page_file = client.post("/validate", data={
        "file": (BytesIO(body.encode()), f"upload{suffix}", media), "format": syntax},
        content_type="multipart/form-data")
    page_text = client.post("/validate", data={"text": body, "format": syntax})
    return {name: (r.status_code, r.get_data(as_text=True))
            for name, r in (("api", api), ("page file", page_file), ("page text", page_text))}


@pytest.mark.parametrize("syntax", list(SYNTAXES))
def test_an_upload_over_the_triple_cap_gets_413_naming_the_cap_everywhere(
        app: Flask, syntax: str) -> None:
    for name, (status, text) in web_answers(app, syntax, SYNTAXES[syntax][0](30)).items():
        assert status == 413, (name, text[-300:])
        assert "the limit is 20" in text, (name, text[-300:])


@pytest.mark.parametrize("syntax", list(SYNTAXES))
def test_an_upload_over_the_byte_cap_gets_413_everywhere(app: Flask, syntax: str) -> None:
    body = SYNTAXES[syntax][0](1) + " " * (70 * 1024)
    for name, (status, _text) in web_answers(app, syntax, body).items():
        assert status == 413, name


@pytest.mark.parametrize("syntax", list(SYNTAXES))
def test_a_malformed_upload_gets_400_naming_its_line_everywhere(
        app: Flask, syntax: str, tmp_path: Path) -> None:
    for name, (status, text) in web_answers(app, syntax, BROKEN[syntax]).items():
        assert status == 400, (name, text[-300:])
        assert ":3:" in text or "line 3" in text, (name, text[-300:])
    path = tmp_path / f"broken{SYNTAXES[syntax][2]}"
    path.write_text(BROKEN[syntax], encoding="utf-8")
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(["load", str(path), "--authority", "t", "--store", str(tmp_path / "s")])
    assert code == 2
    assert f"{path}:3:" in err.getvalue()


@pytest.mark.parametrize("syntax", list(SYNTAXES))
def test_the_reader_names_the_cap_for_a_file_as_for_an_upload(syntax: str,
                                                               tmp_path: Path) -> None:
    make, _, suffix = SYNTAXES[syntax]
    path = tmp_path / f"big{suffix}"
    path.write_text(make(30), encoding="utf-8")
    with pytest.raises(TooLarge, match="the limit is 20"):
        read_rdf(path, max_triples=20)
    with pytest.raises(TooLarge, match="the limit is 20"):
        read_rdf(path.read_bytes(), syntax, max_triples=20)
    with pytest.raises(TooLarge, match="the limit is 100 bytes"):
        read_rdf(path, max_bytes=100)
    assert len(read_rdf(path)) == len(read_rdf(path.read_bytes(), syntax)) == 31
