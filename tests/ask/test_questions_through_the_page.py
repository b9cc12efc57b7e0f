"""Every question of questions.yaml asked through the web page, as a browser would: /ask
with the words, following the redirect to the answer page, which must say how it was read
and show what the answer must contain; an ambiguous one must offer its choices, and one the
graph cannot answer must say so, with the nearest questions, and never show an answer."""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import parse_qs, quote, urlparse

import pytest
from flask.testing import FlaskClient

from .conftest import load_questions

QUESTIONS = load_questions()
PARTS = ("subject", "authority", "date", "until", "modality")


def _links_to(body: str, iri: str) -> bool:
    """A link on the page carries the IRI (as it is, or percent-encoded)."""
    return any(form in body for form in (html.escape(iri), quote(iri, safe=":/"),
                                         quote(iri, safe="")))


def _shows(body: str, wanted: str) -> bool:
    """The page shows the words (as text) or the IRI (in a link)."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", body))
    text = " ".join(text.split())
    return wanted in text or wanted in html.unescape(body) or _links_to(body, wanted)


def test_the_file_has_at_least_80_questions_and_10_that_cannot_be_answered() -> None:
    assert len(QUESTIONS) >= 80
    assert sum(1 for q in QUESTIONS if q.get("cannot")) >= 10
    kinds = {q["read"]["kind"] for q in QUESTIONS if "read" in q}
    assert kinds == {"accountable", "duties", "reports-to", "board-partners", "partners",
                     "report-recipients", "chair", "chaired-by", "provision", "replaced",
                     "changes", "law-today", "holder"}


@pytest.mark.parametrize("case", QUESTIONS, ids=[q["q"][:60] for q in QUESTIONS])
def test_the_question_is_answered_from_the_box_as_the_file_says(
        ask_client: FlaskClient, case: dict[str, Any]) -> None:
    first = ask_client.get("/ask", query_string={"q": case["q"]})
    if "read" in case:
        assert first.status_code == 303, first.get_data(as_text=True)[:800]
        target = urlparse(first.headers["Location"])
        assert target.path == f"/ask/{case['read']['kind']}"
        got = {k: v[0] for k, v in parse_qs(target.query).items() if k in PARTS}
        want = {k: str(case["read"][k]) for k in PARTS if k in case["read"]}
        assert got == want
        page = ask_client.get(first.headers["Location"])
        assert page.status_code == 200
        body = page.get_data(as_text=True)
        assert "Read as:" in body and 'id="answer-heading"' in body
        for wanted in case.get("contains", []):
            assert _shows(body, str(wanted)), f"{case['q']!r}: the answer does not show {wanted!r}"
        return
    assert first.status_code == 200
    body = first.get_data(as_text=True)
    assert 'id="answer-heading"' not in body, "a question not answered must show no answer"
    if case.get("cannot"):
        assert "I can't answer that" in body
        assert re.search(r'<ul class="choices">\s*<li><a href="/ask', body), \
            "the nearest questions it can answer"
        return
    assert "Which did you mean?" in body
    for iri in case["choose"]:
        assert _links_to(body, iri), f"{case['q']!r}: no choice for {iri}"
