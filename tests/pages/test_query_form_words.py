"""Query forms and result tables speak in words: a parameter's label and a column's heading
are words people use ("On this day", "Who holds it"), never the SPARQL variable name."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from dutygraph.queries import catalogue
from dutygraph.web.pages import words


@pytest.mark.parametrize(("name", "expected"), [
    ("as_of", "On this day"), ("fromHolder", "Who holds it"),
    ("legislationPage", "On legislation.gov.uk"), ("partnerKind", "Kind of partner"),
    ("newProvision", "New provision"), ("statementThrough", "Statement through"),
    ("oldThrough", "Old through"),
])
def test_a_variable_name_reads_as_words(name: str, expected: str) -> None:
    assert words(name) == expected


@pytest.mark.parametrize("query", sorted(q.name for q in catalogue()))
def test_no_form_label_is_a_variable_name(oxigraph_client: FlaskClient, query: str) -> None:
    html = oxigraph_client.get(f"/queries/{query}").get_data(as_text=True)
    labels = re.findall(r'<label for="param-[^"]+">\s*([^<]+?)\s*(?:<|$)', html)
    names = {p.name for q in catalogue() if q.name == query for p in q.params}
    assert len(labels) == len(names)
    assert not set(labels) & names, labels


def test_result_headings_are_words_with_the_variable_kept_for_developers(
        oxigraph_client: FlaskClient) -> None:
    html = oxigraph_client.get("/queries/reporting-lines?authority=Bromley").get_data(
        as_text=True)
    headings = re.findall(r'<th scope="col" data-var="([^"]+)">([^<]+)</th>', html)
    assert headings
    assert ("fromHolder", "Who holds it") in headings
    assert all(text != var for var, text in headings), headings
