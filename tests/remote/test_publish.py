"""The parts of ``lima-lod load`` that need no engine: recognising the store from its URL, and
refusing a dump that is not a set of named graphs."""

from __future__ import annotations

from pathlib import Path

import pytest

from lima_lod.errors import ConfigError, ReleaseError
from lima_lod.publish import endpoints, read_graphs


@pytest.mark.parametrize(
    ("url", "engine", "query", "update"),
    [
        ("http://h:7878/store", "Oxigraph server", "http://h:7878/query", "http://h:7878/update"),
        (
            "http://h:8890/sparql-graph-crud-auth",
            "Virtuoso (authenticated)",
            "http://h:8890/sparql-auth",
            "http://h:8890/sparql-auth",
        ),
        (
            "https://h/fuseki/ds/data/",
            "Fuseki",
            "https://h/fuseki/ds/query",
            "https://h/fuseki/ds/update",
        ),
        (
            "http://h:7200/repositories/lima/rdf-graphs/service",
            "GraphDB / RDF4J",
            "http://h:7200/repositories/lima",
            "http://h:7200/repositories/lima/statements",
        ),
    ],
)
def test_the_store_is_recognised_from_its_graph_store_url(
    url: str, engine: str, query: str, update: str
) -> None:
    where = endpoints(url)
    assert (where.layout.engine, where.query, where.update) == (engine, query, update)


def test_an_unknown_or_credentialed_url_is_refused_without_echoing_a_password() -> None:
    with pytest.raises(ConfigError, match="/store"):
        endpoints("http://h:1234/somewhere")
    with pytest.raises(ConfigError) as refused:
        endpoints("http://me:hunter2@h:7878/store")
    assert "hunter2" not in str(refused.value)


def test_a_dump_must_hold_named_graphs_only(tmp_path: Path) -> None:
    dump = tmp_path / "lima-lod.nq"
    dump.write_text("<http://x/s> <http://x/p> <http://x/o> .\n", encoding="utf-8")
    with pytest.raises(ReleaseError, match="outside a named graph"):
        read_graphs(dump)
    dump.write_text("", encoding="utf-8")
    with pytest.raises(ReleaseError, match="no named graph"):
        read_graphs(dump)
    dump.write_text("<http://x/s> <http://x/p> <http://x/o> <http://x/g> .\n", encoding="utf-8")
    assert [g.value for g in read_graphs(dump).named_graphs()] == ["http://x/g"]
