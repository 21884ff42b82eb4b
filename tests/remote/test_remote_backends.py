"""The same answers over every backend: the embedded store, the Oxigraph server and Virtuoso.

Each test asks our app over one backend (``backend``, parametrised) and over the embedded store
(``reference``), parses both answers and compares them: SPARQL results in JSON, XML, CSV and TSV,
ASK, CONSTRUCT in Turtle and N-Triples, GRAPH queries, ``default-graph-uri``, ``/id/`` 303
redirects, ``/doc/`` documents in Turtle and JSON-LD, and every example query in ``queries/``.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest
from engines import Engine, remote_settings
from fastapi.testclient import TestClient
from lxml import etree
from rdflib import Graph
from rdflib.compare import to_isomorphic

from lima_lod.store import RemoteStore
from lima_lod.web.app import create_app

ROOT = Path(__file__).resolve().parents[2]
QUERIES = sorted((ROOT / "queries").glob("*.rq"))
BASE = "https://w3id.org/lima-lod/"
GRAPH = f"{BASE}graph/"
SRX = "{http://www.w3.org/2005/sparql-results#}"
COMMITMENTS = (
    f"SELECT ?c ?label WHERE {{ ?c a <{BASE}def/cfu#Commitment> ; "
    "<http://www.w3.org/2000/01/rdf-schema#label> ?label } ORDER BY ?c ?label"
)


def value(text: str) -> object:
    """A value every engine writes alike: numbers by value (engines write decimals their own
    canonical way), everything else as it is."""
    try:
        return round(Decimal(text), 12)
    except (InvalidOperation, ValueError):
        return text


def json_rows(body: bytes) -> list[tuple[object, ...]]:
    doc = json.loads(body)
    names = doc["head"]["vars"]
    rows = [
        tuple(
            (
                cell["type"].replace("typed-literal", "literal"),
                value(cell["value"]),
                cell.get("xml:lang", ""),
            )
            if (cell := row.get(n))
            else None
            for n in names
        )
        for row in doc["results"]["bindings"]
    ]
    return sorted(rows, key=repr)


def xml_rows(body: bytes) -> list[tuple[object, ...]]:
    root = etree.fromstring(body)
    names = [v.get("name") for v in root.iter(f"{SRX}variable")]
    rows = []
    for result in root.iter(f"{SRX}result"):
        cells = {b.get("name"): b[0] for b in result.iter(f"{SRX}binding")}
        rows.append(
            tuple(
                (
                    etree.QName(cells[n]).localname,
                    value(cells[n].text or ""),
                    cells[n].get("{http://www.w3.org/XML/1998/namespace}lang", ""),
                )
                if n in cells
                else None
                for n in names
            )
        )
    return sorted(rows, key=repr)


def table_rows(body: bytes, delimiter: str) -> list[tuple[object, ...]]:
    rows = list(csv.reader(io.StringIO(body.decode()), delimiter=delimiter))
    return sorted((tuple(value(c) for c in row) for row in rows[1:]), key=repr)


def sparql(client: TestClient, query: str, accept: str, **params: str) -> bytes:
    response = client.get("/sparql", params={"query": query, **params}, headers={"Accept": accept})
    assert response.status_code == 200, response.text
    return response.content


def rdf(body: bytes, fmt: str) -> Graph:
    return to_isomorphic(Graph().parse(data=body, format=fmt))


@pytest.mark.parametrize(
    ("accept", "read"),
    [
        ("application/sparql-results+json", json_rows),
        ("application/sparql-results+xml", xml_rows),
        ("text/csv", lambda b: table_rows(b, ",")),
        ("text/tab-separated-values", lambda b: table_rows(b, "\t")),
    ],
    ids=["json", "xml", "csv", "tsv"],
)
def test_select_in_every_results_format(
    backend: TestClient, reference: TestClient, accept: str, read
) -> None:  # type: ignore[no-untyped-def]
    ours = read(sparql(backend, COMMITMENTS, accept))
    assert len(ours) >= 19  # the report's commitments, each with a label
    assert ours == read(sparql(reference, COMMITMENTS, accept))


def test_ask(backend: TestClient) -> None:
    yes = f"ASK {{ ?c a <{BASE}def/cfu#Commitment> }}"
    no = f"ASK {{ ?c a <{BASE}def/cfu#NoSuchClass> }}"
    assert json.loads(sparql(backend, yes, "application/sparql-results+json"))["boolean"] is True
    assert json.loads(sparql(backend, no, "application/sparql-results+json"))["boolean"] is False


@pytest.mark.parametrize(
    ("accept", "fmt"), [("text/turtle", "turtle"), ("application/n-triples", "nt")]
)
def test_construct(backend: TestClient, reference: TestClient, accept: str, fmt: str) -> None:
    query = (
        f"CONSTRUCT {{ ?c ?p ?o }} WHERE {{ GRAPH ?g "
        f"{{ ?c a <{BASE}def/cfu#Commitment> ; ?p ?o }} }}"
    )
    ours = rdf(sparql(backend, query, accept), fmt)
    assert len(ours) > 19
    assert ours == rdf(sparql(reference, query, accept), fmt)


def test_graph_queries_see_exactly_the_release_graphs(
    backend: TestClient, release_dist: Path
) -> None:
    meta = json.loads((release_dist / "latest" / "release.json").read_text())
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    doc = json.loads(sparql(backend, query, "application/sparql-results+json"))
    counts = {row["g"]["value"]: int(row["n"]["value"]) for row in doc["results"]["bindings"]}
    assert counts == meta["graphs"]  # no engine's system graphs, nothing missing


def test_the_default_graph_is_the_union_of_the_release_graphs(
    backend: TestClient, release_dist: Path
) -> None:
    meta = json.loads((release_dist / "latest" / "release.json").read_text())
    doc = json.loads(
        sparql(backend, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", "application/sparql-results+json")
    )
    assert int(doc["results"]["bindings"][0]["n"]["value"]) == sum(meta["graphs"].values())


def test_default_graph_uri_narrows_the_default_graph(
    backend: TestClient, release_dist: Path
) -> None:
    meta = json.loads((release_dist / "latest" / "release.json").read_text())
    vocabulary = f"{GRAPH}vocabulary"
    doc = json.loads(
        sparql(
            backend,
            "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }",
            "application/sparql-results+json",
            **{"default-graph-uri": vocabulary},
        )
    )
    assert int(doc["results"]["bindings"][0]["n"]["value"]) == meta["graphs"][vocabulary]


def test_updates_and_service_are_refused_before_anything_is_sent(backend: TestClient) -> None:
    insert = f"INSERT DATA {{ GRAPH <{GRAPH}vocabulary> {{ <urn:x:a> <urn:x:b> <urn:x:c> }} }}"
    assert backend.post("/sparql", data={"query": insert}).status_code == 403
    assert backend.post("/sparql", data={"update": insert}).status_code in (400, 403)
    service = "SELECT * { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    assert backend.get("/sparql", params={"query": service}).status_code == 400
    # glued to a number, SERVICE is still a keyword to engines (pyoxigraph reads 1 SERVICE)
    glued = "SELECT * { ?s ?p 1SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    assert backend.get("/sparql", params={"query": glued}).status_code == 400
    ask = "ASK { <urn:x:a> <urn:x:b> <urn:x:c> }"
    assert json.loads(sparql(backend, ask, "application/sparql-results+json"))["boolean"] is False


def _a_commitment(client: TestClient) -> str:
    doc = json.loads(sparql(client, COMMITMENTS, "application/sparql-results+json"))
    iri: str = doc["results"]["bindings"][0]["c"]["value"]
    assert iri.startswith(f"{BASE}id/")
    return iri[len(BASE) :]


def test_id_redirects_with_303(backend: TestClient) -> None:
    key = _a_commitment(backend)
    response = backend.get(f"/{key}", headers={"Accept": "text/turtle"}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].endswith(key.replace("id/", "doc/", 1) + ".ttl")


@pytest.mark.parametrize(("suffix", "fmt"), [("ttl", "turtle"), ("jsonld", "json-ld")])
def test_documents_are_the_same(
    backend: TestClient, reference: TestClient, suffix: str, fmt: str
) -> None:
    key = _a_commitment(reference).replace("id/", "doc/", 1)
    ours = backend.get(f"/{key}.{suffix}")
    assert ours.status_code == 200, ours.text
    graph = rdf(ours.content, fmt)
    assert len(graph) > 3
    assert graph == rdf(reference.get(f"/{key}.{suffix}").content, fmt)


@pytest.mark.parametrize("query", QUERIES, ids=lambda p: p.name)
def test_every_example_query_gives_the_same_rows(
    backend: TestClient, reference: TestClient, query: Path
) -> None:
    text = query.read_text()
    ours = json_rows(sparql(backend, text, "application/sparql-results+json"))
    assert ours, f"{query.name} returns no rows"
    assert ours == json_rows(sparql(reference, text, "application/sparql-results+json"))


def test_the_home_page_answers(backend: TestClient) -> None:
    response = backend.get("/", headers={"Accept": "text/html"})
    assert response.status_code == 200
    from bs4 import BeautifulSoup

    assert BeautifulSoup(response.text, "html.parser").find("a", href="/sparql") is not None


def test_each_engine_gets_its_own_timeout(
    oxigraph: Engine, virtuoso: Engine, release_dist: Path
) -> None:
    # Virtuoso takes a per-query timeout (ms); the Oxigraph server only its --timeout-s.
    assert RemoteStore.open(remote_settings(virtuoso, release_dist)).timeout_parameter == (
        "timeout",
        1000,
    )
    assert RemoteStore.open(remote_settings(oxigraph, release_dist)).timeout_parameter is None


def test_a_query_past_the_deadline_on_virtuoso_is_504_not_a_partial_answer(
    virtuoso: Engine, release_dist: Path
) -> None:
    # A three-way cartesian product of the release takes Virtuoso far longer than a second:
    # with a one-second deadline Virtuoso stops it ("anytime" query: a partial answer, flagged
    # only in headers) or our deadline on the HTTP call does; either way the client gets 504.
    settings = remote_settings(virtuoso, release_dist, query_timeout=1.0)
    with TestClient(create_app(settings, RemoteStore.open(settings))) as client:
        response = client.get(
            "/sparql",
            params={"query": "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"},
            headers={"Accept": "application/sparql-results+json"},
        )
    assert response.status_code == 504, response.text
