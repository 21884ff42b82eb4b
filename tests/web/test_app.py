"""The app factory: routes, errors as messages, each app its own state."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_unknown_paths_and_methods(client: TestClient) -> None:
    assert client.get("/no-such-page").status_code == 404
    put = client.put("/sparql", params={"query": "ASK {}"})
    assert put.status_code == 405 and "Traceback" not in put.text


def test_errors_are_plain_text_messages(client: TestClient) -> None:
    response = client.post("/sparql", content=b"ASK {}", headers={"Content-Type": "text/plain"})
    assert response.status_code == 415
    assert response.headers["content-type"].startswith("text/plain")
    assert "application/sparql-query" in response.text


def test_each_app_has_its_own_endpoint(client: TestClient, settings, store) -> None:
    from lima_lod.web.app import create_app

    other = create_app(settings, store)
    assert other.state.endpoint is not client.app.state.endpoint  # type: ignore[attr-defined]
    assert other.state.endpoint.cache is not client.app.state.endpoint.cache  # type: ignore[attr-defined]
