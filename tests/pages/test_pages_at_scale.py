"""The home page and the compliance matrix stay small and usable with hundreds of authorities
(tools.synth): the home page no longer links every function in every authority; the matrix
shows 50 authorities a page, with search, an outcome filter and page links that work, and
computes the audit once per store version and day."""

from __future__ import annotations

import math
import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from flask.testing import FlaskClient
from tools import synth

from dutygraph.datasets import load_graphs, repository_files
from dutygraph.store import EmbeddedStore
from dutygraph.web import create_app, pages

pytestmark = pytest.mark.slow

# Enough for two pages of the authority list (AUTHORITIES_PAGE_SIZE, 100) and three of the
# matrix (AUDIT_PAGE_SIZE, 50: a first, a middle and a last page), and far more links than the
# home page may hold if it listed every function in every authority. The bounds checked are
# per page, so a larger store tests nothing more here; it only made the matrix walk, which
# audits every authority, take twice as long (240 authorities: ~37 s of a quiet machine).
AUTHORITIES = 120
PAGE_BYTES = 400_000  # bounded whatever the number of authorities


@pytest.fixture(scope="module")
def scale_client(tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    path = tmp_path_factory.mktemp("synth") / "authorities.nt"
    synth.write(path, AUTHORITIES, seed=5)
    store = EmbeddedStore(None)
    store.replace_graphs(load_graphs(repository_files(), extra=[path]), drop_others=True)
    client: FlaskClient = create_app(store, {"QUERY_TIMEOUT": 600.0}).test_client()
    return client


def _get(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def _rows(html: str) -> list[str]:
    return re.findall(r'<tr data-authority="([^"]+)"', html)


def _page_links(html: str) -> dict[str, str]:
    nav = re.search(r'<nav class="pagination".*?</nav>', html, flags=re.S)
    assert nav, "no page links"
    return {text: href.replace("&amp;", "&") for href, text in
            re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav.group(0))}


def test_the_home_page_stays_small_with_hundreds_of_authorities(
        scale_client: FlaskClient) -> None:
    html = _get(scale_client, "/")
    assert len(html.encode()) < 150_000
    assert html.count("<a ") < 150  # not one link per function per authority
    assert 'id="function-in-authority"' in html
    assert html.count("<option") > AUTHORITIES  # every authority can still be chosen


def test_the_matrix_shows_fifty_authorities_a_page_and_every_page_link_works(
        scale_client: FlaskClient) -> None:
    html = _get(scale_client, "/audit")
    assert len(html.encode()) < PAGE_BYTES
    first = _rows(html)
    assert len(first) == pages.AUDIT_PAGE_SIZE
    heading = re.search(r"of (\d+)(?: \(of \d+ in the store\))?</h2>", html)
    assert heading, "no count of authorities"
    total = int(heading.group(1))
    assert total >= AUTHORITIES
    last_page = math.ceil(total / pages.AUDIT_PAGE_SIZE)
    assert last_page >= 3  # a first, a middle and a last page to walk
    links = _page_links(html)
    assert "Previous" not in links and "Next" in links and str(last_page) in links
    second = _get(scale_client, links["Next"])
    assert not set(_rows(second)) & set(first)
    assert "Previous" in _page_links(second)
    seen = set(first) | set(_rows(second))
    for n in range(3, last_page + 1):
        page = _get(scale_client, f"/audit?page={n}")
        assert len(page.encode()) < PAGE_BYTES
        seen |= set(_rows(page))
    assert len(seen) == total  # every authority on exactly one page
    assert scale_client.get(f"/audit?page={last_page + 1}").status_code == 400


@pytest.mark.parametrize("bad", ["page=0", "page=two", "outcome=probably"])
def test_a_bad_page_or_outcome_is_refused_naming_it(scale_client: FlaskClient, bad: str) -> None:
    response = scale_client.get("/audit?" + bad)
    assert response.status_code == 400
    assert bad.split("=")[0] in response.get_data(as_text=True)


def test_the_matrix_search_and_outcome_filter_narrow_the_rows(
        scale_client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    # all the time it needs: what the filter finds, not how fast (see the out-of-time test)
    monkeypatch.setattr(pages, "FILTER_TIME_SHARE", 1e9)
    html = _get(scale_client, "/audit?q=" + "synthetic 0007")
    rows = _rows(html)
    assert len(rows) == 1 and rows[0].endswith("synth-0007")
    assert "<details>" in html or "why" not in html  # one authority: its findings in place
    nothing = _get(scale_client, "/audit?q=no+such+council")
    assert _rows(nothing) == [] and 'id="no-authorities"' in nothing
    failing = _get(scale_client, "/audit?outcome=not+evidenced")
    rows = _rows(failing)
    assert rows
    for iri in rows[:5]:
        row = failing.split(f'<tr data-authority="{iri}"', 1)[1].split("</tr>", 1)[0]
        assert "outcome-not-evidenced" in row
    # the filters are kept in the page links
    if "pagination" in failing:
        for href in _page_links(failing).values():
            assert parse_qs(urlsplit(href).query).get("outcome") == ["not evidenced"]


def test_a_page_audits_only_its_own_authorities_and_is_kept_for_the_store_version(
        scale_client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str | None, tuple[str, ...] | None]] = []
    real = pages._audit_data

    def counted(as_of: str | None, which: tuple[str, ...] | None = None) -> dict[str, object]:
        calls.append((as_of, which))
        result: dict[str, object] = real(as_of, which)
        return result

    monkeypatch.setattr(pages, "_audit_data", counted)
    urls = ("/audit?as_of=2015-06-30", "/audit?as_of=2015-06-30&page=2",
            "/audit?as_of=2015-06-30&outcome=met")
    for url in urls:
        _get(scale_client, url)
    paged = [which for _, which in calls if which is not None]
    per_page = pages.AUDIT_PAGE_SIZE // pages.AUDIT_UNIT
    # the two pages: each audited in AUDIT_UNIT-sized calls, no authority twice
    assert len({a for w in paged[:2 * per_page] for a in w}) == 2 * pages.AUDIT_PAGE_SIZE
    # the filter never audits the whole store at once: it reuses the pages' own audits
    # (kept per store version and day) and audits further ones only as it needs them
    assert all(which is not None and len(which) <= pages.AUDIT_UNIT for _, which in calls)
    assert len(set(paged)) == len(paged)  # no page audited twice
    before = len(calls)
    for url in urls:  # again: everything is kept
        _get(scale_client, url)
    assert len(calls) == before


def test_the_authority_list_pages_and_searches(scale_client: FlaskClient) -> None:
    html = _get(scale_client, "/authority/")
    names = _listed(html)
    assert len(names) == pages.AUTHORITIES_PAGE_SIZE
    links = _page_links(html)
    second = _get(scale_client, links["Next"])
    more = _listed(second)
    assert more and not set(more) & set(names)
    found = _get(scale_client, "/authority/?q=synthetic+0042")
    assert _listed(found) == ["synth-0042"]
    assert scale_client.get("/authority/?page=99").status_code == 400


def _listed(html: str) -> list[str]:
    listing = html.split('<ul class="authority-list">', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'<a href="/authority/([^"]+)">', listing)


@pytest.mark.parametrize(("outcome", "day"), [("not evidenced", "2016-01-31"),
                                               ("met", "2016-02-29")])
def test_an_outcome_filter_out_of_time_shows_what_it_found_and_looks_further_when_asked_again(
        scale_client: FlaskClient, monkeypatch: pytest.MonkeyPatch, outcome: str,
        day: str) -> None:
    # (a day no other test audits on: nothing of it is kept yet)
    audited: list[tuple[str, ...]] = []
    real = pages._audit_data

    def counted(as_of: str | None, which: tuple[str, ...] | None = None) -> dict[str, object]:
        assert which is not None, "the filter audited the whole store at once"
        audited.append(which)
        result: dict[str, object] = real(as_of, which)
        return result

    monkeypatch.setattr(pages, "_audit_data", counted)
    monkeypatch.setattr(pages, "FILTER_TIME_SHARE", 0.0)  # out of time after each page
    url = "/audit?" + urlencode({"as_of": day, "outcome": outcome})
    first = _get(scale_client, url)
    assert len(audited) == 1  # one page of authorities, then out of time
    assert "not audited yet" in first  # and it says so
    second = _get(scale_client, url)
    assert len(audited) == 2 and audited[0] != audited[1]  # asked again: one page further
    assert len(_rows(second)) >= len(_rows(first)) > 0
    for iri in _rows(second):
        row = second.split(f'<tr data-authority="{iri}"', 1)[1].split("</tr>", 1)[0]
        assert "outcome-" + outcome.replace(" ", "-") in row
