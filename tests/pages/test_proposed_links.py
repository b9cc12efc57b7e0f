"""Links a council document only proposes (recorded with a label ending "(proposed)") read as
proposed on every page that lists them, never as links in force."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from dutygraph.web.pagedata import is_proposed

BROMLEY = "/authority/bromley"


@pytest.mark.parametrize(("label", "proposed"), [
    ("The Chief Executive monitors the joint DCS arrangements (proposed)", True),
    ("Quarterly report to the Children's Board (Proposed) ", True),
    ("Proposed: the chair reports to the Leader", True),
    ("The DCS is accountable to the Chief Executive", False),
    ("Reports on the proposals of the board", False),
    (None, False),
])
def test_a_label_marks_a_link_as_proposed_only_by_its_ending_or_opening(
        label: str | None, proposed: bool) -> None:
    assert is_proposed(label) is proposed


def test_the_authority_page_tags_the_proposed_links_and_only_those(
        oxigraph_client: FlaskClient) -> None:
    html = oxigraph_client.get(BROMLEY).get_data(as_text=True)
    rows = re.findall(r"<tr>(.*?)</tr>", html, flags=re.S)
    tagged = [r for r in rows if 'class="tag proposed"' in r]
    assert tagged, "no link on Bromley's page is shown as proposed"
    assert any("Chief Executive" in r for r in tagged)
    # A link the documents record as in place is not tagged.
    assert len(tagged) < len(rows)


def test_the_graph_data_marks_proposed_edges(oxigraph_client: FlaskClient) -> None:
    data = oxigraph_client.get(BROMLEY + "/graph.json").get_json()
    edges = data["elements"]["edges"]
    proposed = [e["data"] for e in edges if e["data"]["proposed"]]
    assert proposed, "Bromley records a proposed accountability link; its edge is not marked"
    assert all(e["label"].startswith("proposed: ") for e in proposed)
    assert all(not e["data"]["label"].startswith("proposed") for e in edges
               if not e["data"]["proposed"])
