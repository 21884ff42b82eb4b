"""The store: releases found and loaded read-only, answers written, remote engines forwarded to."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from webkit import GRAPHS, SLASHED, make_settings, quads, write_release

from lima_lod import store as store_module
from lima_lod.errors import BadRequest, EngineError, MalformedQuery, ReleaseError
from lima_lod.layout import find_release
from lima_lod.results import Choice
from lima_lod.store import EmbeddedStore, GraphSelection, Job, RemoteStore
from lima_lod.web.server import running

JSON = Choice("json", "json", "ntriples")


def test_find_release_follows_latest(dist: Path) -> None:
    release = find_release(dist)
    assert release.version == "2021.1" and release.built.tzinfo is not None
    assert release.nquads.name == "lima-lod.nq"


def test_latest_may_be_a_file_naming_the_version(tmp_path: Path) -> None:
    write_release(tmp_path, quads(), version="2022.2")
    (tmp_path / "latest").unlink()
    (tmp_path / "latest").write_text("2022.2\n")
    assert find_release(tmp_path).version == "2022.2"


def test_a_missing_release_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ReleaseError, match="lima-lod build"):
        find_release(tmp_path)


def test_graphs_and_statistics(store: EmbeddedStore) -> None:
    assert store.graphs() == frozenset(GRAPHS.values())
    statistics = store.statistics()
    assert statistics.triples == len(quads())
    assert statistics.graphs[GRAPHS["vocabulary"]] == 3


def test_the_database_is_read_only_and_reused(
    store: EmbeddedStore, settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A release too big for memory is served from the database on disk, opened read-only,
    # built once and reused.
    monkeypatch.setattr(store_module, "IN_MEMORY_BYTES", 0)
    on_disk = EmbeddedStore.open(settings)
    again = EmbeddedStore.open(settings)
    assert on_disk.database is not None and again.database == on_disk.database
    assert (on_disk.database / "COMPLETE").is_file()
    with pytest.raises(RuntimeError, match="read-write"):
        on_disk.handle.update(f"INSERT DATA {{ <{SLASHED}> <http://x/p> 1 }}")
    # The one way in, run(), evaluates queries only: an update does not even parse there.
    before = store.statistics()
    with pytest.raises(MalformedQuery):
        store.run(Job(f"INSERT DATA {{ <{SLASHED}> <http://x/p> 1 }}", JSON, 10), 0)
    assert store.statistics() == before


def test_a_store_pickles_to_its_paths(store: EmbeddedStore) -> None:
    copy = pickle.loads(pickle.dumps(store))
    assert copy.database == store.database and copy.graphs() == store.graphs()


def test_a_release_served_from_memory_builds_no_database(tmp_path: Path) -> None:
    write_release(tmp_path, quads())
    settings = make_settings(tmp_path)
    small = EmbeddedStore.open(settings)
    assert small.database is None and small.graphs() == frozenset(GRAPHS.values())
    assert not settings.store_path.exists()
    copy = pickle.loads(pickle.dumps(small))
    assert copy.database is None and copy.graphs() == small.graphs()


def test_run_with_a_dataset_and_malformed_queries(store: EmbeddedStore) -> None:
    job = Job(
        "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }",
        JSON,
        10,
        GraphSelection((GRAPHS["vocabulary"],), ()),
    )
    doc = json.loads(store.run(job, 0).body)
    assert doc["results"]["bindings"][0]["n"]["value"] == "3"
    with pytest.raises(MalformedQuery, match="malformed"):
        store.run(Job("SELECT * {", JSON, 10), 0)


def test_remote_store_forwards_and_caps(store: EmbeddedStore, dist: Path) -> None:
    with running(make_settings(dist, workers=1), store) as url:
        remote = RemoteStore(f"{url}/sparql", {}, None)
        assert remote.graphs() == store.graphs()
        assert remote.statistics().triples == store.statistics().triples
        answer = remote.run(Job("SELECT ?s { ?s ?p ?o }", JSON, 3), 10)
        assert answer.truncated and len(json.loads(answer.body)["results"]["bindings"]) == 3
        graph = remote.run(Job(f"DESCRIBE <{SLASHED}>", Choice(None, None, "turtle"), 100), 10)
        assert graph.kind.value == "graph" and graph.count == 2
        with pytest.raises(BadRequest):
            remote.run(Job("SELECT * {", JSON, 3), 10)
        # and an app over the remote store serves the same answers
        settings = make_settings(dist, endpoint=f"{url}/sparql")
        from lima_lod.web.app import create_app

        with TestClient(create_app(settings, RemoteStore.open(settings))) as client:
            response = client.get("/sparql", params={"query": f"ASK {{ <{SLASHED}> ?p ?o }}"})
            assert json.loads(response.content)["boolean"] is True


def test_remote_store_unreachable_is_502() -> None:
    remote = RemoteStore("http://127.0.0.1:9/sparql", {}, None)
    with pytest.raises(EngineError) as info:
        remote.run(Job("ASK {}", JSON, 3), 2)
    assert info.value.status == 502


def test_a_release_that_is_not_n_quads_is_a_release_error(tmp_path: Path) -> None:
    write_release(tmp_path, ["<http://a> <http://b> oops ."])
    settings = make_settings(tmp_path)
    with pytest.raises(ReleaseError, match="not valid N-Quads"):
        EmbeddedStore.open(settings)
