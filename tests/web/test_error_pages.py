"""Errors for people and for programs: a browser gets a page in the site's frame (search box,
language switch, its language), a program the plain-text message; both with the same status."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from lima_lod.web.i18n import TEXTS

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.fixture
def fresh(client: TestClient) -> TestClient:
    client.cookies.clear()  # no language remembered from another test
    return client


@pytest.mark.parametrize(
    "path",
    ["/id/commitment/999", "/doc/commitment/999.html", "/no/such/page", "/queries/no-such-query"],
)
def test_a_miss_is_a_page_in_the_frame_for_browsers(fresh: TestClient, path: str) -> None:
    response = fresh.get(path, headers=BROWSER)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    soup = BeautifulSoup(response.text, "html.parser")
    assert soup.find("html")["lang"] == "en"
    assert soup.find("h1").get_text() == TEXTS["error.404"]["en"]
    assert soup.find("form", id="search-form").find("input", type="search") is not None
    assert soup.find("nav", id="language") is not None
    assert soup.find(id="message").get_text().strip()
    assert {a["href"] for a in soup.find("main").find_all("a")} >= {"/", "/queries"}


def test_a_miss_in_spanish_keeps_the_language_in_its_links(fresh: TestClient) -> None:
    response = fresh.get("/id/commitment/999", params={"lang": "es"}, headers=BROWSER)
    assert response.status_code == 404
    soup = BeautifulSoup(response.text, "html.parser")
    assert soup.find("html")["lang"] == "es"
    assert soup.find("h1").get_text() == TEXTS["error.404"]["es"]
    assert {a["href"] for a in soup.find("main").find_all("a")} >= {"/?lang=es", "/queries?lang=es"}


def test_an_unknown_format_is_a_406_page_for_browsers(fresh: TestClient) -> None:
    response = fresh.get("/doc/commitment/10", params={"format": "nonsense"}, headers=BROWSER)
    assert response.status_code == 406
    soup = BeautifulSoup(response.text, "html.parser")
    assert soup.find("h1").get_text() == TEXTS["error.406"]["en"]
    assert "text/turtle" in soup.find(id="message").get_text()


@pytest.mark.parametrize("accept", [None, "text/turtle", "application/ld+json"])
def test_programs_get_the_message_as_text(fresh: TestClient, accept: str | None) -> None:
    headers = {"Accept": accept} if accept else {}
    response = fresh.get("/id/commitment/999", headers=headers)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/plain")
    assert "commitment/999" in response.text
    assert response.text.startswith("nothing is known")  # a message, not a page


def test_an_error_page_escapes_what_the_request_named(fresh: TestClient) -> None:
    response = fresh.get("/id/<script>alert(1)</script>", headers=BROWSER)
    assert response.status_code == 404
    soup = BeautifulSoup(response.text, "html.parser")
    assert all("alert" not in (s.string or "") for s in soup.find_all("script"))
