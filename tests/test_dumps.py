"""The dumps: every serialisation holds the same graph, quad formats keep the named graphs,
JSON-LD carries its context, and the vocabulary and the shapes ship in three formats."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic, to_isomorphic
from releasekit import Released, quads, release

from lima_lod import dumps, layout, rdfio
from lima_lod.formats import BY_NAME, Family, of_file
from lima_lod.iris import DCAT
from lima_lod.layout import vocabulary_file
from lima_lod.release import read_release


@pytest.fixture(scope="module")
def released() -> Released:
    return release()


@pytest.fixture(scope="module")
def triples_dump(released: Released) -> Graph:
    return Graph().parse(released.folder / "lima-lod.nt", format="nt")


def test_every_dump_format_of_the_table_is_written(released: Released) -> None:
    names = dumps.dump_names()
    assert layout.SERVER_DUMP == "lima-lod.nq" and "lima-lod.nq" in names
    for name in names:
        assert (released.folder / name).stat().st_size > 0
    suffixes = {of_file(n)[0].name for n in names}
    rdf_formats = {f.name for f in BY_NAME.values() if f.family in (Family.GRAPH, Family.DATASET)}
    assert suffixes == rdf_formats


@pytest.mark.parametrize("name", ["lima-lod.ttl", "lima-lod.jsonld", "lima-lod.rdf"])
def test_triple_formats_are_isomorphic_to_n_triples(
    released: Released, triples_dump: Graph, name: str
) -> None:
    graph = Graph().parse(released.folder / name, format=of_file(name)[0].rdflib)
    assert len(graph) == len(triples_dump)
    assert isomorphic(graph, triples_dump)


def test_gzipped_n_triples_hold_the_same_bytes(released: Released) -> None:
    plain = (released.folder / "lima-lod.nt").read_bytes()
    assert gzip.decompress((released.folder / "lima-lod.nt.gz").read_bytes()) == plain


def test_quad_formats_keep_the_named_graphs(released: Released, triples_dump: Graph) -> None:
    iris = released.built.iris
    expected = {
        iris.graph(name) for name in ("vocabulary", "code-lists", "organizations", "metadata")
    }
    expected |= {
        g.identifier
        for g in released.built.dataset.graphs()
        if str(g.identifier).startswith(str(iris.graph("report/"))) and len(g)
    }
    nq, trig = quads(released.folder), quads(released.folder, "lima-lod.trig")
    for dataset in (nq, trig):
        names = {g.identifier for g in dataset.graphs() if len(g)}
        assert names == expected
        for graph in released.built.dataset.graphs():
            if len(graph):
                assert isomorphic(dataset.graph(graph.identifier), graph), graph.identifier
        union = Graph()
        for s, p, o, _ in dataset.quads((None, None, None, None)):
            union.add((s, p, o))
        assert isomorphic(union, triples_dump)
    assert to_isomorphic(nq.graph(iris.graph("metadata"))) == to_isomorphic(
        trig.graph(iris.graph("metadata"))
    )
    catalogs = list(nq.graph(iris.graph("metadata")).subjects(None, DCAT.Catalog))
    assert catalogs == [iris.catalog()]


def test_the_server_dump_is_what_release_json_counts(released: Released) -> None:
    summary = read_release(released.folder)
    assert summary["server_dump"] == layout.SERVER_DUMP
    dataset = quads(released.folder)
    assert sum(len(g) for g in dataset.graphs()) == summary["quads"]
    assert summary["graphs"] == {str(g.identifier): len(g) for g in dataset.graphs() if len(g)}


def test_json_ld_embeds_its_context(released: Released) -> None:
    for path in sorted(released.folder.rglob("*.jsonld")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        context = doc["@context"]
        assert isinstance(context, dict), path  # not a string or list naming a remote context
        # prefixes and terms name IRIs; term definitions (lima_lod.context) name theirs in @id
        for key, value in context.items():
            iri = value.get("@id", value.get("@reverse")) if isinstance(value, dict) else value
            assert isinstance(iri, str), (path, key)
            assert iri.startswith(("http://", "https://")) or iri in ("@id", "@type"), (path, key)
        assert not any(k == "@import" for k in context)
        iris = released.built.iris
        assert context.get("cfu", str(iris.vocab)) == str(iris.vocab)


def test_vocabulary_and_shapes_ship_in_four_formats(released: Released) -> None:
    summary = read_release(released.folder)
    stem = Path(vocabulary_file(str(summary["vocabulary_version"]))).with_suffix("")
    vocabulary = released.built.graph("vocabulary")
    for suffix, fmt in ((".ttl", "turtle"), (".nt", "nt"), (".jsonld", "json-ld"), (".rdf", "xml")):
        graph = Graph().parse(released.folder / f"{stem}{suffix}", format=fmt)
        assert isomorphic(graph, vocabulary), suffix
        shapes = Graph().parse(released.folder / "shapes" / f"lima-lod-shapes{suffix}", format=fmt)
        assert isomorphic(shapes, released.shapes), suffix


def test_line_formats_are_sorted_and_reproducible(released: Released) -> None:
    iris = released.built.iris
    union = dumps.union_graph(released.built.dataset, iris)
    first = dumps.serialise(union, BY_NAME["ntriples"], iris)
    assert first == dumps.serialise(union, BY_NAME["ntriples"], iris)
    lines = first.decode("utf-8").splitlines()
    assert lines == sorted(lines)
    assert dumps.gzipped(first) == dumps.gzipped(first)  # no timestamp in the gzip header


def test_union_keeps_each_triple_once() -> None:
    from lima_lod.iris import Iris

    iris = Iris()
    dataset = rdfio.new_dataset(iris)
    triple = (
        URIRef("https://example.org/a"),
        URIRef("https://example.org/b"),
        URIRef("https://example.org/c"),
    )
    dataset.graph(iris.graph("one")).add(triple)
    dataset.graph(iris.graph("two")).add(triple)
    assert len(dumps.union_graph(dataset, iris)) == 1
    assert isinstance(dataset, Dataset)


def test_no_triple_is_stated_in_two_graphs(released: Released) -> None:
    # Engines that take the default graph as the union of the named graphs (pyoxigraph) count a
    # triple once per graph that holds it: the metadata graph must not repeat the vocabulary's.
    dataset = quads(released.folder)
    seen: dict[tuple[object, object, object], object] = {}
    for s, p, o, g in dataset.quads((None, None, None, None)):
        assert (s, p, o) not in seen, f"({s} {p} {o}) in {seen[(s, p, o)]} and {g}"
        seen[(s, p, o)] = g
