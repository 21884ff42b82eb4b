"""The service description: RDF by Accept, the public endpoint URL, formats and VoID figures."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from webkit import GRAPHS, quads

from lima_lod.iris import SD, VOID

ENDPOINT = URIRef("https://lod.example.org/sparql")


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [
        (None, "turtle"),
        ("text/turtle", "turtle"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
        ("application/n-triples", "nt"),
        ("application/trig", "trig"),
        ("application/n-quads", "nquads"),
    ],
)
def test_served_as_rdf_by_accept(
    client: TestClient, accept: str | None, rdflib_format: str
) -> None:
    headers = {"Accept": accept} if accept else {}
    response = client.get("/sparql", headers=headers)
    assert response.status_code == 200 and response.headers["vary"] == "Accept"
    graph = Graph()
    graph.parse(data=response.content, format=rdflib_format)
    assert (ENDPOINT, RDF.type, SD.Service) in graph
    assert (ENDPOINT, SD.endpoint, ENDPOINT) in graph  # the public URL, not the bind address


def describe(client: TestClient) -> Graph:
    return Graph().parse(data=client.get("/sparql").content, format="turtle")


def test_result_formats_and_language(client: TestClient) -> None:
    graph = describe(client)
    formats = {str(o) for o in graph.objects(ENDPOINT, SD.resultFormat)}
    assert "http://www.w3.org/ns/formats/SPARQL_Results_JSON" in formats
    assert "http://www.w3.org/ns/formats/Turtle" in formats
    assert len(formats) == 10
    assert (ENDPOINT, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert (ENDPOINT, SD.feature, SD.UnionDefaultGraph) in graph


def test_void_statistics(client: TestClient) -> None:
    graph = describe(client)
    dataset = graph.value(ENDPOINT, SD.defaultDataset)
    assert graph.value(dataset, VOID.triples).toPython() == len(quads())
    names = {}
    for named in graph.objects(dataset, SD.namedGraph):
        content = graph.value(named, SD.graph)
        names[str(graph.value(named, SD.name))] = graph.value(content, VOID.triples).toPython()
    assert set(names) == set(GRAPHS.values())
    assert sum(names.values()) == len(quads())


def test_browsers_get_the_form(client: TestClient) -> None:
    response = client.get("/sparql", headers={"Accept": "text/html"})
    assert response.headers["content-type"].startswith("text/html")
