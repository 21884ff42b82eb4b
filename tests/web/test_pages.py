"""The HTML page: a form that runs a query and shows its results as a table, offline."""

from __future__ import annotations

from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from webkit import BASE, LABEL, SLASHED

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def page(client: TestClient, **params: str) -> BeautifulSoup:
    response = client.get("/sparql", params=params, headers=BROWSER)
    assert response.headers["content-type"].startswith("text/html")
    return BeautifulSoup(response.text, "html.parser")


def test_the_form_submits_a_query_to_the_endpoint(client: TestClient) -> None:
    soup = page(client)
    form = soup.find("form", id="query-form")
    assert form["method"] == "get" and form["action"] == "/sparql"
    assert form.find("textarea", attrs={"name": "query"}).text.strip().startswith("SELECT")
    assert soup.find(id="results") is None


def test_running_the_form_shows_a_table(client: TestClient) -> None:
    query = f"SELECT ?s ?label WHERE {{ ?s <{LABEL}> ?label }} ORDER BY ?label"
    soup = page(client, query=query)
    table = soup.find("section", id="results").find("table")
    assert [th.text for th in table.find("thead").find_all("th")] == ["s", "label"]
    rows = [
        [td.get_text(" ", strip=True) for td in tr.find_all("td")]
        for tr in table.find("tbody").find_all("tr")
    ]
    assert [SLASHED, "Slashed"] in rows
    links = {a["href"] for a in table.find_all("a")}
    assert "/" + SLASHED.removeprefix(BASE) in links  # our IRIs open our pages, on this server
    assert soup.find("textarea").text == query  # the query stays in the form


def test_ask_and_construct_pages(client: TestClient) -> None:
    assert page(client, query="ASK {}").find(id="boolean").text == "true"
    soup = page(client, query=f"DESCRIBE <{SLASHED}>")
    headers = [th.text for th in soup.find("thead").find_all("th")]
    assert headers == ["subject", "predicate", "object"]


def test_errors_show_on_the_page(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "SELECT * {"}, headers=BROWSER)
    assert response.status_code == 400
    soup = BeautifulSoup(response.text, "html.parser")
    assert "malformed query" in soup.find(id="error").text


def test_no_resource_leaves_the_server(client: TestClient) -> None:
    soup = page(client)
    external = [
        tag.get("href") or tag.get("src") for tag in soup.find_all(["link", "script", "img"])
    ]
    assert all(ref and "//" not in ref for ref in external)
    css = client.get("/static/sparql.css")
    assert css.status_code == 200 and "table" in css.text


def test_datatypes_are_shown_short(client: TestClient) -> None:
    query = 'SELECT ?d ?t WHERE { VALUES (?d ?t) { (1.5 "x"^^<http://example.org/type>) } }'
    page = BeautifulSoup(
        client.get("/sparql", params={"query": query}, headers={"Accept": "text/html"}).content,
        "html.parser",
    )
    notes = [small.get_text() for small in page.find(id="results").find_all("small")]
    assert notes == ["xsd:decimal", "http://example.org/type"]
