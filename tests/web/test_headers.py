"""Security headers on every response, and CORS on the developer routes' GET answers."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

PATHS = ["/sparql?query=ASK%7B%7D", "/api/queries", "/api/openapi.json", "/id/role/dcs",
         "/api/nothing-here", "/sparql?query=nonsense", "/", "/no-such-page"]
CORS_PATHS = PATHS[:6]


@pytest.mark.parametrize("path", PATHS)
def test_every_response_carries_the_security_headers(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    for directive in ("default-src 'self'", "script-src 'self'", "frame-ancestors 'none'",
                      "style-src 'self'", "img-src 'self' data:", "connect-src 'self'"):
        assert directive in csp
    assert "'unsafe-inline'" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]


@pytest.mark.parametrize("path", CORS_PATHS)
def test_developer_get_answers_may_be_read_by_any_site(client: FlaskClient, path: str) -> None:
    response = client.get(path, headers={"Origin": "https://elsewhere.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_a_cors_preflight_for_get_is_answered(client: FlaskClient) -> None:
    response = client.options("/sparql", headers={
        "Origin": "https://elsewhere.example", "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "Accept"})
    assert response.status_code in (200, 204)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response.headers["Access-Control-Allow-Methods"]


def test_posts_are_not_opened_to_other_sites(client: FlaskClient) -> None:
    response = client.post("/sparql", data={"query": "ASK {}"},
                           headers={"Origin": "https://elsewhere.example"})
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response.headers
