"""The DCAT 3 catalogue and the VoID description: what they say matches the files and the data."""

from __future__ import annotations

import hashlib
from collections import Counter

import pytest
from rdflib import RDF, Graph, Literal, URIRef
from rdflib import namespace as ns
from releasekit import PUBLIC, Released, quads, release

from lima_lod.files import relative_files
from lima_lod.formats import of_file
from lima_lod.iris import CC_BY_4, DCAT, DCTERMS, SDG, SKOS, SPDX, VOID, WD, media_type_iri
from lima_lod.release import CHECKSUMS, METADATA_GRAPH, read_release

#: Files that describe the release rather than being distributions of it.
DESCRIBING = {"catalog.ttl", "void.ttl", "release.json", CHECKSUMS}


@pytest.fixture(scope="module")
def released() -> Released:
    return release()


@pytest.fixture(scope="module")
def dcat(released: Released) -> Graph:
    return Graph().parse(released.folder / "catalog.ttl", format="turtle")


@pytest.fixture(scope="module")
def void(released: Released) -> Graph:
    return Graph().parse(released.folder / "void.ttl", format="turtle")


@pytest.fixture(scope="module")
def data(released: Released) -> Graph:
    """The data graphs of the server dump, without the metadata graph."""
    dataset = quads(released.folder)
    graph = Graph()
    for s, p, o, g in dataset.quads((None, None, None, None)):
        if g != released.built.iris.graph(METADATA_GRAPH):
            graph.add((s, p, o))
    return graph


def by_lang(graph: Graph, subject: URIRef, predicate: URIRef) -> set[str | None]:
    return {o.language for o in graph.objects(subject, predicate) if isinstance(o, Literal)}


def test_catalogue_and_dataset(released: Released, dcat: Graph) -> None:
    iris = released.built.iris
    catalog, dataset = iris.catalog(), iris.release_dataset()
    assert (catalog, RDF.type, DCAT.Catalog) in dcat
    assert (catalog, DCAT.dataset, dataset) in dcat
    for subject in (catalog, dataset):
        assert {"en", "es"} <= by_lang(dcat, subject, DCTERMS.title)
        assert {"en", "es"} <= by_lang(dcat, subject, DCTERMS.description)
        assert dcat.value(subject, DCTERMS.license) == CC_BY_4
        assert isinstance(dcat.value(subject, DCTERMS.publisher), URIRef)
        for predicate in (DCTERMS.issued, DCTERMS.modified):
            assert dcat.value(subject, predicate).datatype == ns.XSD.dateTime
    summary = read_release(released.folder)
    assert dcat.value(dataset, DCAT.version) == Literal(summary["version"])
    service = dcat.value(catalog, DCAT.service)
    assert dcat.value(service, DCAT.endpointURL) == URIRef(f"{PUBLIC}/sparql")
    assert (service, DCAT.servesDataset, dataset) in dcat


def test_a_distribution_per_file_with_true_size_and_checksum(
    released: Released, dcat: Graph
) -> None:
    folder, version = released.folder, str(read_release(released.folder)["version"])
    files = [f for f in relative_files(folder) if f not in DESCRIBING]
    distributions = set(dcat.subjects(RDF.type, DCAT.Distribution))
    assert len(distributions) == len(files)
    for path in files:
        dist = released.built.iris.distribution(version, path)
        assert dist in distributions, path
        data = (folder / path).read_bytes()
        assert int(dcat.value(dist, DCAT.byteSize)) == len(data), path
        assert dcat.value(dist, DCAT.byteSize).datatype == ns.XSD.nonNegativeInteger
        checksum = dcat.value(dist, SPDX.checksum)
        assert dcat.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert str(dcat.value(checksum, SPDX.checksumValue)) == hashlib.sha256(data).hexdigest()
        fmt, compression = of_file(path)
        assert dcat.value(dist, DCAT.mediaType) == media_type_iri(fmt.media_type)
        assert str(dcat.value(dist, DCAT.mediaType)).startswith(
            "https://www.iana.org/assignments/media-types/"
        )
        if compression:
            assert dcat.value(dist, DCAT.compressFormat) == media_type_iri("application/gzip")
        assert str(dcat.value(dist, DCAT.downloadURL)) == f"{PUBLIC}/releases/{version}/{path}"
        assert dcat.value(dist, DCTERMS.license) == CC_BY_4
        assert len(list(dcat.subjects(DCAT.distribution, dist))) == 1


def test_sha256sums_lists_every_other_file(released: Released) -> None:
    lines = (released.folder / CHECKSUMS).read_text(encoding="utf-8").splitlines()
    listed = dict(reversed(line.split("  ", 1)) for line in lines)
    assert set(listed) == set(relative_files(released.folder)) - {CHECKSUMS}
    for path, digest in listed.items():
        assert hashlib.sha256((released.folder / path).read_bytes()).hexdigest() == digest


def test_the_metadata_graph_in_the_dumps_tells_no_stale_checksum(released: Released) -> None:
    metadata = quads(released.folder).graph(released.built.iris.graph(METADATA_GRAPH))
    assert (released.built.iris.catalog(), RDF.type, DCAT.Catalog) in metadata
    checked = 0
    for dist in metadata.subjects(RDF.type, DCAT.Distribution):
        path = str(metadata.value(dist, DCTERMS.title))
        checksum = metadata.value(dist, SPDX.checksum)
        if path.startswith("lima-lod."):
            assert checksum is None, path  # a dump cannot hold its own checksum
            continue
        data = (released.folder / path).read_bytes()
        assert str(metadata.value(checksum, SPDX.checksumValue)) == hashlib.sha256(data).hexdigest()
        assert int(metadata.value(dist, DCAT.byteSize)) == len(data)
        checked += 1
    assert checked > 10


def test_void_statistics_match_the_data(released: Released, void: Graph, data: Graph) -> None:
    d, iris = released.built.iris.release_dataset(), released.built.iris
    assert (d, RDF.type, VOID.Dataset) in void
    assert int(void.value(d, VOID.triples)) == len(data)
    entities = {s for s in data.subjects() if isinstance(s, URIRef) and iris.is_ours(str(s))}
    assert int(void.value(d, VOID.entities)) == len(entities)
    assert void.value(d, VOID.sparqlEndpoint) == URIRef(f"{PUBLIC}/sparql")
    assert str(void.value(d, VOID.uriSpace)) == iris.resource_prefix
    examples = list(void.objects(d, VOID.exampleResource))
    assert len(examples) >= 3
    for example in examples:
        assert (example, None, None) in data
    for part in void.objects(d, VOID.classPartition):
        cls = void.value(part, VOID["class"])
        assert int(void.value(part, VOID.entities)) == len(set(data.subjects(RDF.type, cls)))
    classes = {void.value(p, VOID["class"]) for p in void.objects(d, VOID.classPartition)}
    assert classes == set(data.objects(None, RDF.type))
    counts = Counter(data.predicates())
    for part in void.objects(d, VOID.propertyPartition):
        prop = void.value(part, VOID.property)
        assert int(void.value(part, VOID.triples)) == counts[prop]
    assert {void.value(p, VOID.property) for p in void.objects(d, VOID.propertyPartition)} == set(
        counts
    )
    dumps = {str(u) for u in void.objects(d, VOID.dataDump)}
    assert f"{PUBLIC}/releases/{released.folder.name}/lima-lod.nq" in dumps


def test_linksets_to_wikidata_and_the_un_sdg(released: Released, void: Graph, data: Graph) -> None:
    d = released.built.iris.release_dataset()
    linksets = {
        void.value(ls, VOID.objectsTarget): ls for ls in void.subjects(RDF.type, VOID.Linkset)
    }
    for target, space in (
        (URIRef("http://www.wikidata.org/"), str(WD)),
        (URIRef("http://metadata.un.org/sdg/"), str(SDG)),
    ):
        found = [ls for ls in void.subjects(VOID.objectsTarget, target)]
        links = [(s, p, o) for s, p, o in data if str(o).startswith(space)]
        assert found and links, target
        total = 0
        for linkset in found:
            assert (d, VOID.subset, linkset) in void
            assert void.value(linkset, VOID.subjectsTarget) == d
            predicate = void.value(linkset, VOID.linkPredicate)
            count = int(void.value(linkset, VOID.triples))
            assert count == sum(1 for _, p, _ in links if p == predicate)
            total += count
        assert total == len(links)
    assert linksets
    assert any(void.value(ls, VOID.linkPredicate) == SKOS.exactMatch for ls in linksets.values())
