"""JSON-LD is read with a parser that has no document loader: no spelling of a context, at
any depth, makes dutygraph connect anywhere or read any file, on any entry point that reads
RDF (the API, the validate page by file and by pasted text, `dutygraph validate FILE`,
`load`, `build --with`).

Each spelling of the family names a target three ways: a loopback listener that must see no
connection, a canary file whose access time must not change (set two days old first, so
that any read moves it under relatime), and a file that does not exist. Every one is refused
with "remote or local contexts are not loaded", and the answer for the canary and for the
missing file is the same once the names are taken out: nothing tells a caller whether a
path exists.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from dutygraph.cli import main
from dutygraph.rdfio import NO_CONTEXTS
from dutygraph.store import Store
from dutygraph.web import create_app

from .conftest import Listener

DG = "https://w3id.org/dutygraph/"
AUTHORITY = {"@id": f"{DG}id/authority/testshire", "@type": f"{DG}def#LocalAuthority",
             "http://www.w3.org/2000/01/rdf-schema#label": "Testshire"}
CTX = "CTX"  # replaced by each target


def _doc(**body: Any) -> dict[str, Any]:
    return {**AUTHORITY, **body}


# The family: every place JSON-LD lets a context (or an import of one) be named.
SPELLINGS: dict[str, dict[str, Any]] = {
    "a string": _doc(**{"@context": CTX}),
    "in an array": _doc(**{"@context": [CTX]}),
    "in a nested array": _doc(**{"@context": [[CTX]]}),
    "three arrays deep": _doc(**{"@context": [[[CTX]]]}),
    "after an inline context": _doc(**{"@context": [{"ex": "urn:ex:"}, CTX]}),
    "after a protected context": _doc(**{"@context": [{"@version": 1.1, "@protected": True,
                                                       "ex": "urn:ex:"}, CTX]}),
    "by @import": _doc(**{"@context": {"@version": 1.1, "@import": CTX}}),
    "by @import in an array": _doc(**{"@context": {"@version": 1.1, "@import": [CTX]}}),
    "scoped to a term in use": _doc(**{"@context": {"t": {"@id": "urn:t", "@context": CTX}},
                                       "t": {"urn:p": "v"}}),
    "scoped to a term not used": _doc(**{"@context": {"t": {"@id": "urn:t",
                                                            "@context": CTX}}}),
    "scoped to a property, nested": _doc(**{"@context": {"t": {"@id": "urn:t",
                                                               "@context": [[CTX]]}},
                                            "t": {"urn:p": "v"}}),
    "scoped to a type": {"@context": {"T": {"@id": "urn:T", "@context": CTX}},
                         "@id": f"{DG}id/authority/testshire", "@type": "T", "urn:p": "v"},
    "@import inside a scoped context": _doc(**{
        "@context": {"@version": 1.1, "t": {"@id": "urn:t", "@context": {"@import": CTX}}},
        "t": {"urn:p": "v"}}),
    "on an embedded node": _doc(**{"urn:p": {"@context": CTX, "@id": "urn:o"}}),
    "inside @graph": {"@graph": [_doc(**{"@context": CTX})]},
    "as a context's own context": _doc(**{"@context": {"@context": CTX}}),
    "in a top-level array of nodes": [_doc(**{"@context": CTX})],  # type: ignore[dict-item]
}


@dataclass
class Targets:
    host: str
    canary: Path
    missing: Path

    def spellings(self) -> dict[str, str]:
        return {"host": f"{self.host}/context.jsonld", "canary": self.canary.as_uri(),
                "missing": self.missing.as_uri(), "relative": self.canary.name,
                "relative-missing": self.missing.name}


def _atime(path: Path) -> int:
    return os.stat(path).st_atime_ns


@pytest.fixture()
def targets(tmp_path: Path, listener: Listener) -> Iterator[Targets]:
    canary = tmp_path / "canary.jsonld"
    canary.write_text(json.dumps({"@context": {"secret": "urn:secret:"}}), encoding="utf-8")
    old = time.time() - 2 * 86400
    os.utime(canary, (old, canary.stat().st_mtime))
    yield Targets(listener.url, canary, tmp_path / "missing.jsonld")


def test_the_canary_and_the_listener_would_notice(targets: Targets,
                                                   listener: Listener) -> None:
    """The checks can fail: one read moves the canary's access time, one connection is
    heard."""
    import socket

    before = _atime(targets.canary)
    targets.canary.read_bytes()
    assert _atime(targets.canary) != before
    with socket.create_connection(("127.0.0.1", int(targets.host.rsplit(":", 1)[1]))):
        pass
    assert listener.connections()


Send = Callable[[Path, bytes], tuple[int, str]]


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    from dutygraph.datasets import load_graphs, repository_files
    from dutygraph.store import EmbeddedStore

    store: Store = EmbeddedStore(None)
    store.replace_graphs(load_graphs(repository_files()), drop_others=True)
    app: Flask = create_app(store, {"QUERY_TIMEOUT": 10})
    return app


def _api(app: Flask) -> Send:
    def send(folder: Path, body: bytes) -> tuple[int, str]:
        r = app.test_client().post("/api/validate", data=body,
                                   content_type="application/ld+json")
        return r.status_code, r.get_data(as_text=True)
    return send


def _page_file(app: Flask) -> Send:
    def send(folder: Path, body: bytes) -> tuple[int, str]:
        from io import BytesIO

        r = app.test_client().post("/validate", data={
            "file": (BytesIO(body), "upload.jsonld", "application/ld+json"),
            "format": "json-ld"}, content_type="multipart/form-data")
        return r.status_code, r.get_data(as_text=True)
    return send


def _page_text(app: Flask) -> Send:
    def send(folder: Path, body: bytes) -> tuple[int, str]:
        r = app.test_client().post("/validate", data={"text": body.decode(),
                                                       "format": "json-ld"})
        return r.status_code, r.get_data(as_text=True)
    return send


def _cli(make_args: Callable[[Path, Path], list[str]]) -> Callable[[Flask], Send]:
    def bind(_app: Flask) -> Send:
        def send(folder: Path, body: bytes) -> tuple[int, str]:
            path = folder / "upload.jsonld"  # beside the canary: relative names resolve here
            path.write_bytes(body)
            import contextlib
            import io

            err = io.StringIO()
            with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
                code = main(make_args(path, folder / "store"))
            return code, err.getvalue()
        return send
    return bind


ENTRY_POINTS: dict[str, Callable[[Flask], Send]] = {
    "POST /api/validate": _api,
    "POST /validate with a file": _page_file,
    "POST /validate with pasted text": _page_text,
    "dutygraph validate FILE": _cli(lambda f, s: ["validate", str(f), "--store", "memory"]),
    "dutygraph load FILE": _cli(lambda f, s: ["load", str(f), "--authority", "testshire",
                                              "--store", str(s)]),
    "dutygraph build --with FILE": _cli(lambda f, s: ["build", "--with", str(f),
                                                      "--store", str(s)]),
}
REFUSED = {400, 2}


@pytest.mark.parametrize("entry", list(ENTRY_POINTS))
@pytest.mark.parametrize("spelling", list(SPELLINGS))
def test_no_context_spelling_is_loaded_on_any_entry_point(
        spelling: str, entry: str, web: Flask, targets: Targets, listener: Listener,
        tmp_path: Path) -> None:
    send = ENTRY_POINTS[entry](web)
    canary_atime = _atime(targets.canary)
    answers: dict[str, str] = {}
    for kind, iri in targets.spellings().items():
        body = json.dumps(SPELLINGS[spelling]).replace(json.dumps(CTX), json.dumps(iri))
        code, text = send(tmp_path, body.encode())
        assert code in REFUSED, (kind, code, text[-400:])
        assert NO_CONTEXTS in text.replace("&#39;", "'").replace("&#x27;", "'"), \
            (kind, text[-400:])
        assert "Traceback" not in text
        answers[kind] = text.replace(iri, "TARGET").replace(str(tmp_path), "DIR")
    assert listener.connections() == []
    assert _atime(targets.canary) == canary_atime
    assert not targets.missing.exists()
    # nothing tells an existing file from a missing one
    assert answers["canary"] == answers["missing"]
    assert answers["relative"] == answers["relative-missing"]
    for text in answers.values():
        for word in ("exist", "not found", "No such file", "denied", "refused", "timed out"):
            assert word not in text, text[-400:]


def test_an_inline_context_is_still_read(web: Flask, tmp_path: Path) -> None:
    body = json.dumps({"@context": {"label": "http://www.w3.org/2000/01/rdf-schema#label",
                                    "@vocab": f"{DG}def#"},
                       "@id": f"{DG}id/authority/testshire", "@type": "LocalAuthority",
                       "label": "Testshire"}).encode()
    for entry in ("POST /api/validate", "POST /validate with pasted text",
                  "dutygraph load FILE"):
        code, text = ENTRY_POINTS[entry](web)(tmp_path, body)
        assert code in (200, 0), text[-400:]
