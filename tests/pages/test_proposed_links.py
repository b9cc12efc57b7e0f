"""Links, reports and arrangements a council document only proposes are recorded as such in
the data (dg:proposed true) and read as proposed on every page that lists them, in the
authority graph and in the question box's CSV and JSON, never as arrangements in place. The
flag is what counts, not the words of a label."""

from __future__ import annotations

import csv
import io
import json
import re
from urllib.parse import urlencode

import pytest
from flask.testing import FlaskClient
from rdflib import URIRef

from dutygraph.ask.proposals import proposed
from dutygraph.rdfio import parse_text
from dutygraph.store import MemoryStore

BROMLEY = "/authority/bromley"
B = "https://w3id.org/dutygraph/id/authority/bromley/"
MONITORED = B + "link-dcs-arrangements-monitored-by-chief-executive"

# (the record, whether it is proposed): the flag decides, whatever the label says.
CASES = """
@prefix dg: <https://w3id.org/dutygraph/def#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix t: <https://example.org/t/> .
t:flagged-plain-label a dg:Link ; rdfs:label "The chair reports to the Leader"@en ;
    dg:proposed true .
t:flagged-report a dg:Report ; rdfs:label "Quarterly report"@en ; dg:proposed true .
t:label-only a dg:Link ; rdfs:label "The chair reports to the Leader (proposed)"@en .
t:flag-false a dg:Link ; rdfs:label "Proposed: a link"@en ; dg:proposed false .
t:unflagged a dg:Link ; rdfs:label "The DCS is accountable to the Chief Executive"@en .
"""
T = "https://example.org/t/"


@pytest.mark.parametrize(("record", "expected"), [
    ("flagged-plain-label", True), ("flagged-report", True), ("label-only", False),
    ("flag-false", False), ("unflagged", False), ("not-in-the-graph", False),
])
def test_a_record_is_proposed_exactly_when_the_data_flags_it(record: str,
                                                             expected: bool) -> None:
    store = MemoryStore()
    graph = parse_text(CASES, "turtle")
    store.replace_graphs({URIRef("https://w3id.org/dutygraph/graph/test"): graph})
    assert (T + record in proposed(store, [URIRef(T + record)])) is expected


def test_the_authority_page_tags_the_proposed_links_and_only_those(
        oxigraph_client: FlaskClient) -> None:
    html = oxigraph_client.get(BROMLEY).get_data(as_text=True)
    rows = re.findall(r"<tr>(.*?)</tr>", html, flags=re.S)
    tagged = [r for r in rows if 'class="tag proposed"' in r]
    assert tagged, "no link on Bromley's page is shown as proposed"
    assert any("Chief Executive" in r for r in tagged)
    # A link the documents record as in place is not tagged.
    assert len(tagged) < len(rows)


def test_the_graph_data_marks_proposed_edges_and_its_legend_names_them(
        oxigraph_client: FlaskClient) -> None:
    data = oxigraph_client.get(BROMLEY + "/graph.json").get_json()
    edges = data["elements"]["edges"]
    proposed_edges = [e["data"] for e in edges if e["data"]["proposed"]]
    assert proposed_edges, "Bromley records a proposed accountability link; its edge is not marked"
    assert all(e["label"].startswith("proposed: ") for e in proposed_edges)
    assert all(not e["data"]["label"].startswith("proposed") for e in edges
               if not e["data"]["proposed"])
    page = oxigraph_client.get(BROMLEY).get_data(as_text=True)
    assert 'class="line proposed"' in page and "only proposed by a document" in page


ANSWER = "/ask/reports-to?" + urlencode({
    "subject": "https://w3id.org/dutygraph/id/role/dcs", "authority": "bromley",
    "date": "2013-05-07"})


def test_an_answer_page_shows_a_proposed_link_as_proposed(
        oxigraph_client: FlaskClient) -> None:
    html = oxigraph_client.get(ANSWER).get_data(as_text=True)
    rows = re.findall(r"<tr>(.*?)</tr>", html, flags=re.S)
    tagged = [r for r in rows if 'class="tag proposed"' in r]
    assert tagged and all("not recorded as in place" in r for r in tagged)
    assert any("Chief Executive" in r for r in tagged)
    assert len(tagged) < len(rows) - 1  # the header row and the links in place are not


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_the_exports_of_an_answer_say_which_rows_are_only_proposed(
        oxigraph_client: FlaskClient, fmt: str) -> None:
    body = oxigraph_client.get(ANSWER + "&format=" + fmt).get_data(as_text=True)
    if fmt == "csv":
        rows = [{k: (v.lower() == "true") if k == "proposed" else v for k, v in r.items()}
                for r in csv.DictReader(io.StringIO(body))]
    else:
        rows = json.loads(body)["rows"]
    flags = {str(r["link"]): r["proposed"] for r in rows}
    assert flags[MONITORED] is True
    assert set(flags.values()) == {True, False}
    assert all(flag is (link == MONITORED) for link, flag in flags.items()
               if link.startswith(B + "link-dcs"))
