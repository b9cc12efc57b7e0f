"""The authority graph in headless Chromium: laid out in layers (dagre), boxes that do not
overlap (so neither do their labels), no link through a box it does not join (along the route
it is drawn by), for every authority and on the days its records change, a legend,
zoom and fit from buttons and keys, keyboard selection, and PNG and SVG export as files."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement

from dutygraph.store import Store
from dutygraph.web.pagedata import authorities

from .test_pages_in_chromium import console_problems, open_page, wait

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# The exported file as the browser holds it (a Blob behind the download link's blob: URL),
# read back with a FileReader: the page's CSP (connect-src 'self') forbids fetching blob: URLs.
FETCH_EXPORT = (
    "var done = arguments[arguments.length - 1]; var x = window.dutygraphLastExport;"
    "if (!x) { done(null); return; }"
    "var reader = new FileReader();"
    "reader.onload = function () {"
    "  var bytes = new Uint8Array(reader.result), s = '';"
    "  for (var i = 0; i < Math.min(bytes.length, 64); i++) { s += String.fromCharCode(bytes[i]); }"
    "  done({name: x.name, type: x.type, size: bytes.length, url: x.url, head: btoa(s)}); };"
    "reader.onerror = function () { done({error: String(reader.error)}); };"
    "reader.readAsArrayBuffer(x.blob);")


# Links that pass through a box they do not join, along the route each link is drawn by:
# from its source's centre through its bend points (Cytoscape's segmentPoints, where the
# layout routed it round the layers it skips) to its target's centre, or straight when it
# has none (curves only bend parallel links a little apart). Each leg is sampled at 40
# points against every other box, label included.
THROUGH = """
var cy = window.dutygraphCy, hits = [];
cy.edges().forEach(function (e) {
  var route = [e.source().position()].concat(e.segmentPoints() || [], [e.target().position()]);
  cy.nodes().forEach(function (n) {
    if (n.same(e.source()) || n.same(e.target())) { return; }
    var b = n.boundingBox({includeLabels: true});
    for (var leg = 1; leg < route.length; leg++) {
      var s = route[leg - 1], t = route[leg], hit = false;
      for (var i = 1; i < 40; i++) {
        var x = s.x + (t.x - s.x) * i / 40, y = s.y + (t.y - s.y) * i / 40;
        if (x > b.x1 && x < b.x2 && y > b.y1 && y < b.y2) { hit = true; break; }
      }
      if (hit) { hits.push(e.data('relation') + ' through ' + n.data('label')); break; }
    }
  });
});
return hits;"""


# Every authority the data has, on the day of its documents (no date) and on the days its
# records change the picture: Bromley's 2011 records, the 2019 partnership, the 2025 briefing
# that brought in the DCS box (Richard Baldwin), and now; Harrow's 2011 and later records.
GRAPHS = [("bromley", None), ("bromley", "2011-03-28"), ("bromley", "2019-09-01"),
          ("bromley", "2025-11-11"), ("bromley", "2026-12-07"),
          ("harrow", None), ("harrow", "2011-03-28"), ("harrow", "2023-07-31")]


def _graph(driver: WebDriver, live_server: str, slug: str,
           as_of: str | None = None) -> WebElement:
    driver.get_log("browser")  # type: ignore[attr-defined]
    open_page(driver, live_server + f"/authority/{slug}" + (f"?as_of={as_of}" if as_of else ""))
    graph = driver.find_element(By.ID, "authority-graph")
    wait(driver).until(lambda d: graph.get_attribute("data-state") in ("ready", "error", "empty"))
    assert graph.get_attribute("data-state") == "ready"
    return graph


def test_the_layout_is_checked_for_every_authority_the_data_has(browser_store: Store) -> None:
    drawn = {slug for slug, _ in GRAPHS}
    assert {str(a.value).rsplit("/", 1)[1] for a in authorities(browser_store)} <= drawn


@pytest.mark.parametrize(("slug", "as_of"), GRAPHS)
def test_the_graph_is_layered_and_no_two_boxes_overlap(
        driver: WebDriver, live_server: str, slug: str, as_of: str | None) -> None:
    graph = _graph(driver, live_server, slug, as_of)
    assert graph.get_attribute("data-layout") == "dagre"
    boxes: list[dict[str, float]] = driver.execute_script(
        "return window.dutygraphCy.nodes().map(function (n) {"
        " var b = n.boundingBox({includeLabels: true});"
        " return {x1: b.x1, x2: b.x2, y1: b.y1, y2: b.y2}; });")
    assert len(boxes) > 1
    overlaps = [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:]
                if a["x1"] < b["x2"] and b["x1"] < a["x2"]
                and a["y1"] < b["y2"] and b["y1"] < a["y2"]]
    assert not overlaps
    # Layers: every arrow points up (from who answers to whom they answer to), or sideways
    # within a layer; none points down.
    downward = driver.execute_script(
        "return window.dutygraphCy.edges().filter(function (e) {"
        " return e.target().position('y') > e.source().position('y') + 1; }).length;")
    assert downward == 0
    assert driver.execute_script(THROUGH) == []
    legend = driver.find_element(By.CSS_SELECTOR, ".graph-legend").text
    for words in ("reports to", "is accountable to", "must", "should", "proposed"):
        assert words in legend
    assert console_problems(driver) == []


def test_zoom_and_fit_work_from_buttons_and_from_the_keyboard(
        driver: WebDriver, live_server: str) -> None:
    graph = _graph(driver, live_server, "bromley")

    def zoom() -> float:
        return float(driver.execute_script("return window.dutygraphCy.zoom();"))

    start = zoom()
    driver.find_element(By.ID, "graph-zoom-in").click()
    assert zoom() > start
    driver.find_element(By.ID, "graph-fit").click()
    assert zoom() == pytest.approx(start, rel=0.01)
    graph.send_keys("+")
    assert zoom() > start
    graph.send_keys("0")
    assert zoom() == pytest.approx(start, rel=0.01)
    graph.send_keys("-")
    assert zoom() < start


def test_the_arrow_keys_walk_the_boxes_and_links_and_say_what_is_selected(
        driver: WebDriver, live_server: str) -> None:
    graph = _graph(driver, live_server, "bromley")
    graph.send_keys(Keys.ARROW_RIGHT)
    first = graph.get_attribute("data-selected")
    assert first
    text = driver.find_element(By.ID, "graph-selected").text
    assert "Press Enter to open its page" in text
    graph.send_keys(Keys.ARROW_RIGHT)
    assert graph.get_attribute("data-selected") != first
    graph.send_keys(Keys.ARROW_LEFT)
    assert graph.get_attribute("data-selected") == first
    graph.send_keys(Keys.END)  # the last element is a link: its force and provision in words
    assert "Force:" in driver.find_element(By.ID, "graph-selected").text
    graph.send_keys(Keys.HOME)
    graph.send_keys(Keys.ENTER)
    wait(driver).until(lambda d: "/entity?" in d.current_url)


@pytest.mark.parametrize(("button", "suffix", "kind", "magic"), [
    ("graph-png", ".png", "image/png", b"\x89PNG\r\n\x1a\n"),
    ("graph-svg", ".svg", "image/svg+xml", b"<"),
])
def test_the_graph_exports_as_a_file(driver: WebDriver, live_server: str, button: str,
                                     suffix: str, kind: str, magic: bytes) -> None:
    _graph(driver, live_server, "bromley")
    driver.find_element(By.ID, button).click()
    export: dict[str, Any] = driver.execute_async_script(FETCH_EXPORT)
    assert export is not None, "the button made no file"
    assert export["url"].startswith("blob:")
    assert export["name"] == "bromley-accountability" + suffix
    assert export["type"] == kind
    assert export["size"] > 1000
    head = base64.b64decode(export["head"])
    assert head.startswith(magic)
    if suffix == ".svg":
        assert b"svg" in head
    assert console_problems(driver) == []
