"""Each example query at a stable IRI, /queries/<name>: its text, its results in every format
(through the endpoint's own path) or a page; /queries lists them. Every answer is parsed."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from lxml import etree
from rdflib import Dataset, Graph
from rdflib.plugins.sparql import prepareQuery
from releasekit import ROOT, release
from webkit import BASE, make_settings

from lima_lod.settings import Settings
from lima_lod.store import EmbeddedStore
from lima_lod.web.app import create_app

QUERIES = sorted((ROOT / "queries").glob("*.rq"))
NAMES = [q.stem for q in QUERIES]
SRX = "{http://www.w3.org/2005/sparql-results#}"
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.fixture
def mexico(published: TestClient) -> TestClient:
    return published


def read_solutions(fmt: str, body: bytes) -> tuple[list[str], list[dict[str, str]]]:
    """Variables and rows of a SPARQL results document, parsed by its format's rules."""
    if fmt == "json":
        doc = json.loads(body)
        names = doc["head"]["vars"]
        return names, [{k: v["value"] for k, v in b.items()} for b in doc["results"]["bindings"]]
    if fmt == "xml":
        root = etree.fromstring(body)
        names = [v.get("name") for v in root.find(f"{SRX}head").findall(f"{SRX}variable")]
        rows = [
            {b.get("name"): "".join(b.itertext()) for b in r.findall(f"{SRX}binding")}
            for r in root.find(f"{SRX}results").findall(f"{SRX}result")
        ]
        return names, rows
    reader = csv.reader(io.StringIO(body.decode("utf-8")), delimiter="," if fmt == "csv" else "\t")
    header, *lines = list(reader)
    names = [h.removeprefix("?") for h in header]
    return names, [dict(zip(names, line, strict=True)) for line in lines]


def test_the_list_as_json(mexico: TestClient) -> None:
    response = mexico.get("/queries", headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    items = response.json()["queries"]
    assert [item["name"] for item in items] == NAMES
    public = release().settings.public
    for item, path in zip(items, QUERIES, strict=True):
        assert item["iri"] == f"{public}/queries/{path.stem}"
        assert item["query"] == path.read_text(encoding="utf-8")
        assert item["form"] == "solutions" and item["description"]
        assert parse_qs(urlsplit(item["run"]).query)["query"] == [item["query"]]


def test_the_list_as_a_page(mexico: TestClient) -> None:
    soup = BeautifulSoup(mexico.get("/queries", headers=BROWSER).text, "html.parser")
    links = [a["href"] for a in soup.find(id="queries").find_all("a", class_="example-iri")]
    assert links == [f"/queries/{name}" for name in NAMES]
    alternate = soup.find("link", rel="alternate", type="application/json")["href"]
    listed = mexico.get(alternate, headers=BROWSER).json()["queries"]
    assert [item["name"] for item in listed] == NAMES


@pytest.mark.parametrize("accept", [None, "*/*", "application/sparql-query"])
def test_the_text_by_default_and_on_request(mexico: TestClient, accept: str | None) -> None:
    path = ROOT / "queries" / "ratings-table.rq"
    response = mexico.get("/queries/ratings-table", headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/sparql-query"
    assert response.text == path.read_text(encoding="utf-8")
    prepareQuery(response.text)  # a query rdflib's parser reads
    assert "Accept" in response.headers["vary"]


@pytest.mark.parametrize("name", NAMES)
def test_results_in_every_format_agree(mexico: TestClient, name: str) -> None:
    answers = {}
    for fmt, media_type in (
        ("json", "application/sparql-results+json"),
        ("xml", "application/sparql-results+xml"),
        ("csv", "text/csv"),
        ("tsv", "text/tab-separated-values"),
    ):
        response = mexico.get(f"/queries/{name}", headers={"Accept": media_type})
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].split(";")[0] == media_type
        assert response.headers["x-result-limit"]  # the endpoint's own path answered
        answers[fmt] = read_solutions(fmt, response.content)
    names, rows = answers["json"]
    assert rows, f"{name} finds nothing in the Mexico release"
    for fmt, (other_names, other_rows) in answers.items():
        assert other_names == names, fmt
        assert len(other_rows) == len(rows), fmt
    by_param = mexico.get(f"/queries/{name}", params={"format": "csv"}, headers=BROWSER)
    assert read_solutions("csv", by_param.content)[1] == answers["csv"][1]


def test_the_page_shows_text_description_and_results(mexico: TestClient) -> None:
    response = mexico.get("/queries/ratings-table", headers=BROWSER)
    assert response.status_code == 200
    soup = BeautifulSoup(response.text, "html.parser")
    text = (ROOT / "queries" / "ratings-table.rq").read_text(encoding="utf-8")
    assert soup.find(id="query-text").get_text() == text
    comment = " ".join(
        line.lstrip("#").strip() for line in text.splitlines() if line.startswith("#")
    )
    title, detail = soup.find("h1").get_text(), soup.find(id="description").get_text()
    assert comment.startswith(title) and comment.lower().endswith(detail.lower())
    assert len(title) + len(detail) >= len(comment) - 2  # all of it: title, then the rest
    json_rows = read_solutions(
        "json", mexico.get("/queries/ratings-table", params={"format": "json"}).content
    )[1]
    rows = soup.find(id="results").find("tbody").find_all("tr")
    assert len(rows) == len(json_rows) > 0
    opened = urlsplit(soup.find(id="open")["href"])
    assert opened.path == "/sparql" and parse_qs(opened.query)["query"] == [text]
    alternates = {link["type"] for link in soup.find_all("link", rel="alternate")}
    assert {"application/sparql-query", "application/sparql-results+json", "text/csv"} <= alternates
    spanish = BeautifulSoup(
        mexico.get("/queries/ratings-table", params={"lang": "es"}, headers=BROWSER).text,
        "html.parser",
    )
    assert spanish.find("html")["lang"] == "es"


def test_unknown_names_and_formats(mexico: TestClient) -> None:
    assert mexico.get("/queries/no-such-query").status_code == 404
    assert mexico.get("/queries/..%2Fpyproject").status_code == 404
    refused = mexico.get("/queries/ratings-table", headers={"Accept": "image/png"})
    assert refused.status_code == 406
    assert "application/sparql-query" in refused.text


@pytest.fixture(scope="module")
def other_forms(
    tmp_path_factory: pytest.TempPathFactory, settings: Settings, store: EmbeddedStore
) -> Iterator[TestClient]:
    """The tiny release with a CONSTRUCT and an ASK example of its own."""
    root = tmp_path_factory.mktemp("root")
    (root / "queries").mkdir()
    (root / "queries" / "labels.rq").write_text(
        "# Every label, as a graph.\nCONSTRUCT { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l }"
        "\nWHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l }\n",
        encoding="utf-8",
    )
    (root / "queries" / "any.rq").write_text(
        "# Is anything there?\nASK { ?s ?p ?o }\n", encoding="utf-8"
    )
    (root / "queries" / "remote.rq").write_text(
        "# Reaches out.\nSELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }\n",
        encoding="utf-8",
    )
    local = make_settings(settings.dist, root=str(root))
    with TestClient(create_app(local, store)) as client:
        yield client


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "rdfxml", "jsonld", "trig", "nquads"])
def test_construct_results_in_every_rdf_format(other_forms: TestClient, fmt: str) -> None:
    from lima_lod.formats import BY_NAME

    row = BY_NAME[fmt]
    response = other_forms.get("/queries/labels", headers={"Accept": row.media_type})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == row.media_type
    parsed = Dataset() if row.quads and fmt != "jsonld" else Graph()
    parsed.parse(data=response.content, format=row.rdflib)
    labels = {str(o) for o in parsed.objects()}
    assert "Slashed" in labels and f"{BASE}id/commitment/1" in {str(s) for s in parsed.subjects()}


def test_ask_and_construct_pages(other_forms: TestClient) -> None:
    ask = BeautifulSoup(other_forms.get("/queries/any", headers=BROWSER).text, "html.parser")
    assert ask.find(id="boolean").get_text() == "true"
    answer = other_forms.get("/queries/any", headers={"Accept": "application/sparql-results+json"})
    assert answer.json()["boolean"] is True
    graph = BeautifulSoup(other_forms.get("/queries/labels", headers=BROWSER).text, "html.parser")
    assert [th.get_text() for th in graph.find("thead").find_all("th")] == [
        "subject",
        "predicate",
        "object",
    ]
    assert other_forms.get("/queries/labels", headers={"Accept": "text/csv"}).status_code == 406
    listed = other_forms.get("/queries", headers={"Accept": "application/json"}).json()
    assert {q["name"]: q["form"] for q in listed["queries"]} == {
        "any": "boolean",
        "labels": "graph",
        "remote": "solutions",
    }


def test_examples_go_through_the_guard(other_forms: TestClient) -> None:
    # An example naming a remote service is refused as the same query sent to /sparql is:
    # results and pages both come through the endpoint's guard.
    direct = other_forms.get(
        "/sparql",
        params={"query": ("SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")},
    )
    for headers in ({"Accept": "application/sparql-results+json"}, BROWSER):
        response = other_forms.get("/queries/remote", headers=headers)
        assert response.status_code == direct.status_code == 400
        assert "SERVICE" in response.text
