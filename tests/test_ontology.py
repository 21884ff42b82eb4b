"""The vocabulary: header complete, every term labelled and defined in English and Spanish."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef

from lima_lod.iris import CC_BY_4, DCTERMS, SKOS, VANN, Iris

IRIS = Iris()
TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
#: Prefixes of well-known vocabularies (prefix.cc's most used) that ours must not reuse.
TAKEN = {
    "rdf",
    "rdfs",
    "owl",
    "xsd",
    "skos",
    "dc",
    "dcterms",
    "foaf",
    "org",
    "prov",
    "dcat",
    "void",
    "qb",
    "schema",
    "sh",
    "vann",
    "geo",
    "sioc",
    "doap",
    "cc",
    "ex",
    "bibo",
    "lcc",
    "time",
    "gr",
    "odrl",
    "adms",
    "vcard",
    "sdmx",
    "cube",
    "dbo",
    "wd",
    "obo",
    "ont",
}


@pytest.fixture(scope="module")
def vocab(root: Path) -> Graph:
    return Graph().parse(root / "ontology" / "cfu.ttl")


def terms(vocab: Graph) -> list[URIRef]:
    found = {s for t in TERM_TYPES for s in vocab.subjects(RDF.type, t)}
    return sorted(s for s in found if isinstance(s, URIRef))


def test_header_is_complete(vocab: Graph) -> None:
    onto = IRIS.ontology
    assert (onto, RDF.type, OWL.Ontology) in vocab
    for prop in (DCTERMS.title, DCTERMS.description):
        assert {o.language for o in vocab.objects(onto, prop)} >= {"en", "es"}
    assert vocab.value(onto, DCTERMS.license) == CC_BY_4
    assert isinstance(vocab.value(onto, DCTERMS.creator), URIRef)
    assert isinstance(vocab.value(onto, DCTERMS.publisher), URIRef)
    version = str(vocab.value(onto, OWL.versionInfo))
    assert vocab.value(onto, OWL.versionIRI) == IRIS.ontology_version(version)
    assert vocab.value(onto, DCTERMS.created) is not None
    assert vocab.value(onto, DCTERMS.modified) is not None
    prefix = str(vocab.value(onto, VANN.preferredNamespacePrefix))
    assert prefix == "cfu" and prefix not in TAKEN
    assert str(vocab.value(onto, VANN.preferredNamespaceUri)) == str(IRIS.vocab)


def test_every_term_is_labelled_and_defined_in_en_and_es(vocab: Graph) -> None:
    found = terms(vocab)
    assert len(found) > 40
    for term in found:
        for prop in (RDFS.label, SKOS.definition):
            langs = {o.language for o in vocab.objects(term, prop) if isinstance(o, Literal)}
            assert {"en", "es"} <= langs, f"{term} lacks {prop} in en or es"
        assert vocab.value(term, RDFS.isDefinedBy) == IRIS.ontology, term


def test_no_terms_minted_in_other_namespaces(vocab: Graph) -> None:
    for term in terms(vocab):
        assert str(term).startswith(str(IRIS.vocab)), term
    described = {s for s in vocab.subjects() if isinstance(s, URIRef)}
    foreign = {s for s in described if not IRIS.is_ours(str(s))}
    assert not foreign, f"the vocabulary describes terms it does not own: {foreign}"


def test_terms_used_by_the_data_are_defined(vocab: Graph, graph: Graph) -> None:
    defined = set(terms(vocab))
    used = {p for p in graph.predicates() if str(p).startswith(str(IRIS.vocab))}
    used |= {o for o in graph.objects(None, RDF.type) if str(o).startswith(str(IRIS.vocab))}
    assert used <= defined, f"used but not defined: {used - defined}"
