"""/ontology is the pyLODE documentation generated from ontology/dutygraph.ttl on first
request: no `make docs`, titled and identified as the ontology (not one of its concept
schemes), in English for screen readers, and kept for the ontology's version."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from dutygraph.web import ontology_doc


@pytest.fixture()
def fresh_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No `make docs` page and an empty cache: the page must be generated."""
    monkeypatch.setenv("DUTYGRAPH_CACHE", str(tmp_path))
    monkeypatch.setattr(ontology_doc, "_MEMO", {})
    real_root = ontology_doc.paths.root
    monkeypatch.setattr(ontology_doc.paths, "root", lambda: tmp_path / "no-docs-here")
    monkeypatch.setattr(ontology_doc.paths, "ontology_dir", lambda: real_root() / "ontology")
    return tmp_path


def test_the_ontology_page_is_generated_when_no_docs_were_built(
        oxigraph_client: FlaskClient, fresh_cache: Path) -> None:
    response = oxigraph_client.get("/ontology")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert re.search(r"<title>\s*dutygraph ontology\s*</title>", html)
    assert '<html lang="en"' in html
    metadata = re.sub(r"<[^>]+>", " ", html.split('id="metadata"', 1)[1][:1500])
    assert re.search(r"IRI\s+https://w3id.org/dutygraph/def\s", metadata), metadata
    assert "Audit outcomes" not in metadata
    for term in ("Modality", "Provision"):
        assert term in html
    assert list(fresh_cache.glob("ontology-docs/*.html")), "the page was not kept"


def test_a_kept_page_is_served_again_without_pylode(
        oxigraph_client: FlaskClient, fresh_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = oxigraph_client.get("/ontology").get_data(as_text=True)
    monkeypatch.setattr(ontology_doc, "_MEMO", {})

    def refuse(_ttl: Path) -> str:
        raise AssertionError("pyLODE ran again for the same ontology")

    monkeypatch.setattr(ontology_doc, "_generate", refuse)
    assert oxigraph_client.get("/ontology").get_data(as_text=True) == first
