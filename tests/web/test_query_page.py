"""The query page: YASGUI served from this server (never a CDN), the plain form as its fallback,
the example queries one click away, downloads and a permalink, English and Spanish."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from lima_lod.web import pages
from lima_lod.web.i18n import TEXTS
from lima_lod.web.pages import Pages
from lima_lod.web.queries import read_examples

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
ROOT = Path(__file__).resolve().parent.parent.parent


def page(client: TestClient, headers: dict[str, str] | None = None, **params: str) -> BeautifulSoup:
    response = client.get("/sparql", params=params, headers={**BROWSER, **(headers or {})})
    assert response.headers["content-type"].startswith("text/html")
    return BeautifulSoup(response.text, "html.parser")


def config(soup: BeautifulSoup) -> dict[str, object]:
    data: dict[str, object] = json.loads(soup.find(id="editor")["data-config"])
    return data


def test_page_has_header_main_and_footer(client: TestClient) -> None:
    soup = page(client)
    body = soup.find("body")
    assert [
        child.name
        for child in body.find_all(recursive=False)
        if child.name in ("header", "main", "footer")
    ] == ["header", "main", "footer"]
    assert body.find("header").find("nav") is not None


def test_page_shares_the_site_frame(client: TestClient) -> None:
    soup = page(client)
    search = soup.find("form", id="search-form")
    assert search["action"] == "/search" and search.find("input", type="search")["name"] == "q"
    nav = {a["href"]: a.get("aria-current") for a in soup.find("header").find("nav").find_all("a")}
    assert nav["/sparql"] == "page" and "/queries" in nav and "/" in nav
    assert soup.find("link", rel="icon")["href"] == "/favicon.ico"
    assert soup.find("footer").find("a", rel="license") is not None
    # the query's text is not mistaken for the search box's
    asked = page(client, query="ASK {}")
    assert asked.find(id="search-box").get("value", "") == ""
    assert asked.find("textarea", id="query").text == "ASK {}"


@pytest.mark.skipif(not pages.yasgui_installed(), reason="YASGUI is not installed (make install)")
def test_yasgui_is_served_here(client: TestClient) -> None:
    soup = page(client)
    scripts = [s["src"] for s in soup.find_all("script")]
    assert scripts == ["/static/vendor/yasgui/yasgui.min.js", "/static/query.js"]
    assert all(not s.string for s in soup.find_all("script")), "no inline script (CSP)"
    styles = [link["href"] for link in soup.find_all("link", rel="stylesheet")]
    assert "/static/vendor/yasgui/yasgui.min.css" in styles
    for path in (
        "/static/vendor/yasgui/yasgui.min.js",
        "/static/vendor/yasgui/yasgui.min.css",
        "/static/query.js",
        "/static/query.css",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert len(response.content) > 100
    assert soup.find(id="no-editor") is None


def test_without_yasgui_the_form_stays_and_the_page_says_so(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    endpoint = client.app.state.endpoint  # type: ignore[attr-defined]
    monkeypatch.setattr(endpoint.pages, "yasgui", False)
    soup = page(client, query="ASK {}")
    assert soup.find(id="no-editor") is not None
    assert [s["src"] for s in soup.find_all("script")] == ["/static/query.js"]
    assert not any("vendor" in link["href"] for link in soup.find_all("link", rel="stylesheet"))
    assert soup.find("form", id="query-form").find("textarea", attrs={"name": "query"})
    assert soup.find(id="boolean").text == "true"  # still answered, without JavaScript


def test_editor_config_preloads_our_prefixes(client: TestClient) -> None:
    data = config(page(client))
    prefixes = data["prefixes"]
    assert isinstance(prefixes, dict)
    assert prefixes["cfu"] == "https://w3id.org/lima-lod/def/cfu#"
    assert prefixes["skos"] == "http://www.w3.org/2004/02/skos/core#"
    default = str(data["default"])
    assert "PREFIX cfu: <https://w3id.org/lima-lod/def/cfu#>" in default.splitlines()
    assert data["query"] is None
    assert data["base"] == "https://w3id.org/lima-lod/"
    assert data["endpoint"] == "sparql"


def test_examples_are_one_click_away_with_their_descriptions(client: TestClient) -> None:
    soup = page(client)
    items = soup.find(id="examples").find_all("li")
    files = sorted((ROOT / "queries").glob("*.rq"))
    assert [li.find("a", class_="example")["data-name"] for li in items] == [f.stem for f in files]
    for li, path in zip(items, files, strict=True):
        run = urlsplit(li.find("a", class_="example")["href"])
        params = parse_qs(run.query)
        assert run.path == "/sparql" and params["view"] == ["table"]
        assert params["query"] == [path.read_text(encoding="utf-8")]
        comment = " ".join(
            line.lstrip("#").strip()
            for line in path.read_text(encoding="utf-8").splitlines()
            if line.startswith("#")
        )
        title = li.find("a", class_="example").get_text()
        detail = li.find("p", class_="description")
        assert title and comment.startswith(title)  # the comment's first sentence
        assert detail is None or comment.lower().endswith(
            detail.get_text().lower()
        )  # and the rest of it
        assert len(title) + (len(detail.get_text()) if detail else 0) >= len(comment) - 2
        assert li.find("a", class_="example-iri")["href"] == f"/queries/{path.stem}"


def test_an_example_link_runs_without_javascript(client: TestClient) -> None:
    soup = page(client)
    link = soup.find("a", class_="example", attrs={"data-name": "axis-averages"})["href"]
    response = client.get(link, headers=BROWSER)
    result = BeautifulSoup(response.text, "html.parser")
    assert response.status_code == 200
    columns = [th.text for th in result.find(id="results").find("thead").find_all("th")]
    assert columns[:2] == ["code", "axis"]  # the tiny test release has no axes: no rows


def test_downloads_and_permalink_follow_the_query(client: TestClient) -> None:
    query = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 2"
    soup = page(client, query=query)
    share = soup.find(id="share")
    assert not share.has_attr("hidden")
    links = {
        a.get_text(): parse_qs(urlsplit(a["href"]).query)
        for a in soup.find(id="downloads").find_all("a")
    }
    assert set(links) == {"json", "xml", "csv", "tsv"}
    for name, params in links.items():
        assert params == {"query": [query], "format": [name]}
        answer = client.get("/sparql", params={"query": query, "format": name})
        assert answer.status_code == 200
    permalink = urlsplit(soup.find(id="permalink")["href"])
    assert parse_qs(permalink.query) == {"query": [query], "view": ["table"]}
    again = page(client, **{k: v[0] for k, v in parse_qs(permalink.query).items()})
    assert config(again)["query"] == query
    assert again.find("textarea", id="query").text == query


def test_construct_offers_rdf_downloads(client: TestClient) -> None:
    soup = page(client, query="CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1")
    names = [a.get_text() for a in soup.find(id="downloads").find_all("a")]
    assert names == ["turtle", "ntriples", "rdfxml", "jsonld"]


def test_spanish_interface(client: TestClient) -> None:
    spanish = page(client, lang="es")
    assert spanish.find("html")["lang"] == "es"
    assert spanish.find("h1").get_text() == TEXTS["query.title"]["es"]
    assert spanish.find(id="query-form").find("button").get_text() == TEXTS["query.run"]["es"]
    assert client.cookies.get("lang") == "es"  # the switch's choice is remembered...
    client.cookies.clear()  # ...so a new reader comes without it
    by_header = page(client, headers={"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"})
    assert by_header.find("html")["lang"] == "es"
    english = page(client, headers={"Accept-Language": "fr, en;q=0.4"})
    assert english.find("html")["lang"] == "en"
    assert english.find("h1").get_text() == TEXTS["query.title"]["en"]
    switch = spanish.find(id="language")
    assert {a["hreflang"]: a["href"] for a in switch.find_all("a")} == {
        "en": "/sparql?lang=en",
        "es": "/sparql?lang=es",
    }


def test_pages_read_descriptions_from_leading_comments(tmp_path: Path) -> None:
    (tmp_path / "one.rq").write_text(
        "# Counts things. Then more words.\n# Second line.\nSELECT (COUNT(*) AS ?n) {}\n"
    )
    (tmp_path / "two.rq").write_text("PREFIX x: <http://x/#SELECT>\nCONSTRUCT WHERE {}\n")
    one, two = read_examples(tmp_path, Pages("t", "e").iris)
    assert one.title == "Counts things"
    assert one.description == "Counts things. Then more words. Second line."
    assert one.kind.value == "solutions" and two.kind.value == "graph"
    assert two.title == "Two"


def test_a_page_in_one_language_is_not_revalidated_for_another(client: TestClient) -> None:
    client.cookies.clear()
    for params in ({}, {"query": "ASK {}"}):
        english = client.get("/sparql", params={**params, "lang": "en"}, headers=BROWSER)
        spanish = client.get("/sparql", params={**params, "lang": "es"}, headers=BROWSER)
        assert english.headers["etag"] != spanish.headers["etag"]
        for response in (english, spanish):
            assert {v.strip() for v in response.headers["vary"].split(",")} >= {
                "Accept",
                "Accept-Language",
                "Cookie",
            }
        client.cookies.clear()
        again = client.get(
            "/sparql",
            params=params,
            headers={**BROWSER, "Accept-Language": "es", "If-None-Match": english.headers["etag"]},
        )
        assert (
            again.status_code == 200
            and BeautifulSoup(again.text, "html.parser").html["lang"] == "es"
        )
    client.cookies.clear()
