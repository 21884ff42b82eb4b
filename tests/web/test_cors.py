"""CORS on every response, errors and preflight included."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_every_response_allows_any_origin(client: TestClient) -> None:
    for response in (
        client.get("/sparql", params={"query": "ASK {}"}),
        client.get("/sparql"),
        client.get("/sparql", params={"query": "SELECT"}),
        client.get("/no-such-page"),
        client.put("/sparql"),
        client.post("/sparql", content=b"x"),
    ):
        assert response.headers["access-control-allow-origin"] == "*", response.status_code
        assert "X-Result-Truncated" in response.headers["access-control-expose-headers"]


def test_preflight(client: TestClient) -> None:
    response = client.options(
        "/sparql",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert response.status_code == 204
    assert "POST" in response.headers["access-control-allow-methods"]
    assert response.headers["access-control-allow-headers"] == "content-type"
