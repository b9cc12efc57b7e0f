"""The policy officers' pages, through Flask's test client: every page answers, shows the
labels from the data, links provisions to legislation.gov.uk, keeps to the CSP (no inline
script, no inline handler, nothing from another host) and escapes what comes from data.

Entity pages are checked for one entity of every kind the store holds (data-driven: the
kinds and entities come from the store, not from a list in this file).
"""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, quote, urlencode, urlparse

import pytest
from flask.testing import FlaskClient

from dutygraph.queries import catalogue
from dutygraph.store import Store

FN = "https://w3id.org/dutygraph/id/function/"
LA = "https://w3id.org/dutygraph/id/authority/"
REG_5_1_E = "http://www.legislation.gov.uk/id/uksi/2006/90/regulation/5/1/e"
HOSTILE = FN + "zz-test-hostile-label"
UPLOADS = Path(__file__).resolve().parents[1] / "browser" / "uploads"


class _PageAudit(HTMLParser):
    """Collects what the CSP forbids and what keyboard users need."""

    def __init__(self) -> None:
        super().__init__()
        self.inline_scripts: list[str] = []
        self.handlers: list[str] = []
        self.foreign: list[str] = []
        self.style_attrs: list[str] = []
        self.controls: list[dict[str, str]] = []
        self.labels_for: set[str] = set()
        self.in_script = False
        self.script_text: list[str] = []
        self.h1: list[str] = []
        self._in_h1 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        for name in a:
            if name.startswith("on"):
                self.handlers.append(f"<{tag} {name}>")
        if "style" in a:
            self.style_attrs.append(tag)
        if tag == "script":
            kind = a.get("type", "text/javascript").lower()
            if "src" not in a and kind not in ("application/ld+json", "application/json"):
                self.in_script = True
        for attr in ("src", "href"):
            url = a.get(attr, "")
            if tag in ("script", "link", "img", "iframe", "source", "embed") and \
                    re.match(r"(?i)(https?:)?//", url):
                self.foreign.append(f"<{tag} {attr}={url}>")
        if tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit"):
            self.controls.append(a)
        if tag == "label" and "for" in a:
            self.labels_for.add(a["for"])
        if tag == "h1":
            self._in_h1 = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self.in_script:
            self.inline_scripts.append("".join(self.script_text))
            self.in_script = False
            self.script_text = []
        if tag == "h1":
            self._in_h1 = False

    def handle_data(self, data: str) -> None:
        if self.in_script:
            self.script_text.append(data)
        if self._in_h1:
            self.h1.append(data)

    @property
    def unlabelled(self) -> list[str]:
        return [c.get("name", "?") for c in self.controls
                if c.get("id") not in self.labels_for and not c.get("aria-label")]


def audit_page(html: str) -> _PageAudit:
    page = _PageAudit()
    page.feed(html)
    return page


def assert_page_keeps_the_rules(html: str) -> _PageAudit:
    page = audit_page(html)
    assert page.inline_scripts == [], "inline <script> without src"
    assert page.handlers == [], "inline event handlers"
    assert page.foreign == [], "assets from another host"
    assert page.style_attrs == [], "inline style attributes (CSP style-src 'self')"
    assert page.unlabelled == [], "form controls without a label"
    assert 'aria-label="Main"' in html, "the nav"
    assert "legislation.gov.uk" in html and "site-footer" in html, "the footer naming sources"
    return page


def get_ok(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code,
                                         response.get_data(as_text=True)[:500])
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def entity_url(iri: str) -> str:
    return "/entity?iri=" + quote(iri, safe="")


# ------------------------------------------------------------------------------------------
# Every page: 200, nav and footer, CSP-clean, labelled forms
# ------------------------------------------------------------------------------------------

STATIC_PAGES = ["/", "/authority/", "/authority/bromley", "/authority/harrow", "/queries",
                "/validate", "/audit", "/sparql/editor",
                "/answer?function=" + quote(FN + "reg5-1-e", safe=""),
                "/answer?function=" + quote(FN + "reg5-1-e", safe="") + "&authority="
                + quote(LA + "bromley", safe="") + "&as_of=2013-05-07"]


@pytest.mark.parametrize("url", STATIC_PAGES)
def test_every_page_answers_and_keeps_the_csp_and_form_rules(client: FlaskClient, url: str) -> None:
    assert_page_keeps_the_rules(get_ok(client, url))


def test_every_named_query_page_answers_with_its_form_and_sparql(client: FlaskClient) -> None:
    for q in catalogue():
        html = get_ok(client, f"/queries/{q.name}")
        page = assert_page_keeps_the_rules(html)
        for p in q.params:
            assert f'name="{p.name}"' in html, (q.name, p.name)
        assert "Run the query" in html
        assert "SELECT" in html or "CONSTRUCT" in html or "ASK" in html
        assert page.h1 == [q.name]


def test_a_date_parameter_gets_a_date_picker(client: FlaskClient) -> None:
    html = get_ok(client, "/queries/who-is-accountable")
    assert re.search(r'<input type="date" id="param-as_of" name="as_of"', html)


def test_every_named_query_runs_from_its_form_with_its_examples(client: FlaskClient) -> None:
    for q in catalogue():
        params = {p.name: p.example for p in q.params if p.example}
        response = client.get(f"/queries/{q.name}", query_string={**params, "run": "1"})
        html = response.get_data(as_text=True)
        assert response.status_code == 200, (q.name, html[:800])
        assert 'id="result-count"' in html
        assert f"/api/queries/{q.name}.csv" in html and f"/api/queries/{q.name}.json" in html


def test_a_named_query_shows_its_rows_as_a_table_with_labels(client: FlaskClient) -> None:
    html = get_ok(client, "/queries/board-partners?authority=" + quote(LA + "bromley", safe="")
                  + "&as_of=2013-05-07")
    assert '<table class="results">' in html
    assert re.search(r"(\d+) rows?\.", html) and not re.search(r"\b0 rows\.", html)
    # IRI cells show their companion labels; legislation pages are links to themselves.
    assert ">Chief officer of police</a>" in html
    assert 'class="legislation-link">legislation.gov.uk/ukpga/2004/31/section/13/3/b</a>' in html


def test_a_bad_query_parameter_is_named_on_the_form_page(client: FlaskClient) -> None:
    response = client.get("/queries/who-is-accountable?function=" + quote(FN + "reg5-1-e", safe="")
                          + "&as_of=not-a-date")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "as_of" in html and "error-summary" in html


# ------------------------------------------------------------------------------------------
# Home and the answer
# ------------------------------------------------------------------------------------------

def answer_links(html: str) -> list[dict[str, list[str]]]:
    """The query strings of every link to an answer page."""
    import html as html_module

    return [parse_qs(urlparse(html_module.unescape(h)).query)
            for h in re.findall(r'href="(/answer\?[^"]*)"', html)]


def test_the_home_page_lists_each_function_with_links_straight_to_the_answer_per_authority(
        client: FlaskClient, pages_store: Store) -> None:
    html = get_ok(client, "/")
    assert '<form class="ask-box" action="/ask"' in html  # the question box (tests/ask)
    assert "Undertaking reviews of serious cases" in html
    links = answer_links(html)
    for slug in ("bromley", "harrow"):
        assert {"function": [FN + "reg5-1-e"], "authority": [LA + slug]} in links, slug
    assert {"function": [FN + "reg5-1-e"]} in links


def test_the_answer_names_the_bearer_its_provision_and_the_legislation_page(
        client: FlaskClient) -> None:
    html = get_ok(client, "/answer?function=" + quote(FN + "reg5-1-e", safe="")
                  + "&authority=" + quote(LA + "bromley", safe="") + "&as_of=2013-05-07")
    assert "Undertaking reviews of serious cases" in html
    assert "Bromley Safeguarding Children Board" in html
    assert "https://www.legislation.gov.uk/uksi/2006/90/regulation/5" in html \
        or "http://www.legislation.gov.uk/uksi/2006/90/regulation/5" in html
    assert entity_url(REG_5_1_E).replace("%3A", ":").replace("%2F", "/") in html \
        or quote(REG_5_1_E, safe=":/") in html
    assert re.search(r'class="modality">\s*must', html)


def test_a_typed_question_goes_to_the_question_box_which_reads_it(client: FlaskClient) -> None:
    question = "who is accountable for undertaking reviews of serious cases in Bromley"
    response = client.get("/answer", query_string={"q": question})
    assert response.status_code == 303
    assert parse_qs(urlparse(response.headers["Location"]).query)["q"] == [question]
    answer = client.get(response.headers["Location"])
    target = parse_qs(urlparse(answer.headers["Location"]).query)
    assert target["subject"] == [FN + "reg5-1-e"]
    assert target["authority"] == [LA + "bromley"]


def test_a_question_the_graph_cannot_answer_says_so(client: FlaskClient) -> None:
    response = client.get("/answer", query_string={"q": "zzzz qqqq nothing like this"},
                          follow_redirects=True)
    assert response.status_code == 200
    assert "I can't answer that" in response.get_data(as_text=True)


def test_a_bad_date_on_the_answer_page_is_a_400_naming_it(client: FlaskClient) -> None:
    response = client.get("/answer", query_string={"function": FN + "reg5-1-e",
                                                   "as_of": "2013-13-40"})
    assert response.status_code == 400
    assert "as_of" in response.get_data(as_text=True)


# ------------------------------------------------------------------------------------------
# Entity pages, one per kind of thing in the store
# ------------------------------------------------------------------------------------------

KINDS = {
    "provision": "?x a dg:Provision",
    "duty": "?x a dg:Duty",
    "function": "?x a dg:Function",
    "role": "?x a dg:Role",
    "post": "?x a org:Post",
    "body": "?x dg:authority ?a ; a ?k . ?k rdfs:subClassOf+ dg:Body",
    "authority": "?x a dg:LocalAuthority",
    "link": "?x a dg:Link",
    "source": "?x a dg:SourceDocument",
}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_an_entity_page_of_every_kind_shows_its_label_links_sources_and_turtle(
        client: FlaskClient, pages_store: Store, kind: str) -> None:
    from dutygraph.namespaces import sparql_prefixes

    rows = pages_store.select(sparql_prefixes() + f"""
        SELECT ?x (SAMPLE(?l) AS ?label) WHERE {{ {KINDS[kind]} .
          ?x rdfs:label|skos:prefLabel|dg:citationLabel ?l . FILTER(isIRI(?x))
          FILTER(!STRSTARTS(STR(?x), "{HOSTILE}")) }} GROUP BY ?x ORDER BY ?x LIMIT 3""").rows
    assert rows, f"no {kind} in the repository's data"
    for row in rows:
        iri, label = str(row["x"]), str(row["label"])
        html = get_ok(client, entity_url(iri))
        page = assert_page_keeps_the_rules(html)
        assert "".join(page.h1).strip(), iri
        assert label in unescape(html), (iri, label)
        assert "Everything linked to it" in html and "For developers" in html
        assert "<pre><code>" in html  # the Turtle
        assert "Sources" in html


def test_a_provision_page_lists_what_it_imposes_with_the_legislation_page(
        client: FlaskClient) -> None:
    html = get_ok(client, entity_url(REG_5_1_E))
    assert "What it imposes" in html
    assert "Undertaking reviews of serious cases" in html
    assert "legislation.gov.uk/uksi/2006/90/regulation/5" in html


def test_a_function_page_offers_the_named_queries_that_take_it(client: FlaskClient) -> None:
    html = get_ok(client, entity_url(FN + "reg5-1-e"))
    assert "/queries/who-is-accountable?function=" in html


def test_an_entity_with_no_iri_a_bad_iri_or_no_triples_is_refused_in_words(
        client: FlaskClient) -> None:
    assert client.get("/entity").status_code == 400
    bad = client.get("/entity?iri=" + quote("http://x/<script>", safe=""))
    assert bad.status_code == 400 and "<script>" not in bad.get_data(as_text=True)
    missing = client.get(entity_url("https://w3id.org/dutygraph/id/role/no-such-role"))
    assert missing.status_code == 404
    assert "knows nothing about" in missing.get_data(as_text=True)


# ------------------------------------------------------------------------------------------
# Authorities
# ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("slug", ["bromley", "harrow"])
def test_an_authority_page_shows_bodies_posts_lines_and_the_graph_container(
        client: FlaskClient, slug: str) -> None:
    html = get_ok(client, f"/authority/{slug}")
    for heading in ("Who answers to whom", "Reporting lines", "Bodies", "Posts and holders"):
        assert heading in html
    assert f'data-graph-url="/authority/{slug}/graph.json"' in html
    assert "vendor/cytoscape/cytoscape.min.js" in html


@pytest.mark.parametrize("slug", ["bromley", "harrow"])
def test_the_authority_graph_json_labels_every_edge_with_relation_and_provision(
        client: FlaskClient, slug: str) -> None:
    response = client.get(f"/authority/{slug}/graph.json")
    assert response.status_code == 200
    data = response.get_json()
    nodes, edges = data["elements"]["nodes"], data["elements"]["edges"]
    assert nodes and edges
    ids = {n["data"]["id"] for n in nodes}
    for e in edges:
        assert e["data"]["source"] in ids and e["data"]["target"] in ids
        assert e["data"]["relation"] and e["data"]["provision"]
        assert e["data"]["provision"] in e["data"]["label"]


def test_an_unknown_authority_is_404(client: FlaskClient) -> None:
    assert client.get("/authority/atlantis").status_code == 404
    assert client.get("/authority/atlantis/graph.json").status_code == 404


# ------------------------------------------------------------------------------------------
# Validate and audit
# ------------------------------------------------------------------------------------------

def test_uploading_a_failing_arrangement_shows_findings_grouped_by_provision(
        client: FlaskClient) -> None:
    path = UPLOADS / "failing-arrangement.ttl"
    with path.open("rb") as fh:
        response = client.post("/validate", data={"file": (fh, path.name), "as_of": "2013-05-07",
                                                  "format": "turtle", "text": ""},
                               content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html[:1000]
    assert_page_keeps_the_rules(html)
    assert "Does not conform" in html
    # a finding is named by the force of what it asks and by its outcome, never as a breach
    # unless a document says so (three outcomes: met, not met, not evidenced)
    assert "Legal duty (must)" in html and "not evidenced" in html
    assert "Breach of a legal duty" not in html
    assert 'class="finding-group"' in html
    assert "legislation.gov.uk" in html


def test_pasted_turtle_is_validated_too(client: FlaskClient) -> None:
    text = (UPLOADS / "failing-arrangement.ttl").read_text()
    response = client.post("/validate", data={"text": text, "as_of": "2013-05-07",
                                              "format": "turtle"})
    assert response.status_code == 200
    assert "Does not conform" in response.get_data(as_text=True)


def test_malformed_turtle_is_a_400_naming_the_line(client: FlaskClient) -> None:
    bad = "@prefix x: <http://x/> .\nx:a x:b .\nx:c x:d"
    response = client.post("/validate", data={"text": bad, "format": "turtle"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert re.search(r"the pasted text:\d+: malformed turtle", html)


def test_an_empty_upload_is_refused_in_words(client: FlaskClient) -> None:
    response = client.post("/validate", data={"text": "  ", "format": "turtle"})
    assert response.status_code == 400
    assert "choose a file or paste" in response.get_data(as_text=True)


def test_the_audit_page_shows_every_authority_with_outcomes_in_colour_and_words(
        client: FlaskClient) -> None:
    html = get_ok(client, "/audit?as_of=2013-05-07")
    for name in ("Bromley", "Harrow"):
        assert name in html
    assert re.search(r'class="outcome outcome-[a-z-]+"', html)
    assert re.search(r">\s*(met|not met|not evidenced|not applicable|superseded)\s*<", html)


# ------------------------------------------------------------------------------------------
# SPARQL editor and ontology
# ------------------------------------------------------------------------------------------

def test_the_sparql_editor_loads_yasgui_from_this_server(client: FlaskClient) -> None:
    html = get_ok(client, "/sparql/editor")
    assert "vendor/yasgui/yasgui.min.js" in html and "vendor/yasgui/yasgui.min.css" in html
    assert "js/sparql-editor.js" in html


def test_the_editor_examples_are_the_named_queries(client: FlaskClient) -> None:
    data = client.get("/sparql/editor/examples.json").get_json()
    assert data["endpoint"] == "/sparql"
    assert [t["name"] for t in data["tabs"]] == sorted(q.name for q in catalogue())
    assert all(t["query"].strip() for t in data["tabs"])


def test_the_ontology_documentation_is_served_with_a_csp_that_allows_only_its_styles(
        client: FlaskClient) -> None:
    # Generated by pyLODE on first request (web.ontology_doc): no `make docs` needed.
    response = client.get("/ontology")
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'none'" in csp and "style-src 'self' 'unsafe-inline'" in csp
    html = response.get_data(as_text=True)
    assert 'aria-label="Main"' in html and "css/nav.css" in html
    assert '<html lang="en"' in html
    page = audit_page(html)
    assert page.inline_scripts == [] and page.handlers == [] and page.foreign == []


# ------------------------------------------------------------------------------------------
# Escaping (issue 8 §2)
# ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["/", entity_url(HOSTILE), "/queries/who-is-accountable"])
def test_a_label_containing_script_is_escaped_everywhere_it_appears(
        client: FlaskClient, url: str) -> None:
    html = get_ok(client, url)
    assert "<script>window.__dutygraphXss" not in html
    assert "&lt;script&gt;window.__dutygraphXss" in html
    page = assert_page_keeps_the_rules(html)  # no element gained an onerror or a <script>
    assert not any("__dutygraphXss" in s for s in page.inline_scripts)


def test_our_iris_dereferenced_as_html_show_the_entity_page_with_nav_and_footer(
        client: FlaskClient) -> None:
    response = client.get("/id/function/reg5-1-e", headers={"Accept": "text/html"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert_page_keeps_the_rules(html)
    assert "Undertaking reviews of serious cases" in html
    assert "004_def069e8213006cd.txt" in html  # the footer names the seed documents


def test_every_lscb_function_in_bromley_and_harrow_is_answered_one_click_from_home(
        oxigraph_client: FlaskClient, oxigraph_store: Store) -> None:
    """The issue's test of done: from the home page, one link per function and authority
    leads to who carries it there, with the provision linked to legislation.gov.uk."""
    from dutygraph.namespaces import sparql_prefixes

    client = oxigraph_client
    rows = oxigraph_store.select(sparql_prefixes() + """
        SELECT ?f ?page WHERE { ?f a dg:Function ; dg:bearer dg:LSCB ; dg:imposedBy ?p .
                                ?p dg:legislationPage ?page
                                FILTER(STRSTARTS(STR(?page), "http")) }""").rows
    assert len(rows) >= 10
    links = answer_links(get_ok(client, "/"))
    for row in rows:
        for slug in ("bromley", "harrow"):
            query = {"function": [str(row["f"])], "authority": [LA + slug]}
            assert query in links, (row["f"], slug)
            html = get_ok(client, "/answer?" + urlencode({k: v[0] for k, v in query.items()}))
            carried = html[html.index('id="carrier-heading"'):html.index('id="chain-heading"')]
            assert "Safeguarding Children Board" in carried, (row["f"], slug)
            assert str(row["page"]) in carried, (row["f"], slug)


HOSTILE_PAGE = "https://w3id.org/dutygraph/id/guidance/zz-test-hostile-page"


@pytest.mark.parametrize("url", [entity_url(HOSTILE_PAGE), entity_url(HOSTILE)])
def test_a_javascript_legislation_page_in_the_data_never_becomes_a_link(
        client: FlaskClient, url: str) -> None:
    html = get_ok(client, url)
    assert "Hostile page &lt;i&gt;fixture&lt;/i&gt;" in html
    assert not re.search(r'href="\s*javascript:', html, re.I)
