"""/validate and /audit are one computation: for one authority and one date, the counts the
validate page shows for an upload of the authority's files are the counts the compliance
matrix shows for that authority's column, outcome by outcome (the issue's complaint was 17
"breaches" on one page and 0 "not met" on the other, for the same data and date)."""

from __future__ import annotations

from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as ec

from .test_pages_in_chromium import console_problems, open_page, set_value, wait


def page_problems(driver: WebDriver) -> list[str]:
    """Console problems of the page itself: Chromium's own probe for /favicon.ico (the pages
    link an SVG icon) is not one."""
    return [m for m in console_problems(driver) if "/favicon.ico" not in m]

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

ROOT = Path(__file__).resolve().parents[2]
HARROW = "https://w3id.org/dutygraph/id/authority/harrow"
DAY = "2015-04-01"
OUTCOMES = ["met", "not-met", "not-evidenced", "not-applicable", "superseded"]


@pytest.fixture()
def browser(driver: WebDriver, live_server: str) -> WebDriver:
    driver.get(live_server + "/")  # also drains the console of earlier tests
    driver.get_log("browser")
    driver.delete_all_cookies()
    return driver


@pytest.fixture()
def harrow_upload(tmp_path: Path) -> Path:
    """Harrow's arrangements as one Turtle file: what its authority graph is built from."""
    files = sorted((ROOT / "data" / "local" / "harrow").glob("*.ttl"))
    assert files
    path = tmp_path / "harrow.ttl"
    path.write_text("\n".join(f.read_text(encoding="utf-8") for f in files), encoding="utf-8")
    return path


def test_the_validate_page_and_the_audit_page_count_the_same_outcomes_for_harrow(
        browser: WebDriver, live_server: str, harrow_upload: Path,
        screenshot) -> None:  # type: ignore[no-untyped-def]
    open_page(browser, live_server + "/validate")
    browser.find_element(By.ID, "file").send_keys(str(harrow_upload))
    set_value(browser, browser.find_element(By.ID, "as_of"), DAY)
    browser.find_element(By.CSS_SELECTOR, "#validate-form button[type=submit]").click()
    wait(browser).until(ec.visibility_of_element_located((By.ID, "verdict")))
    findings = browser.find_element(By.ID, "finding-outcomes")
    requirements = browser.find_element(By.ID, "requirement-outcomes")
    validated = {k: findings.get_attribute(f"data-{k}")
                 for k in ("not-met", "not-evidenced", "superseded")}
    validated_cells = {k: requirements.get_attribute(f"data-{k}") for k in OUTCOMES}
    shown = [li.get_attribute("data-outcome")
             for li in browser.find_elements(By.CSS_SELECTOR, "li.finding")]
    screenshot("validate-harrow-2015")
    assert int(validated["not-evidenced"] or 0) > 0  # there is something to compare
    assert shown.count("not met") == int(validated["not-met"] or 0)
    assert shown.count("not evidenced") == int(validated["not-evidenced"] or 0)
    assert page_problems(browser) == []

    open_page(browser, f"{live_server}/audit?as_of={DAY}")
    column = browser.find_element(By.CSS_SELECTOR,
                                  f'#authority-counts li[data-authority="{HARROW}"]')
    audited = {k: column.get_attribute(f"data-findings-{k}")
               for k in ("not-met", "not-evidenced", "superseded")}
    audited_cells = {k: column.get_attribute(f"data-{k}") for k in OUTCOMES}
    screenshot("audit-2015")
    assert audited == validated
    assert audited_cells == validated_cells
    assert page_problems(browser) == []
