"""Browser tests: the real app on a loopback port, driven by Debian's headless Chromium.

The app serves the repository's data plus the hostile fixtures in tests/browser/data (a
label containing <script>), from an in-memory Oxigraph store, through werkzeug in a thread.
Chromium runs with every background-networking feature off and a fresh profile, so the only
host it talks to is the test server. Missing Chromium is a failure, not a skip: `make test`
installs it (make system).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from dutygraph.rdfio import parse_file
from dutygraph.store import EmbeddedStore, Store
from dutygraph.web import create_app

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"
SCREENSHOTS = ROOT / "test-artefacts" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
VENDOR = ROOT / "src" / "dutygraph" / "web" / "static" / "vendor"
FIXTURE_GRAPH = URIRef("https://w3id.org/dutygraph/graph/source/browser-test-fixtures")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder drives the browser: mark it and keep it on one worker."""
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture(scope="session")
def browser_store(repo_graphs: dict[URIRef, Graph]) -> Store:
    graphs = dict(repo_graphs)
    fixtures = Graph()
    for path in sorted(DATA.glob("*.ttl")):
        fixtures += parse_file(path)
    graphs[FIXTURE_GRAPH] = fixtures
    store = EmbeddedStore(None)
    store.replace_graphs(graphs, drop_others=True)
    return store


@pytest.fixture(scope="session")
def live_server(browser_store: Store) -> Iterator[str]:
    """The app on a free 127.0.0.1 port; yields its base URL."""
    from werkzeug.serving import make_server

    missing = [p for p in ("yasgui/yasgui.min.js", "cytoscape/cytoscape.min.js")
               if not (VENDOR / p).is_file()]
    if missing:
        pytest.fail(f"front-end assets missing from {VENDOR} ({', '.join(missing)}): "
                    "run `make assets` (npm ci + scripts/copy-assets.mjs)", pytrace=False)
    app = create_app(browser_store)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="browser-test-server",
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """One headless Chromium for the session, with a fresh profile and no background traffic."""
    if not CHROMIUM.exists() or not CHROMEDRIVER.exists():
        pytest.fail(f"browser tests need {CHROMIUM} and {CHROMEDRIVER} (Debian packages "
                    "chromium and chromium-driver): run `make system`", pytrace=False)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-default-apps", "--disable-extensions",
                 "--disable-dev-shm-usage", "--window-size=1280,1000",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=str(CHROMEDRIVER))
    drv = webdriver.Chrome(service=service, options=options)
    # Upper bounds, not timings: a busy shared machine must not fail a page that loads.
    drv.set_page_load_timeout(180)
    drv.set_script_timeout(120)
    try:
        yield drv
    finally:
        drv.quit()


@pytest.fixture()
def screenshot(driver: object, request: pytest.FixtureRequest) -> Iterator[object]:
    """Call screenshot('name') to save the page; a failing test saves one automatically."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        driver.save_screenshot(str(path))  # type: ignore[attr-defined]
        return path

    yield take
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        take(f"FAILED-{request.node.name}")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if report.when == "call":
        item.rep_call = report  # type: ignore[attr-defined]
