"""Every page passes axe-core with no critical or serious finding, the SPARQL editor (once
YASGUI has drawn its tabs) and the authority graph included. axe-core comes from npm
(devDependencies; `make assets` runs npm ci) and is injected by the test, never served.
Also: a SPARQL editor share link opens with the shared query in its first tab."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote
from urllib.request import urlopen

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from .test_pages_in_chromium import console_problems, open_page, wait

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = ("critical", "serious")
FUNCTION = "https://w3id.org/dutygraph/id/function/s14-1-b"

# Every kind of page: each nav item, a page of each kind of thing, and an answer.
PAGES = [
    "/", "/authority/", "/authority/bromley", "/queries",
    "/queries/reporting-lines?authority=Bromley", "/validate", "/audit",
    "/sparql/editor", "/ontology", "/ask?q=" + quote("who must the LSCB chair report to"),
    "/entity?iri=" + quote("https://w3id.org/dutygraph/id/authority/bromley", safe=""),
    "/answer?function=" + quote(FUNCTION, safe=""),
    # answers of the question box: a proposed link (Status column), a post holder (the page
    # query's SPARQL below), a body that no longer exists (successors, then history)
    "/ask/reports-to?subject=" + quote("https://w3id.org/dutygraph/id/role/dcs", safe="")
    + "&authority=bromley&date=2013-05-07",
    "/ask?q=" + quote("Who is the DCS in Bromley?"),
    "/ask?q=" + quote("What must the LSCB do today?"),
    "/audit?outcome=" + quote("not met"),
]


def _settled(driver: WebDriver) -> None:
    """Wait for the page's scripts to finish drawing (the editor's tabs, the graph)."""
    for element_id in ("yasgui", "authority-graph"):
        found = driver.find_elements(By.ID, element_id)
        if found:
            wait(driver).until(lambda d, e=found[0]: e.get_attribute("data-state")
                               in ("ready", "error", "empty"))


def axe_findings(driver: WebDriver) -> list[dict[str, Any]]:
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `make assets` (npm ci)", pytrace=False)
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    result = driver.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']})"
        ".then(function (r) { done(JSON.stringify(r.violations)); })"
        ".catch(function (e) { done(JSON.stringify([{id: 'axe-error', impact: 'critical',"
        " help: String(e), nodes: []}])); });")
    violations: list[dict[str, Any]] = json.loads(result)
    return [v for v in violations if v.get("impact") in SERIOUS]


def _summary(findings: list[dict[str, Any]]) -> str:
    return "\n".join(f"{v['impact']} {v['id']}: {v['help']} — "
                     + "; ".join(str(n.get("target")) for n in v.get("nodes", [])[:4])
                     for v in findings)


@pytest.mark.parametrize("path", PAGES)
def test_a_page_has_no_critical_or_serious_accessibility_finding(
        driver: WebDriver, live_server: str, path: str) -> None:
    with urlopen(live_server + path) as response:  # a 404 page passing axe proves nothing
        assert response.status == 200, path
    open_page(driver, live_server + path)
    _settled(driver)
    findings = axe_findings(driver)
    assert not findings, f"{path}:\n{_summary(findings)}"


def test_a_share_link_from_the_sparql_editor_restores_its_query(
        driver: WebDriver, live_server: str) -> None:
    driver.get_log("browser")  # what earlier pages logged is not this test's
    query = "SELECT ?s WHERE { ?s a <https://w3id.org/dutygraph/ontology#Duty> } LIMIT 3"
    open_page(driver, live_server + "/sparql/editor")
    _settled(driver)
    link = driver.execute_script(
        "var tab = window.dutygraphYasgui.getTab();"
        "tab.getYasqe().setValue(arguments[0]); tab.setName('Mine');"
        "return tab.getShareableLink();", query)
    assert link.startswith(live_server + "/sparql/editor")
    open_page(driver, live_server + "/")
    open_page(driver, link)
    _settled(driver)
    root = driver.find_element(By.ID, "yasgui")
    assert root.get_attribute("data-state") == "ready"
    assert root.get_attribute("data-shared") == "true"
    restored = driver.execute_script("return window.dutygraphYasgui.getTab().getQuery();")
    assert restored == query
    first = driver.find_elements(By.CSS_SELECTOR, "#yasgui .tabsList .tab")[0]
    assert "Mine" in first.text
    assert console_problems(driver) == []
