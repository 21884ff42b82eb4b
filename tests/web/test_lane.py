"""The endpoint's lane answers /sparql exactly as the app behind it would, byte for byte."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from starlette.types import Receive, Scope, Send

from lima_lod.settings import Settings
from lima_lod.store import EmbeddedStore
from lima_lod.web.app import App, create_app
from lima_lod.web.lane import Lane

OFF = "x-test-without-lane"
SELECT = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o LIMIT 5"
ASK = "ASK { ?s ?p ?o }"
CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3"
SERVICE = "SELECT * WHERE { ?s ?p 1SERVICE <http://127.0.0.1:9/> { ?a ?b ?c } }"


@pytest.fixture(scope="module")
def both(settings: Settings, store: EmbeddedStore) -> Iterator[tuple[App, TestClient]]:
    """One app, asked with its lane or (header ``x-test-without-lane``) without it."""
    app = create_app(settings, store)

    async def dispatch(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and (OFF.encode(), b"1") in scope["headers"]:
            await app.in_front(scope, receive, send)
        else:
            await app(scope, receive, send)

    with TestClient(dispatch) as client:
        yield app, client


def _asked(
    client: TestClient, method: str, url: str, headers: dict[str, str], body: bytes | None
) -> list[tuple[int, list[tuple[str, str]], bytes]]:
    """The answers with and without the lane: status, headers but the date, body."""
    seen = []
    for off in (False, True):
        sent = {**headers, OFF: "1"} if off else headers
        response = client.request(method, url, headers=sent, content=body)
        kept = [(k, v) for k, v in response.headers.multi_items() if k != "date"]
        seen.append((response.status_code, kept, response.content))
    return seen


def get(query: str) -> str:
    return "/sparql?query=" + quote(query, safe="")


CASES = [
    ("GET", get(SELECT), {"accept": "application/sparql-results+json"}, None, 200),
    ("GET", get(SELECT), {"accept": "text/csv"}, None, 200),
    ("GET", get(SELECT), {"accept": "text/tab-separated-values"}, None, 200),
    ("GET", get(SELECT), {"accept": "application/sparql-results+xml"}, None, 200),
    ("GET", get(SELECT), {"accept": "text/html"}, None, 200),  # the results page
    ("GET", get(SELECT), {}, None, 200),
    ("GET", get(SELECT) + "&format=csv", {}, None, 200),
    ("HEAD", get(SELECT), {"accept": "application/sparql-results+json"}, None, 200),
    ("GET", get(ASK), {"accept": "application/sparql-results+xml"}, None, 200),
    ("GET", get(CONSTRUCT), {"accept": "text/turtle"}, None, 200),
    ("GET", get(CONSTRUCT), {"accept": "application/ld+json"}, None, 200),
    ("GET", get(SERVICE), {}, None, 400),
    ("GET", get(SERVICE), {"accept": "text/html"}, None, 400),  # as a page
    ("GET", get("SELECT * WHERE {"), {}, None, 400),  # malformed
    ("GET", get("INSERT DATA { <a:b> <a:c> <a:d> }"), {}, None, 403),
    ("GET", get(SELECT), {"accept": "image/png"}, None, 406),
    ("POST", "/sparql", {"content-type": "application/sparql-query"}, b"#" * 70000, 413),
    ("GET", "/sparql?query=%FF", {}, None, 400),  # not UTF-8
    ("GET", "/sparql", {"accept": "text/turtle"}, None, 200),  # the service description
    ("GET", "/sparql", {"accept": "text/html"}, None, 200),  # the query page
    ("GET", "/sparql?lang=es", {"accept": "text/html"}, None, 200),
    ("POST", "/sparql", {"content-type": "application/sparql-query"}, SELECT.encode(), 200),
    ("POST", "/sparql", {"content-type": "text/plain"}, SELECT.encode(), 415),
    ("POST", "/sparql", {"content-type": "application/x-www-form-urlencoded"},
     b"query=" + quote(ASK).encode(), 200),
    ("OPTIONS", "/sparql", {}, None, 204),
    ("OPTIONS", "/sparql", {"origin": "http://x", "access-control-request-method": "POST"}, None, 204),
    ("PUT", "/sparql", {}, None, 405),
]  # fmt: skip


@pytest.mark.parametrize(("method", "url", "headers", "body", "status"), CASES)
def test_the_lane_answers_as_the_app_behind_it(
    both: tuple[App, TestClient],
    method: str,
    url: str,
    headers: dict[str, str],
    body: bytes | None,
    status: int,
) -> None:
    _, client = both
    with_lane, without = _asked(client, method, url, headers, body)
    assert with_lane == without
    assert with_lane[0] == status


def test_a_validator_revalidates_through_the_lane(both: tuple[App, TestClient]) -> None:
    _, client = both
    first = client.get(get(SELECT), headers={"accept": "text/csv"})
    again = client.get(
        get(SELECT), headers={"accept": "text/csv", "if-none-match": first.headers["etag"]}
    )
    assert again.status_code == 304
    assert again.headers["etag"] == first.headers["etag"]
    assert again.headers["access-control-allow-origin"] == "*"


def test_the_lane_is_in_front_and_passes_other_paths_on(both: tuple[App, TestClient]) -> None:
    app, client = both
    assert isinstance(app.lane, Lane)
    home = client.get("/", headers={"accept": "text/html"})
    assert home.status_code == 200
    assert home.headers["x-frame-options"] == "DENY"  # the middleware ran for it
    slash = client.get("/sparql/", follow_redirects=False)  # not the endpoint's path: the
    assert (slash.status_code, slash.headers["location"]) == (307, "http://testserver/sparql")


def test_an_unexpected_error_is_a_500_with_a_message(
    both: tuple[App, TestClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    app, client = both
    assert app.lane is not None

    async def broken(request: object) -> object:
        raise RuntimeError("a bug")

    monkeypatch.setattr(app.lane, "endpoint", _Broken(app.lane.endpoint, broken))  # type: ignore[attr-defined]
    response = client.get(get(ASK))
    assert response.status_code == 500
    assert response.text == "internal error; the server log has the details\n"
    assert "a bug" not in response.text
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers["x-content-type-options"] == "nosniff"


class _Broken:
    """An endpoint whose every answer raises, with the real one's error pages."""

    def __init__(self, real: object, call: object) -> None:
        self.real = real
        self.call = call

    async def __call__(self, request: object) -> object:
        return await self.call(request)  # type: ignore[operator]

    def error_page(self, request: object, error: object) -> object:
        return self.real.error_page(request, error)  # type: ignore[attr-defined]
