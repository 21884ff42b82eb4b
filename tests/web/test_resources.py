"""Dereferenceable IRIs on the real release: 303 from things to documents, HTML for people,
Turtle/JSON-LD/N-Triples/RDF/XML for machines, the vocabulary, the release files, the home page."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from rdflib import OWL, RDF, Graph, URIRef
from rdflib.compare import isomorphic
from webkit import make_settings, quads, write_release

from lima_lod.iris import Iris
from lima_lod.store import EmbeddedStore
from lima_lod.web.app import create_app

IRIS = Iris()
CFU = IRIS.vocab
TEN = IRIS.commitment(10)


@pytest.fixture
def client(published: TestClient) -> TestClient:
    return published


def document(client: TestClient, path: str, accept: str) -> tuple[str, bytes]:
    first = client.get(path, headers={"Accept": accept}, follow_redirects=False)
    assert first.status_code == 303, first.text
    assert "Accept" in first.headers["vary"]
    location = first.headers["location"]
    second = client.get(location)
    assert second.status_code == 200
    return location, second.content


@pytest.mark.parametrize(
    ("accept", "suffix", "parser"),
    [
        ("text/turtle", ".ttl", "turtle"),
        ("application/ld+json", ".jsonld", "json-ld"),
        ("application/n-triples", ".nt", "nt"),
        ("application/rdf+xml", ".rdf", "xml"),
    ],
)
def test_things_redirect_to_data(client: TestClient, accept: str, suffix: str, parser: str) -> None:
    location, body = document(client, "/id/commitment/10", accept)
    assert location == f"/doc/commitment/10{suffix}"
    graph = Graph().parse(data=body, format=parser)
    assert (TEN, RDF.type, CFU.Commitment) in graph
    assert str(graph.value(TEN, CFU.text)).startswith("Promoting the adoption of measures")
    assert (TEN, CFU.thematicAxis, IRIS.axis("A")) in graph
    pointing = set(graph.subjects(CFU.commitment, TEN))
    assert IRIS.observation("mx-2021", 10, "overall") in pointing


def test_all_formats_say_the_same(client: TestClient) -> None:
    turtle = Graph().parse(data=client.get("/doc/commitment/10.ttl").content, format="turtle")
    jsonld = Graph().parse(data=client.get("/doc/commitment/10.jsonld").content, format="json-ld")
    assert len(turtle) > 10 and isomorphic(turtle, jsonld)


def test_people_get_a_page(client: TestClient) -> None:
    location, body = document(client, "/id/commitment/10", "text/html,application/xhtml+xml")
    assert location == "/doc/commitment/10.html"
    page = BeautifulSoup(body, "html.parser")
    assert page.find(id="title").get_text() == "Commitment 10"
    assert page.find(id="iri").get_text() == str(TEN)
    links = {a["href"] for a in page.find(id="properties").find_all("a")}
    assert "/id/axis/A" in links and "/id/agreement/lima-2018" in links
    incoming = {a["href"] for a in page.find(id="incoming").find_all("a")}
    assert "/id/observation/mx-2021/10/overall" in incoming
    alternates = {a["href"] for a in page.find(id="formats").find_all("a")}
    assert "/doc/commitment/10.ttl" in alternates


def test_document_without_suffix_negotiates(client: TestClient) -> None:
    response = client.get("/doc/observation/mx-2021/10/overall", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.headers["content-location"] == "/doc/observation/mx-2021/10/overall.ttl"
    graph = Graph().parse(data=response.content, format="turtle")
    assert str(graph.value(IRIS.observation("mx-2021", 10, "overall"), CFU.score)) in (
        "1.89",
        "1.890",
    )


@pytest.mark.parametrize(
    "path",
    [
        "/id/commitment/999",
        "/doc/nothing/here.ttl",
        "/id/x%3E%20%7D%20%3Fs%20%3Fp%20%3Fo",
        "/id/a%20b",
    ],
)
def test_unknown_or_unsafe_keys_are_404(client: TestClient, path: str) -> None:
    response = client.get(path, headers={"Accept": "text/turtle"}, follow_redirects=False)
    assert response.status_code == 404
    assert "Traceback" not in response.text


def test_406_when_no_format_fits(client: TestClient) -> None:
    response = client.get(
        "/id/commitment/10", headers={"Accept": "image/png"}, follow_redirects=False
    )
    assert response.status_code == 406


def test_vocabulary_by_negotiation(client: TestClient) -> None:
    turtle = client.get("/def/cfu", headers={"Accept": "text/turtle"})
    assert turtle.status_code == 200 and "Accept" in turtle.headers["vary"]
    graph = Graph().parse(data=turtle.content, format="turtle")
    assert (IRIS.ontology, RDF.type, OWL.Ontology) in graph
    versioned = client.get("/def/cfu/1.0.0", headers={"Accept": "application/ld+json"})
    assert isomorphic(graph, Graph().parse(data=versioned.content, format="json-ld"))
    html = BeautifulSoup(
        client.get("/def/cfu", headers={"Accept": "text/html"}).content, "html.parser"
    )
    assert "Commitment Follow-up vocabulary" in html.find("h1").get_text()
    assert client.get("/def/cfu/0.9", headers={"Accept": "text/turtle"}).status_code == 404
    shapes = client.get("/def/shapes", headers={"Accept": "text/turtle"})
    assert (None, RDF.type, URIRef("http://www.w3.org/ns/shacl#NodeShape")) in Graph().parse(
        data=shapes.content, format="turtle"
    )


@pytest.mark.parametrize("path", ["/def/cfu", "/def/cfu/1.0.0"])
def test_every_link_of_the_vocabulary_page_resolves(client: TestClient, path: str) -> None:
    from urllib.parse import urljoin, urlsplit

    page = client.get(path, headers={"Accept": "text/html"})
    soup = BeautifulSoup(page.content, "html.parser")
    links = {
        urljoin("http://testserver" + path, a["href"])
        for a in soup.find_all("a", href=True)
        if not a["href"].startswith(("#", "http://", "https://", "mailto:"))
    }
    assert any("/releases/" in link for link in links)  # the dumps, shapes and catalogue
    for link in sorted(links):
        answer = client.get(urlsplit(link).path, follow_redirects=False)
        assert answer.status_code in (200, 303), link


def test_release_files_and_nothing_else(client: TestClient) -> None:
    response = client.get("/releases/2021.1/lima-lod.ttl")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    assert len(Graph().parse(data=response.content, format="turtle")) > 4000
    for path in (
        "/releases/2021.1/../../../etc/passwd",
        "/releases/2021.1/%2E%2E/x",
        "/releases/2021.1/missing.ttl",
    ):
        assert client.get(path).status_code == 404


def test_home_page_links_what_is_served(client: TestClient) -> None:
    page = BeautifulSoup(client.get("/").content, "html.parser")
    assert page.find(id="sparql")["href"] == "/sparql"
    files = {a.get_text() for a in page.find(id="files").find_all("a")}
    assert {"lima-lod.ttl", "lima-lod.jsonld", "catalog.ttl"} <= files
    for link in page.find(id="examples").find_all("a"):
        browser = "text/html,application/xhtml+xml,*/*;q=0.8"
        assert client.get(link["href"], headers={"Accept": browser}).status_code == 200


def test_pages_escape_what_they_render(tmp_path: Path) -> None:
    hostile = '<script>alert("x")</script>'
    axis, graph = (
        "<https://w3id.org/lima-lod/id/axis/Z>",
        "<https://w3id.org/lima-lod/graph/code-lists>",
    )
    escaped = hostile.replace('"', '\\"')
    lines = [
        *quads(),
        f'{axis} <http://www.w3.org/2000/01/rdf-schema#label> "{escaped}" {graph} .',
        f"{axis} <https://w3id.org/lima-lod/def/cfu#link> <javascript:alert(1)> {graph} .",
    ]
    write_release(tmp_path, lines)
    settings = make_settings(tmp_path, workers=1)
    with TestClient(create_app(settings, EmbeddedStore.open(settings))) as client:
        body = client.get("/doc/axis/Z.html").text
    page = BeautifulSoup(body, "html.parser")
    # the only script is the resource's JSON-LD, a data block the browser does not run
    assert [s.get("type") for s in page.find_all("script")] == ["application/ld+json"]
    assert page.find(id="title").get_text() == hostile
    assert not [a for a in page.find_all("a") if a["href"].startswith("javascript:")]


@pytest.mark.parametrize(
    ("path", "media_type"),
    [
        ("lima-lod.nt.gz", "application/gzip"),
        ("csv/ratings-long.csv", "text/csv"),
        ("SHA256SUMS", "text/plain"),
    ],
)
def test_release_files_carry_their_media_type(
    client: TestClient, path: str, media_type: str
) -> None:
    response = client.get(f"/releases/2021.1/{path}")
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
