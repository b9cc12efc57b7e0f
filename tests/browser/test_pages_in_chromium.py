"""A policy officer's tasks, done in headless Chromium against the real app: ask who is
accountable, run a named query, validate a failing arrangement, query in the SPARQL editor,
look at an authority's graph; and a label containing <script> shows as text.

Every test also reads the browser console: a Content-Security-Policy violation or a failed
request fails the test, so a page that quietly breaks under the CSP cannot pass.
Screenshots go to test-artefacts/screenshots/.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select, WebDriverWait

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

UPLOADS = Path(__file__).resolve().parent / "uploads"
HOSTILE = "https://w3id.org/dutygraph/id/function/zz-test-hostile-label"
# seconds: an upper bound for a page to settle, never asserted as a timing (a settled page
# ends the wait at once; 20 s ran out for the SPARQL editor under load 21 on 2 cores)
WAIT = 120


def wait(driver: WebDriver) -> WebDriverWait:
    """Waits that look again when the page changed under them (a navigation in progress)."""
    return WebDriverWait(driver, WAIT, ignored_exceptions=(StaleElementReferenceException,))


def console_problems(driver: WebDriver) -> list[str]:
    """Console messages that mean the page broke: CSP refusals, failed loads, script errors."""
    problems = []
    for entry in driver.get_log("browser"):
        message = entry.get("message", "")
        if entry.get("level") == "SEVERE" or "Content Security Policy" in message \
                or "Refused to" in message:
            problems.append(message)
    return problems


@pytest.fixture()
def browser(driver: WebDriver, live_server: str) -> WebDriver:
    driver.get(live_server + "/")  # also drains the console of earlier tests
    driver.get_log("browser")
    driver.delete_all_cookies()
    return driver


def open_page(driver: WebDriver, url: str) -> None:
    driver.get(url)
    wait(driver).until(lambda d: d.execute_script("return document.readyState") == "complete")


def set_value(driver: WebDriver, element: WebElement, value: str) -> None:
    """Fill a date input the same way in every locale (typing a date is locale-dependent)."""
    driver.execute_script(
        "arguments[0].value = arguments[1];"
        "arguments[0].dispatchEvent(new Event('change', {bubbles: true}));", element, value)


def test_a_policy_officer_asks_who_is_accountable_for_reviews_of_serious_cases_in_bromley(
        browser: WebDriver, live_server: str, screenshot) -> None:  # type: ignore[no-untyped-def]
    # The home page's box reads the whole question (tests/browser/test_ask_in_chromium.py
    # drives it with the keyboard alone).
    open_page(browser, live_server + "/")
    box = browser.find_element(By.ID, "question")
    box.send_keys("Who is accountable for undertaking reviews of serious cases in Bromley "
                  "on 7 May 2013?")
    box.send_keys(Keys.ENTER)

    # Wait for the answer page itself (the home page's own h1 is there until it loads).
    wait(browser).until(lambda d: "/ask/accountable" in d.current_url and "Undertaking "
                        "reviews of serious cases" in d.find_element(By.CSS_SELECTOR,
                                                                     ".read-as").text)
    body = browser.find_element(By.TAG_NAME, "main").text
    assert "Bromley Safeguarding Children Board" in body
    links = [a.get_attribute("href") for a in
             browser.find_elements(By.CSS_SELECTOR, "a.legislation-link")]
    assert any("legislation.gov.uk/uksi/2006/90/regulation/5" in (h or "") for h in links), links
    screenshot("ask-answer-bromley")
    assert console_problems(browser) == []


def test_a_named_query_runs_from_its_form_and_shows_rows(
        browser: WebDriver, live_server: str, screenshot) -> None:  # type: ignore[no-untyped-def]
    open_page(browser, live_server + "/queries/board-partners")
    authority = Select(browser.find_element(By.ID, "param-authority"))
    authority.select_by_visible_text(next(o.text for o in authority.options if "Bromley" in o.text))
    set_value(browser, browser.find_element(By.ID, "param-as_of"), "2013-05-07")
    browser.find_element(By.CSS_SELECTOR, "#query-form button[type=submit]").click()
    rows = wait(browser).until(ec.presence_of_all_elements_located(
        (By.CSS_SELECTOR, "table.results tbody tr")))
    assert rows
    downloads = [a.get_attribute("href")
                 for a in browser.find_elements(By.CSS_SELECTOR, "a.download")]
    assert any(h.split("?")[0].endswith("/api/queries/board-partners.csv") for h in downloads)
    screenshot("named-query-board-partners")
    assert console_problems(browser) == []


def test_uploading_a_failing_arrangement_shows_its_findings(
        browser: WebDriver, live_server: str, screenshot) -> None:  # type: ignore[no-untyped-def]
    open_page(browser, live_server + "/validate")
    browser.find_element(By.ID, "file").send_keys(str(UPLOADS / "failing-arrangement.ttl"))
    set_value(browser, browser.find_element(By.ID, "as_of"), "2013-05-07")
    browser.find_element(By.CSS_SELECTOR, "#validate-form button[type=submit]").click()
    verdict = wait(browser).until(ec.visibility_of_element_located((By.ID, "verdict")))
    assert "Does not conform" in verdict.text
    findings = browser.find_elements(By.CSS_SELECTOR, "li.finding")
    assert findings
    assert any("Legal duty (must)" in f.text for f in findings)
    assert all(f.get_attribute("data-outcome") in ("not met", "not evidenced", "superseded")
               for f in findings)
    assert browser.find_elements(By.CSS_SELECTOR, ".finding-group a.legislation-link")
    screenshot("validate-failing-arrangement")
    assert console_problems(browser) == []


def test_a_query_runs_in_the_sparql_editor_and_shows_results(
        browser: WebDriver, live_server: str, screenshot) -> None:  # type: ignore[no-untyped-def]
    open_page(browser, live_server + "/sparql/editor")
    wait(browser).until(lambda d: d.find_element(By.ID, "yasgui").get_attribute("data-state")
                        in ("ready", "error"))
    assert browser.find_element(By.ID, "yasgui").get_attribute("data-state") == "ready"
    tabs = browser.find_elements(By.CSS_SELECTOR, "#yasgui .tabsList .tab")
    assert len(tabs) >= 2  # one per named query
    browser.find_element(By.CSS_SELECTOR, "#yasgui .tabPanel.active .yasqe_queryButton").click()
    cells = wait(browser).until(ec.presence_of_all_elements_located(
        (By.CSS_SELECTOR, "#yasgui .tabPanel.active .yasr table tbody tr td")))
    assert cells
    screenshot("sparql-editor-results")
    assert console_problems(browser) == []


@pytest.mark.parametrize("slug", ["bromley", "harrow"])
def test_the_authority_graph_renders_with_nodes(
        browser: WebDriver, live_server: str, screenshot, slug: str) -> None:  # type: ignore[no-untyped-def]
    open_page(browser, live_server + f"/authority/{slug}")
    graph = browser.find_element(By.ID, "authority-graph")
    wait(browser).until(lambda d: graph.get_attribute("data-state") in ("ready", "error", "empty"))
    assert graph.get_attribute("data-state") == "ready"
    assert int(graph.get_attribute("data-node-count") or 0) > 1
    assert int(graph.get_attribute("data-edge-count") or 0) > 0
    assert graph.find_elements(By.TAG_NAME, "canvas")
    browser.execute_script("arguments[0].scrollIntoView()", graph)
    screenshot(f"authority-graph-{slug}")
    assert console_problems(browser) == []


def test_a_label_containing_script_renders_as_text(
        browser: WebDriver, live_server: str, screenshot) -> None:  # type: ignore[no-untyped-def]
    open_page(browser, live_server + "/entity?iri=" + quote(HOSTILE, safe=""))
    heading = browser.find_element(By.TAG_NAME, "h1").text
    assert "<script>window.__dutygraphXss = 1;</script>" in heading
    assert browser.find_elements(By.XPATH, "//h1//script | //h1//b") == []
    assert browser.execute_script("return typeof window.__dutygraphXss") == "undefined"
    screenshot("hostile-label-entity")
    open_page(browser, live_server + "/")
    assert "<script>window.__dutygraphXss" in browser.find_element(By.TAG_NAME, "main").text
    assert browser.execute_script("return typeof window.__dutygraphXss") == "undefined"
    # The question box's answer draws the label as text too, in its reading and its rows.
    box = browser.find_element(By.ID, "question")
    box.send_keys("Who is accountable for hostile label test?", Keys.ENTER)
    wait(browser).until(lambda d: "Hostile label" in d.find_element(By.CSS_SELECTOR,
                                                                     ".read-as").text)
    assert "<script>window.__dutygraphXss" in browser.find_element(By.CSS_SELECTOR,
                                                                    ".read-as").text
    assert browser.execute_script("return typeof window.__dutygraphXss") == "undefined"
    screenshot("hostile-label-home")
    assert console_problems(browser) == []
