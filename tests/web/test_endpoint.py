"""The /sparql endpoint end to end (in process): protocol, formats, dataset, refusals, caching."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from rdflib import Dataset, Graph, URIRef
from rdflib.query import Result
from webkit import COMMITMENTS, GRAPHS, LABEL, SLASHED, make_settings

from lima_lod.formats import BY_NAME
from lima_lod.store import EmbeddedStore
from lima_lod.web.app import create_app

SRX = "{http://www.w3.org/2005/sparql-results#}"
SELECT_SLASHED = f"SELECT ?label WHERE {{ <{SLASHED}> <{LABEL}> ?label }}"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def bindings(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    doc = json.loads(response.content)
    return [{k: v["value"] for k, v in b.items()} for b in doc["results"]["bindings"]]


def test_get_form_post_and_direct_post_give_the_same_answer(client: TestClient) -> None:
    by_get = client.get("/sparql?query=" + quote(SELECT_SLASHED, safe=""))
    by_form = client.post("/sparql", data={"query": SELECT_SLASHED})
    by_direct = client.post(
        "/sparql",
        content=SELECT_SLASHED.encode(),
        headers={"Content-Type": "application/sparql-query"},
    )
    answers = [bindings(r) for r in (by_get, by_form, by_direct)]
    assert answers[0] == answers[1] == answers[2] == [{"label": "Slashed"}]


def test_select_as_json(client: TestClient) -> None:
    rows = bindings(client.get("/sparql", params={"query": COUNT}))
    assert int(rows[0]["n"]) > COMMITMENTS * 4  # the union of the named graphs


def test_select_as_xml(client: TestClient) -> None:
    response = client.get(
        "/sparql",
        params={"query": SELECT_SLASHED},
        headers={"Accept": "application/sparql-results+xml"},
    )
    assert response.headers["content-type"].startswith("application/sparql-results+xml")
    root = ET.fromstring(response.content)
    assert [v.get("name") for v in root.iter(f"{SRX}variable")] == ["label"]
    assert [lit.text for lit in root.iter(f"{SRX}literal")] == ["Slashed"]


def test_select_as_csv_and_tsv(client: TestClient) -> None:
    query = f"SELECT ?label WHERE {{ <https://w3id.org/lima-lod/id/axis/A> <{LABEL}> ?label }}"
    as_csv = client.get("/sparql", params={"query": query}, headers={"Accept": "text/csv"})
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert list(csv.reader(io.StringIO(as_csv.text))) == [["label"], ["Axis A\twith a tab"]]
    as_tsv = client.get(
        "/sparql", params={"query": query}, headers={"Accept": "text/tab-separated-values"}
    )
    lines = as_tsv.text.rstrip("\n").split("\n")
    assert lines[0] == "?label" and len(lines[1].split("\t")) == 1  # the tab is escaped
    assert lines[1] == '"Axis A\\twith a tab"'


def test_ask(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": f"ASK {{ <{SLASHED}> ?p ?o }}"})
    assert json.loads(response.content)["boolean"] is True
    as_xml = client.get(
        "/sparql",
        params={"query": "ASK { <http://nowhere/> ?p ?o }"},
        headers={"Accept": "application/sparql-results+xml"},
    )
    assert ET.fromstring(as_xml.content).find(f"{SRX}boolean").text == "false"


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
        ("application/trig", "trig"),
        ("application/n-quads", "nquads"),
    ],
)
def test_construct_in_every_rdf_format(client: TestClient, accept: str, rdflib_format: str) -> None:
    query = f"CONSTRUCT {{ ?s <{LABEL}> ?l }} WHERE {{ ?s <{LABEL}> ?l }}"
    response = client.get("/sparql", params={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200 and response.headers["vary"] == "Accept"
    assert response.headers["content-type"].startswith(accept)
    graph = Graph()
    graph.parse(data=response.content, format=rdflib_format)
    labels = {str(o) for o in graph.objects(URIRef(SLASHED), URIRef(LABEL))}
    assert labels == {"Slashed"}
    assert len(set(graph.subjects())) >= COMMITMENTS


def test_describe(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": f"DESCRIBE <{SLASHED}>"})
    graph = Graph().parse(data=response.content, format="turtle")
    assert (URIRef(SLASHED), URIRef(LABEL), None) in graph


def test_query_type_decides_the_family(client: TestClient) -> None:
    accept = {"Accept": "application/sparql-results+xml, application/rdf+xml"}
    select = client.get("/sparql", params={"query": SELECT_SLASHED}, headers=accept)
    construct = client.get("/sparql", params={"query": f"DESCRIBE <{SLASHED}>"}, headers=accept)
    assert select.headers["content-type"].startswith("application/sparql-results+xml")
    assert construct.headers["content-type"].startswith("application/rdf+xml")
    assert len(Graph().parse(data=construct.content, format="xml")) > 0


def test_format_parameter_overrides_accept(client: TestClient) -> None:
    response = client.get(
        "/sparql",
        params={"query": SELECT_SLASHED, "format": "csv"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert list(csv.reader(io.StringIO(response.text))) == [["label"], ["Slashed"]]


def test_406_when_nothing_is_acceptable(client: TestClient) -> None:
    response = client.get(
        "/sparql", params={"query": SELECT_SLASHED}, headers={"Accept": "image/png"}
    )
    assert response.status_code == 406 and "available" in response.text


def test_default_and_named_graph_parameters(client: TestClient) -> None:
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    vocabulary = [("query", query), ("default-graph-uri", GRAPHS["vocabulary"])]
    both = [*vocabulary, ("default-graph-uri", GRAPHS["metadata"])]
    one = int(bindings(client.get("/sparql", params=vocabulary))[0]["n"])
    two = int(bindings(client.get("/sparql", params=both))[0]["n"])
    assert one == 3 and two == 4
    named = {
        "query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
        "named-graph-uri": [GRAPHS["metadata"]],
    }
    assert bindings(client.post("/sparql", data=named)) == [{"g": GRAPHS["metadata"]}]


def test_from_a_held_graph_restricts_the_default_graph(client: TestClient) -> None:
    query = f"SELECT (COUNT(*) AS ?n) FROM <{GRAPHS['vocabulary']}> WHERE {{ ?s ?p ?o }}"
    assert bindings(client.get("/sparql", params={"query": query})) == [{"n": "3"}]


@pytest.mark.parametrize(
    ("query", "status", "words"),
    [
        ("SELECT * WHERE { ?s ?p", 400, "malformed query"),
        ("SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", 400, "SERVICE"),
        ("SELECT * FROM <http://example.org/elsewhere> { ?s ?p ?o }", 400, "does not hold"),
        ("INSERT DATA { <http://a> <http://b> <http://c> }", 403, "read-only"),
        ("LOAD <http://example.org/data.ttl>", 403, "read-only"),
    ],
)
def test_refusals_carry_a_message_and_no_trace(
    client: TestClient, query: str, status: int, words: str
) -> None:
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == status
    assert words in response.text and "Traceback" not in response.text
    assert response.headers["access-control-allow-origin"] == "*"


def test_an_update_is_refused_and_changes_nothing(client: TestClient) -> None:
    before = bindings(client.get("/sparql", params={"query": COUNT}))
    update = f'DELETE WHERE {{ ?s ?p ?o }} ; INSERT DATA {{ <{SLASHED}> <{LABEL}> "x" }}'
    refused = [
        client.post("/sparql", data={"update": update}),
        client.post(
            "/sparql",
            content=update.encode(),
            headers={"Content-Type": "application/sparql-update"},
        ),
        client.get("/sparql", params={"update": update}),
        client.post("/sparql", data={"query": update}),
    ]
    assert [r.status_code for r in refused] == [403, 403, 403, 403]
    assert bindings(client.get("/sparql", params={"query": COUNT + " "})) == before


def test_query_twice_is_400_and_wrong_content_type_is_415(client: TestClient) -> None:
    twice = client.get("/sparql?query=ASK%7B%7D&query=ASK%7B%7D")
    assert twice.status_code == 400
    for headers in ({"Content-Type": "text/plain"}, {}):
        response = client.post("/sparql", content=b"ASK {}", headers=headers)
        assert response.status_code == 415


def test_request_size_limits(dist) -> None:
    settings = make_settings(dist, max_request_bytes=2000, workers=1)
    with TestClient(create_app(settings, EmbeddedStore.open(settings))) as small:
        big = "ASK {} #" + "x" * 3000
        direct = small.post(
            "/sparql", content=big.encode(), headers={"Content-Type": "application/sparql-query"}
        )
        assert direct.status_code == 413 and "2000 bytes" in direct.text
        assert small.get("/sparql", params={"query": big}).status_code == 414
        fits = small.get("/sparql", params={"query": "ASK {} #" + "x" * 1000})
        assert fits.status_code == 200


def test_etag_and_last_modified_revalidate(client: TestClient) -> None:
    first = client.get("/sparql", params={"query": SELECT_SLASHED})
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    again = client.get("/sparql", params={"query": SELECT_SLASHED}, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    since = client.get(
        "/sparql", params={"query": SELECT_SLASHED}, headers={"If-Modified-Since": modified}
    )
    assert since.status_code == 304
    other = client.get(
        "/sparql",
        params={"query": SELECT_SLASHED},
        headers={"Accept": "text/csv", "If-None-Match": etag},
    )
    assert other.status_code == 200 and other.headers["etag"] != etag
    earlier = format_datetime(datetime(2020, 1, 1, tzinfo=UTC), usegmt=True)
    stale = client.get(
        "/sparql", params={"query": SELECT_SLASHED}, headers={"If-Modified-Since": earlier}
    )
    assert stale.status_code == 200


def test_last_modified_is_the_release_build_time(client: TestClient, store: EmbeddedStore) -> None:
    response = client.get("/sparql", params={"query": SELECT_SLASHED})
    assert store.release is not None
    assert response.headers["last-modified"] == format_datetime(store.release.built, usegmt=True)


def test_head_and_options(client: TestClient) -> None:
    head = client.head("/sparql", params={"query": SELECT_SLASHED})
    assert head.status_code == 200 and head.content == b"" and "etag" in head.headers
    options = client.options("/sparql")
    assert options.status_code == 204 and "POST" in options.headers["allow"]


def test_result_cap_is_signalled(dist) -> None:
    settings = make_settings(dist, max_results=5, workers=1)
    with TestClient(create_app(settings, EmbeddedStore.open(settings))) as small:
        query = "SELECT ?s WHERE { ?s ?p ?o }"
        cut = small.get("/sparql", params={"query": query})
        doc = json.loads(cut.content)
        assert cut.headers["x-result-truncated"] == "true"
        assert cut.headers["x-result-limit"] == "5"
        assert doc["truncated"] is True and doc["limit"] == 5
        assert len(doc["results"]["bindings"]) == 5
        as_turtle = small.get("/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"})
        assert as_turtle.headers["x-result-truncated"] == "true"
        assert len(Graph().parse(data=as_turtle.content, format="turtle")) == 5
        whole = small.get("/sparql", params={"query": f"SELECT ?o {{ <{SLASHED}> ?p ?o }}"})
        assert "x-result-truncated" not in whole.headers
        assert "truncated" not in json.loads(whole.content)


CAP = 5
CAPPED_SELECTS = {
    "no limit": "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o",
    "own limit and offset": "SELECT ?o WHERE { ?s ?p ?o } ORDER BY DESC(?o) OFFSET 2 LIMIT 50",
    "subquery with a limit": (
        "SELECT ?s ?p WHERE { { SELECT DISTINCT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 3 } "
        "?s ?p ?o } ORDER BY ?s ?p"
    ),
}


@pytest.fixture(scope="module")
def capped(dist) -> Iterator[TestClient]:
    settings = make_settings(dist, max_results=CAP, workers=1, cache_mb=0)
    with TestClient(create_app(settings, EmbeddedStore.open(settings))) as small:
        yield small


def read_rows(body: bytes, fmt: str) -> list[list[str]]:
    """The rows of a results document, read with the standard library (values as text)."""
    if fmt == "json":
        return [[t["value"] for t in b.values()] for b in json.loads(body)["results"]["bindings"]]
    if fmt == "xml":
        results = ET.fromstring(body).iter(f"{SRX}result")
        return [["".join(b.itertext()) for b in r.iter(f"{SRX}binding")] for r in results]
    if fmt == "csv":
        return list(csv.reader(io.StringIO(body.decode(), newline="")))[1:]
    return list(csv.reader(io.StringIO(body.decode()), delimiter="\t", quoting=csv.QUOTE_NONE))[1:]


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
@pytest.mark.parametrize("name", CAPPED_SELECTS)
def test_a_capped_select_holds_the_cap_and_says_so_in_each_format(
    capped: TestClient, fmt: str, name: str
) -> None:
    query = CAPPED_SELECTS[name]
    response = capped.get("/sparql", params={"query": query, "format": fmt})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(BY_NAME[fmt].media_type)
    assert response.headers["x-result-limit"] == str(CAP)
    assert response.headers["x-result-truncated"] == "true"
    assert len(read_rows(response.content, fmt)) == CAP
    assert len(Result.parse(io.BytesIO(response.content), format=fmt)) == CAP
    if fmt == "json":
        doc = json.loads(response.content)
        assert doc["truncated"] is True and doc["limit"] == CAP


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_an_answer_under_the_cap_says_nothing(capped: TestClient, fmt: str) -> None:
    query = "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 4"
    response = capped.get("/sparql", params={"query": query, "format": fmt})
    assert response.headers["x-result-limit"] == str(CAP)
    assert "x-result-truncated" not in response.headers
    assert len(read_rows(response.content, fmt)) == 4
    ask = capped.get("/sparql", params={"query": "ASK { ?s ?p ?o }", "format": fmt})
    assert ask.status_code == 200 and "x-result-truncated" not in ask.headers
    if fmt in ("json", "xml"):
        assert Result.parse(io.BytesIO(ask.content), format=fmt).askAnswer is True


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "rdfxml", "jsonld", "trig", "nquads"])
def test_a_capped_construct_holds_the_cap_and_says_so_in_each_format(
    capped: TestClient, fmt: str
) -> None:
    query = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 100"
    response = capped.get("/sparql", params={"query": query, "format": fmt})
    assert response.status_code == 200, response.text
    assert response.headers["x-result-truncated"] == "true"
    assert response.headers["x-result-limit"] == str(CAP)
    rdflib_format = str(BY_NAME[fmt].rdflib)
    if BY_NAME[fmt].quads:
        assert len(Dataset().parse(data=response.content, format=rdflib_format)) == CAP
    else:
        assert len(Graph().parse(data=response.content, format=rdflib_format)) == CAP


def test_cached_answers_are_the_same(client: TestClient) -> None:
    query = f"SELECT ?o WHERE {{ <{SLASHED}> ?p ?o }} ORDER BY ?o"
    first = client.get("/sparql", params={"query": query})
    second = client.get("/sparql", params={"query": query})
    assert bindings(first) == bindings(second)
    assert first.headers["etag"] == second.headers["etag"]


def test_last_modified_moves_with_a_new_release(tmp_path) -> None:
    from webkit import quads, write_release

    later = datetime.now(UTC) - timedelta(days=1)
    write_release(tmp_path, quads(), built=later.isoformat())
    settings = make_settings(tmp_path, workers=1)
    with TestClient(create_app(settings, EmbeddedStore.open(settings))) as newer:
        response = newer.get("/sparql", params={"query": "ASK {}"})
        assert response.headers["last-modified"] == format_datetime(
            later.replace(microsecond=0), usegmt=True
        )


def test_a_page_and_its_data_have_different_etags(client: TestClient) -> None:
    as_json = client.get("/sparql", params={"query": SELECT_SLASHED})
    as_page = client.get(
        "/sparql", params={"query": SELECT_SLASHED}, headers={"Accept": "text/html"}
    )
    assert as_page.headers["content-type"].startswith("text/html")
    assert as_json.headers["etag"] != as_page.headers["etag"]
