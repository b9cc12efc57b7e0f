"""Every link a page shows leads somewhere: a crawl of the site with the Flask test client
from the home page and every navigation item, following each same-site link once, finds no
404 (and no server error). /ontology is included: it is generated on first request."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from flask.testing import FlaskClient

from dutygraph.store import Store

# Pages of one kind differ only by their parameter (an entity, a function in an authority):
# a few of each kind are enough to find a template's broken link, and keep the crawl short.
PER_KIND = 6
MAX_PAGES = 400


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = {"a": "href", "link": "href", "script": "src", "img": "src"}.get(tag)
        for name, value in attrs:
            if name == wanted and value:
                self.links.append(value)


def _kind(path: str) -> str:
    """The route a path belongs to, roughly: its first segment and its parameter names."""
    parts = urlsplit(path)
    first = parts.path.strip("/").split("/")[0]
    names = sorted(re.findall(r"(?:^|&)([^=&]+)=", parts.query))
    depth = parts.path.rstrip("/").count("/")
    return f"{first}/{depth}?{'&'.join(names)}"


def _crawl(client: FlaskClient, starts: list[str]) -> dict[str, tuple[int, str]]:
    seen: dict[str, tuple[int, str]] = {}
    per_kind: dict[str, int] = {}
    queue = [(s, "(start)") for s in starts]
    while queue and len(seen) < MAX_PAGES:
        path, referrer = queue.pop(0)
        if path in seen:
            continue
        response = client.get(path)
        seen[path] = (response.status_code, referrer)
        if response.mimetype != "text/html" or path.startswith("/static/"):
            continue
        parser = _Links()
        parser.feed(response.get_data(as_text=True))
        for link in parser.links:
            url = urldefrag(urljoin("http://localhost" + path, link))[0]
            parts = urlsplit(url)
            if parts.netloc != "localhost" or parts.scheme not in ("http", "https"):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target in seen or target.startswith(("/api/", "/sparql?")):
                continue
            kind = _kind(target)
            if per_kind.get(kind, 0) >= PER_KIND:
                continue
            per_kind[kind] = per_kind.get(kind, 0) + 1
            queue.append((target, path))
    return seen


@pytest.mark.slow
def test_no_link_on_any_page_leads_to_a_404(oxigraph_store: Store) -> None:
    from flask import url_for

    from dutygraph.web import create_app
    from dutygraph.web.pages import NAV_ITEMS

    # A generous time limit: a 503 from a busy machine is not a broken link.
    client = create_app(oxigraph_store, {"QUERY_TIMEOUT": 120.0}).test_client()
    with client.application.test_request_context():
        starts = ["/"] + [url_for(endpoint) for endpoint, _ in NAV_ITEMS]
    seen = _crawl(client, starts)
    broken = {p: r for p, r in seen.items() if r[0] == 404 or r[0] >= 500}
    assert len(seen) > len(starts), "the crawl found no links"
    assert not broken, "links to missing pages (path: status, found on): " + repr(broken)


def test_every_navigation_item_answers(oxigraph_client: FlaskClient) -> None:
    from flask import url_for

    from dutygraph.web.pages import NAV_ITEMS

    with oxigraph_client.application.test_request_context():
        urls = [url_for(endpoint) for endpoint, _ in NAV_ITEMS]
    statuses = {u: oxigraph_client.get(u).status_code for u in urls}
    assert all(s == 200 for s in statuses.values()), statuses
