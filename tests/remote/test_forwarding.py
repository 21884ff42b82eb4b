"""How ``serve --endpoint`` forwards: the result cap holds whether an engine's answer is passed
on as written (the Oxigraph server) or re-written (Virtuoso), and ``--endpoint-dataset union``
sends no dataset - right on an engine whose default graph is the union of the release's graphs,
wrong (an empty default graph) on one whose default graph is not, which is why it is not the
default."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from engines import Engine, Unavailable, remote_settings, start_oxigraph, store_url
from fastapi.testclient import TestClient
from test_remote_backends import QUERIES, json_rows, sparql

from lima_lod.publish import StoreClient, endpoints, load_release
from lima_lod.store import RemoteStore, find_release
from lima_lod.web.app import create_app

JSON = "application/sparql-results+json"
COUNT = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"


@pytest.fixture(scope="module")
def union_engine(release_dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """The Oxigraph server with ``--union-default-graph``, holding the real release."""
    try:
        engine = start_oxigraph(tmp_path_factory.mktemp("oxigraph-union"), union=True)
    except Unavailable as exc:
        pytest.skip(str(exc))
    try:
        load_release(StoreClient(endpoints(store_url(engine)), None), find_release(release_dist))
        yield engine
    finally:
        engine.stop()


def app_over(engine: Engine, dist: Path, **overrides: object) -> TestClient:
    settings = remote_settings(engine, dist, **overrides)
    return TestClient(create_app(settings, RemoteStore.open(settings)))


@pytest.mark.parametrize("name", ["oxigraph", "virtuoso"])
def test_the_cap_holds_on_every_engine(
    name: str, request: pytest.FixtureRequest, release_dist: Path
) -> None:
    engine = request.getfixturevalue(name)
    with app_over(engine, release_dist, max_results=3) as client:
        cut = client.get("/sparql", params={"query": "SELECT ?s { ?s ?p ?o }"})
        under = client.get(
            "/sparql",
            params={"query": "SELECT ?s { ?s ?p ?o } LIMIT 2"},
            headers={"Accept": JSON},
        )
        graph = client.get(
            "/sparql",
            params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
            headers={"Accept": "application/n-triples"},
        )
    doc = json.loads(cut.content)
    assert cut.headers["x-result-truncated"] == "true" and cut.headers["x-result-limit"] == "3"
    assert len(doc["results"]["bindings"]) == 3 and doc["truncated"] is True
    assert under.status_code == 200 and "x-result-truncated" not in under.headers
    assert len(json.loads(under.content)["results"]["bindings"]) == 2
    assert graph.headers["x-result-truncated"] == "true"
    assert len([line for line in graph.text.splitlines() if line.strip()]) == 3


def test_union_on_a_union_engine_gives_the_same_answers(
    union_engine: Engine, reference: TestClient, release_dist: Path
) -> None:
    meta = json.loads((release_dist / "latest" / "release.json").read_text())
    store = RemoteStore.open(remote_settings(union_engine, release_dist, endpoint_dataset="union"))
    assert store.union and store.faithful
    with app_over(union_engine, release_dist, endpoint_dataset="union") as client:
        count = json.loads(sparql(client, COUNT, JSON))["results"]["bindings"][0]["n"]["value"]
        assert int(count) == sum(meta["graphs"].values())
        for query in QUERIES:
            text = query.read_text()
            ours = json_rows(sparql(client, text, JSON))
            assert ours == json_rows(sparql(reference, text, JSON)), query.name


def test_union_on_an_engine_without_one_sends_no_dataset(
    oxigraph: Engine, release_dist: Path
) -> None:
    # The Oxigraph server without --union-default-graph: its default graph is empty, and with
    # nothing added the query sees it; the default (explicit) sees the release.
    for dataset, expected in (("union", 0), ("explicit", 1)):
        with app_over(oxigraph, release_dist, endpoint_dataset=dataset) as client:
            doc = json.loads(sparql(client, COUNT, JSON))
        assert min(int(doc["results"]["bindings"][0]["n"]["value"]), 1) == expected, dataset
