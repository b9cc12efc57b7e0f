"""The question box in headless Chromium, keyboard only: Tab to the box from the top of the
home page, type a question, Enter; the answer page is read back (how the question was read,
the rows, the provision links); a choice is followed with the keyboard; and the answer page
in print media shows the answer alone.

The console is read as in test_pages_in_chromium: a CSP refusal or a failed load fails.
"""

from __future__ import annotations

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# seconds: an upper bound for a page to settle, never asserted as a timing (a settled page
# ends the wait at once; 20 s ran out for the SPARQL editor under load 21 on 2 cores)
WAIT = 120
MAX_TABS = 40  # the box is among the first controls of the page


def wait(driver: WebDriver) -> WebDriverWait:
    return WebDriverWait(driver, WAIT, ignored_exceptions=(StaleElementReferenceException,))


def problems(driver: WebDriver) -> list[str]:
    return [e.get("message", "") for e in driver.get_log("browser")
            if e.get("level") == "SEVERE" or "Refused to" in e.get("message", "")]


def open_page(driver: WebDriver, url: str) -> None:
    driver.get(url)
    wait(driver).until(lambda d: d.execute_script("return document.readyState") == "complete")
    driver.get_log("browser")


def tab_to(driver: WebDriver, element_id: str) -> None:
    """Press Tab from the top of the page until the element has the focus."""
    # Start from the top of the document (no click: a click could land on a link).
    driver.execute_script("if (document.activeElement) { document.activeElement.blur(); }")
    for _ in range(MAX_TABS):
        ActionChains(driver).send_keys(Keys.TAB).perform()
        if driver.switch_to.active_element.get_attribute("id") == element_id:
            return
    raise AssertionError(f"#{element_id} is not reached with Tab")


def test_an_officer_asks_the_readme_question_with_the_keyboard_and_reads_the_answer(
        driver: WebDriver, live_server: str, screenshot) -> None:  # type: ignore[no-untyped-def]
    open_page(driver, live_server + "/")
    tab_to(driver, "question")
    box = driver.switch_to.active_element
    box.send_keys("Who is accountable for undertaking reviews of serious cases in Bromley?")
    box.send_keys(Keys.ENTER)
    wait(driver).until(lambda d: "/ask/accountable" in d.current_url)
    wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, "table.answer-table tbody tr"))
    read_as = driver.find_element(By.CSS_SELECTOR, ".read-as").text
    assert "Who is accountable" in read_as and "Undertaking reviews of serious cases" in read_as
    assert "London Borough of Bromley" in read_as
    # no date: today's law first (serious case reviews were replaced by local child
    # safeguarding practice reviews, CA 2004 s16F), then the LSCB's answer as history
    tables = [t.text for t in driver.find_elements(By.CSS_SELECTOR, "table.answer-table")]
    assert "s16F" in tables[0], tables[0][:300]
    history = "\n".join(tables[1:])
    for words in ("Bromley Safeguarding Children Board", "SI 2006/90 reg 5(1)(e)",
                  "Chief Executive, London Borough of Bromley"):
        assert words in history, words
    links = [a.get_attribute("href") or "" for a in
             driver.find_elements(By.CSS_SELECTOR, "table.answer-table a.legislation-link")]
    assert any("legislation.gov.uk/uksi/2006/90/regulation/5" in h for h in links), links
    screenshot("ask-box-answer-bromley")
    assert problems(driver) == []


def test_an_ambiguous_question_offers_choices_that_the_keyboard_can_follow(
        driver: WebDriver, live_server: str) -> None:
    open_page(driver, live_server + "/")
    tab_to(driver, "question")
    driver.switch_to.active_element.send_keys("board partners", Keys.ENTER)
    wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, "ul.choices a"))
    assert "Which did you mean?" in driver.find_element(By.TAG_NAME, "main").text
    tab_to(driver, "question")  # past the box, on to the first choice
    for _ in range(MAX_TABS):
        active = driver.switch_to.active_element
        if "Bromley" in (active.text or ""):
            break
        active.send_keys(Keys.TAB)
    assert "Bromley" in driver.switch_to.active_element.text
    driver.switch_to.active_element.send_keys(Keys.ENTER)
    wait(driver).until(lambda d: "/ask/board-partners" in d.current_url)
    table = wait(driver).until(
        lambda d: d.find_element(By.CSS_SELECTOR, "table.answer-table")).text
    assert "Chief officer of police" in table
    assert problems(driver) == []


def test_a_question_outside_the_graph_is_refused_with_the_nearest_questions(
        driver: WebDriver, live_server: str) -> None:
    open_page(driver, live_server + "/ask")
    tab_to(driver, "question")
    driver.switch_to.active_element.send_keys("What is the weather in Bromley?", Keys.ENTER)
    wait(driver).until(lambda d: "I can't answer that" in d.find_element(By.TAG_NAME, "main").text)
    assert driver.find_elements(By.CSS_SELECTOR, "ul.choices a")
    assert not driver.find_elements(By.CSS_SELECTOR, "table.answer-table")


def test_the_answer_prints_alone_on_a4(driver: WebDriver, live_server: str,
                                       screenshot) -> None:  # type: ignore[no-untyped-def]
    open_page(driver, live_server + "/ask?q=" + "Who+appoints+the+LSCB+chair+in+Bromley%3F")
    wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, "table.answer-table"))
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})  # type: ignore[attr-defined]
    try:
        shown = driver.execute_script("""
            const visible = s => { const e = document.querySelector(s);
                                   return !!e && getComputedStyle(e).display !== 'none'; };
            return {table: visible('table.answer-table'), readAs: visible('.read-as'),
                    change: visible('.change-reading'), nav: visible('nav'),
                    footer: visible('.site-footer'), box: visible('.ask-box')};""")
        assert shown == {"table": True, "readAs": True, "change": False, "nav": False,
                         "footer": False, "box": False}
        pdf = driver.execute_cdp_cmd("Page.printToPDF", {  # type: ignore[attr-defined]
            "preferCSSPageSize": True, "printBackground": False})
        assert pdf["data"]
        screenshot("ask-answer-print-media")
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})  # type: ignore[attr-defined]
