"""The FOOPS! FAIR ontology checks (https://foops.linkeddata.es/) that can be decided offline, run
against our vocabulary and shapes as the release publishes them and as our server serves them.

Each test names the FOOPS! check it stands for (CN1, OM1...). The checks that need the public
internet (the prefix in prefix.cc or LOV, the vocabulary listed in LOV, w3id.org resolving, the
licence resolving) are listed in ``ONLINE`` and reported as skipped with the reason; what a person
has to do for them is in docs/publishing-the-vocabulary.md.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from rdflib import OWL, RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from releasekit import ROOT, release

from lima_lod import vocabulary_docs as docs
from lima_lod.iris import CC_BY_4, DCTERMS, SKOS, VANN, Iris

IRIS = Iris()
BIBO = Namespace("http://purl.org/ontology/bibo/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
#: What FOOPS! asks for, by check; each entry is (what FOOPS! calls it, the property we use).
MINIMUM = {
    "title": DCTERMS.title,
    "description": DCTERMS.description,
    "license": DCTERMS.license,
    "version iri": OWL.versionIRI,
    "author": DCTERMS.creator,
    "namespace URI": VANN.preferredNamespaceUri,
}
RECOMMENDED = {
    "namespace prefix": VANN.preferredNamespacePrefix,
    "version info": OWL.versionInfo,
    "creation date": DCTERMS.created,
    "citation": DCTERMS.bibliographicCitation,
    "contributor": DCTERMS.contributor,
}
DETAILED = {
    "publisher": DCTERMS.publisher,
    "status": BIBO.status,
    "source": DCTERMS.source,
    "issued": DCTERMS.issued,
    "modified": DCTERMS.modified,
}
PROVENANCE = {
    "author": DCTERMS.creator,
    "creation date": DCTERMS.created,
    "contributor": DCTERMS.contributor,
    "issued": DCTERMS.issued,
    "publisher": DCTERMS.publisher,
}
#: FOOPS! checks that cannot be decided offline, with why; see docs/publishing-the-vocabulary.md.
ONLINE = {
    "FIND2 prefix in prefix.cc or LOV": "needs prefix.cc and LOV; the prefix is submitted by a "
    "person (docs/publishing-the-vocabulary.md)",
    "FIND3 vocabulary listed in LOV": "needs LOV's API; LOV lists the vocabulary after a person "
    "submits it and LOV's curators review it",
    "FIND3_BIS metadata accessible in a registry": "same as FIND3 (LOV keeps the metadata)",
    "URI1 https://w3id.org/lima-lod/def/cfu resolves": "needs w3id.org and the pull request of "
    "docs/w3id/; the rules are tested against "
    "a local Apache (tests/test_w3id.py)",
    "VER2 the version IRI resolves through w3id.org": "as URI1; our server's answer at the "
    "version path is checked offline here",
    "OM4.2 licence resolvable": "needs creativecommons.org; the IRI is checked to be CC BY 4.0's",
}
#: FOOPS! detailed metadata we do not have yet, and why (FOOPS! lowers the score, not a failure).
NOT_YET = {
    "doi (bibo:doi)": "a DOI needs a deposit (e.g. Zenodo) made by a person for a tagged release",
    "logo (foaf:logo)": "the project has no logo of its own yet",
}
#: How each format asks for the vocabulary, and how rdflib reads the answer.
NEGOTIATED = [
    ("text/turtle", "turtle"),
    ("application/rdf+xml", "xml"),
    ("application/n-triples", "nt"),
    ("application/ld+json", "json-ld"),
]


@pytest.fixture(scope="module")
def vocab() -> Graph:
    return Graph().parse(ROOT / "ontology" / "cfu.ttl")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    graph = Graph()
    for path in sorted((ROOT / "shapes").glob("*.ttl")):
        graph.parse(path)
    return graph


@pytest.fixture
def client(published: TestClient) -> TestClient:
    return published


def missing(graph: Graph, subject: URIRef, wanted: dict[str, URIRef]) -> list[str]:
    return [name for name, prop in wanted.items() if graph.value(subject, prop) is None]


def terms(vocab: Graph) -> list[URIRef]:
    found = {s for t in TERM_TYPES for s in vocab.subjects(RDF.type, t)}
    return sorted(s for s in found if isinstance(s, URIRef))


# -- OM: ontology metadata ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("check", "wanted"),
    [
        ("OM1 minimum", MINIMUM),
        ("OM2 recommended", RECOMMENDED),
        ("OM3 detailed", DETAILED),
        ("OM5.1/OM5.2 provenance", PROVENANCE),
    ],
)
def test_vocabulary_metadata(vocab: Graph, check: str, wanted: dict[str, URIRef]) -> None:
    assert missing(vocab, IRIS.ontology, wanted) == [], check


@pytest.mark.parametrize(
    ("check", "wanted"),
    [
        ("OM1 minimum", {k: v for k, v in MINIMUM.items() if "namespace" not in k}),
        (
            "OM2 recommended",
            {
                "version info": OWL.versionInfo,
                "creation date": DCTERMS.created,
                "citation": DCTERMS.bibliographicCitation,
            },
        ),
        ("OM3 detailed", DETAILED),
    ],
)
def test_shapes_metadata(shapes: Graph, check: str, wanted: dict[str, URIRef]) -> None:
    """The shapes are a published artefact too: their own IRI, version IRI, licence, dates."""
    assert (IRIS.shapes, RDF.type, OWL.Ontology) in shapes
    assert missing(shapes, IRIS.shapes, wanted) == [], check
    version = str(shapes.value(IRIS.shapes, OWL.versionInfo))
    assert shapes.value(IRIS.shapes, OWL.versionIRI) == IRIS.shapes_version(version)


def test_titles_descriptions_and_citations_have_languages(vocab: Graph) -> None:
    for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.bibliographicCitation):
        langs = {o.language for o in vocab.objects(IRIS.ontology, prop) if isinstance(o, Literal)}
        assert {"en", "es"} <= langs, prop
    for citation in vocab.objects(IRIS.ontology, DCTERMS.bibliographicCitation):
        version = str(vocab.value(IRIS.ontology, OWL.versionInfo))
        assert str(IRIS.ontology_version(version)) in str(citation), "cite the version IRI"


def test_dates_and_status_are_typed(vocab: Graph) -> None:
    created = vocab.value(IRIS.ontology, DCTERMS.created)
    issued = vocab.value(IRIS.ontology, DCTERMS.issued)
    modified = vocab.value(IRIS.ontology, DCTERMS.modified)
    assert all(isinstance(d, Literal) and d.datatype for d in (created, issued, modified))
    assert str(created) <= str(issued) <= str(modified)
    assert isinstance(vocab.value(IRIS.ontology, BIBO.status), URIRef)
    assert str(vocab.value(IRIS.ontology, BIBO.status)).startswith(str(BIBO) + "status/")


def test_the_methodology_it_models_is_cited(vocab: Graph) -> None:
    cited = [
        r
        for r in vocab.objects(IRIS.ontology, DCTERMS.references)
        if vocab.value(r, DCTERMS.bibliographicCitation) is not None
    ]
    assert cited
    assert any(isinstance(vocab.value(r, FOAF.page), URIRef) for r in cited)


def test_prior_version_from_the_second_version_on(vocab: Graph) -> None:
    """owl:priorVersion names the version before, as soon as ontology/CHANGES.md lists one."""
    versions = [c.version for c in docs.read_changes(ROOT / "ontology" / docs.CHANGES_FILE)]
    current = str(vocab.value(IRIS.ontology, OWL.versionInfo))
    assert versions and versions[0] == current, "CHANGES.md starts with the current version"
    prior = vocab.value(IRIS.ontology, OWL.priorVersion)
    if len(versions) == 1:
        assert prior is None, "the first version has no prior version"
    else:
        assert prior == IRIS.ontology_version(versions[1])


@pytest.mark.parametrize("what", sorted(NOT_YET))
def test_detailed_metadata_not_yet_available(what: str) -> None:
    pytest.skip(f"FOOPS! OM3 {what}: {NOT_YET[what]}")


def test_licence(vocab: Graph, shapes: Graph) -> None:
    """OM4.1: a licence, and it is the CC BY 4.0 the repository's LICENSE names."""
    assert vocab.value(IRIS.ontology, DCTERMS.license) == CC_BY_4
    assert shapes.value(IRIS.shapes, DCTERMS.license) == CC_BY_4


# -- FIND, HTTP, PURL, URI, VER ----------------------------------------------------------------
def test_prefix_declared(vocab: Graph) -> None:
    """FIND1: the preferred prefix and namespace, and the namespace is the terms' one."""
    assert str(vocab.value(IRIS.ontology, VANN.preferredNamespacePrefix)) == "cfu"
    namespace = str(vocab.value(IRIS.ontology, VANN.preferredNamespaceUri))
    assert all(str(t).startswith(namespace) for t in terms(vocab))


def test_persistent_open_protocol_iri() -> None:
    """HTTP1 and PURL1: an https IRI under w3id.org, a persistent-IRI service FOOPS! knows."""
    assert re.match(r"^https://w3id\.org/", str(IRIS.ontology))


def test_version_iri_declared_and_distinct(vocab: Graph) -> None:
    """VER1: a version IRI, different from the vocabulary's IRI."""
    version_iri = vocab.value(IRIS.ontology, OWL.versionIRI)
    assert isinstance(version_iri, URIRef) and version_iri != IRIS.ontology


def local(iri: URIRef) -> str:
    return str(iri).removeprefix(IRIS.base.rstrip("/"))


@pytest.mark.parametrize("which", ["latest", "version"])
@pytest.mark.parametrize(("accept", "parser"), NEGOTIATED)
def test_content_negotiation(
    client: TestClient, vocab: Graph, which: str, accept: str, parser: str
) -> None:
    """CN1, RDF1, URI1/URI2 and VER2 on our server: the vocabulary's IRI and its version IRI
    answer in every RDF format, each the same graph, naming itself with the IRI asked for."""
    iri = (
        IRIS.ontology
        if which == "latest"
        else URIRef(str(vocab.value(IRIS.ontology, OWL.versionIRI)))
    )
    answer = client.get(local(iri), headers={"Accept": accept})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].split(";")[0] == accept
    served = Graph().parse(data=answer.content, format=parser)
    assert (IRIS.ontology, RDF.type, OWL.Ontology) in served
    assert served.value(IRIS.ontology, OWL.versionIRI) == vocab.value(IRIS.ontology, OWL.versionIRI)
    assert isomorphic(served, vocab)


def test_html_documentation(client: TestClient, vocab: Graph) -> None:
    """DOC1: a browser gets HTML documentation naming every term."""
    answer = client.get(local(IRIS.ontology), headers={"Accept": "text/html"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    soup = BeautifulSoup(answer.content, "html.parser")
    text = soup.get_text(" ")
    for term in terms(vocab):
        assert str(term).rsplit("#", 1)[-1] in text, term


@pytest.mark.parametrize(("accept", "parser"), NEGOTIATED)
def test_shapes_served_at_their_iri_and_version_iri(
    client: TestClient, shapes: Graph, accept: str, parser: str
) -> None:
    version = str(shapes.value(IRIS.shapes, OWL.versionInfo))
    for iri in (IRIS.shapes, IRIS.shapes_version(version)):
        answer = client.get(local(iri), headers={"Accept": accept})
        assert answer.status_code == 200, (iri, answer.text)
        served = Graph().parse(data=answer.content, format=parser)
        assert served.value(IRIS.shapes, OWL.versionIRI) == IRIS.shapes_version(version)
    assert (
        client.get(local(IRIS.shapes_version("0.0.1")), headers={"Accept": accept}).status_code
        == 404
    )


# -- VOC: reuse and documentation --------------------------------------------------------------
def test_metadata_reuses_dublin_core_and_vann(vocab: Graph) -> None:
    """VOC1: the header's annotations come from DC Terms and VANN (and OWL, RDFS, BIBO)."""
    predicates = {str(p) for p in vocab.predicates(IRIS.ontology)}
    assert any(p.startswith(str(DCTERMS)) for p in predicates)
    assert any(p.startswith(str(VANN)) for p in predicates)
    ours = [p for p in predicates if p.startswith(str(IRIS.vocab))]
    assert ours == [], "the header uses no cfu: annotation of its own"


def test_extends_other_vocabularies(vocab: Graph) -> None:
    """VOC2: classes and properties specialise terms of well-known vocabularies."""
    parents = {o for p in (RDFS.subClassOf, RDFS.subPropertyOf) for o in vocab.objects(None, p)}
    foreign = {
        str(o).rsplit("#", 1)[0].rsplit("/", 1)[0]
        for o in parents
        if not str(o).startswith(str(IRIS.vocab))
    }
    assert len(foreign) >= 4, foreign  # SKOS, ORG, PROV, FOAF, SDMX...


@pytest.mark.parametrize(
    ("check", "prop"), [("VOC3 labels", RDFS.label), ("VOC4 definitions", SKOS.definition)]
)
def test_every_term_is_documented(vocab: Graph, check: str, prop: URIRef) -> None:
    found = terms(vocab)
    undocumented = [
        t
        for t in found
        if not {"en", "es"}
        <= {o.language for o in vocab.objects(t, prop) if isinstance(o, Literal)}
    ]
    assert undocumented == [], check
    # FOOPS! reads rdfs:comment or skos:definition; SKOS-aware readers also want a label
    assert len(found) > 40


@pytest.mark.parametrize("check", sorted(ONLINE))
def test_online_checks(check: str) -> None:
    pytest.skip(f"FOOPS! {check}: {ONLINE[check]}")


def test_the_online_list_is_documented() -> None:
    text = (ROOT / "docs" / "publishing-the-vocabulary.md").read_text(encoding="utf-8")
    for check in ONLINE:
        assert check.split()[0] in text, check


def test_vocabulary_file_is_the_one_released() -> None:
    """What the tests above read is what the release ships (not an older copy)."""
    released = release()
    version = released.built.graph("vocabulary").value(IRIS.ontology, OWL.versionInfo)
    path = Path(released.folder) / "vocabulary" / f"cfu-{version}.nt"
    assert path.is_file()
    assert isomorphic(
        Graph().parse(path, format="nt"), Graph().parse(ROOT / "ontology" / "cfu.ttl")
    )
