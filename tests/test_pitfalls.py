"""Common modelling pitfalls (the OOPS! catalogue, https://oops.linkeddata.es/catalogue.jsp) checked
against the vocabulary and the data built with it.

Each test names the OOPS! pitfalls it covers. Where the vocabulary leaves something open on
purpose (a property used by several classes has no rdfs:domain, since RDFS would then infer every
class for every subject), the term is listed here with the reason, so that a new term has to be
decided on, not forgotten.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.term import Node

from lima_lod.iris import DCTERMS, SKOS, Iris

IRIS = Iris()
CFU = IRIS.vocab
TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty)
ANNOTATIONS = (
    RDFS.label,
    RDFS.comment,
    SKOS.definition,
    DCTERMS.title,
    DCTERMS.description,
    DCTERMS.bibliographicCitation,
)

#: Properties without rdfs:domain on purpose: several unrelated classes use them (P11).
OPEN_DOMAIN = {
    "commitment": "observations and quoted figures",
    "criterion": "observations and quoted figures",
    "country": "observations, datasets and reports",
    "period": "observations and datasets",
    "score": "observations and quoted figures",
    "commitmentCount": "agreements and methodologies",
    "thematicAxis": "commitments, findings, calls to action, quoted figures",
    "followsUp": "reports, methodologies, observatories",
    "observatory": "reports, methodologies",
    "aboutCommitment": "findings, conclusions, calls to action",
    "namesInstitution": "findings, conclusions, calls to action",
    "text": "commitments, findings, conclusions, calls to action, context figures",
    "sourceLocation": "every transcribed item",
    "acronym": "organisations of every kind",
    "printedRole": "memberships and interviews",
    "printedOrganizationName": "people and interviews",
}
#: Properties without rdfs:range on purpose (P11).
OPEN_RANGE = {
    "acronym": "a plain string, or tagged Spanish when it stands for the Spanish name",
    "printedOrganizationName": "a plain string, or language-tagged where the source translates",
}
#: Terms defined but not used by the Lima Commitment data, and why (P04-like: unused terms).
INTENTIONALLY_UNUSED: dict[str, str] = {}


@pytest.fixture(scope="module")
def vocab(root: Path) -> Graph:
    return Graph().parse(root / "ontology" / "cfu.ttl")


def name(term: Node) -> str:
    return str(term).removeprefix(str(CFU))


def terms(vocab: Graph, types: tuple[URIRef, ...] = TERM_TYPES) -> set[URIRef]:
    return {s for t in types for s in vocab.subjects(RDF.type, t) if isinstance(s, URIRef)}


def types_of(graph: Graph, vocab: Graph, node: Node) -> set[Node]:
    """The classes of a node in the data, with their superclasses from the vocabulary."""
    found: set[Node] = set()
    for t in graph.objects(node, RDF.type):
        found |= set(vocab.transitive_objects(t, RDFS.subClassOf))
    return found


def test_domains_and_ranges_where_meant(vocab: Graph) -> None:
    """P11 (missing domain or range), P19 (several domains or ranges: an intersection)."""
    props = terms(vocab, PROPERTY_TYPES)
    no_domain = {name(p) for p in props if vocab.value(p, RDFS.domain) is None}
    no_range = {name(p) for p in props if vocab.value(p, RDFS.range) is None}
    assert no_domain == set(OPEN_DOMAIN), "decide on rdfs:domain, or list the property here"
    assert no_range == set(OPEN_RANGE), "decide on rdfs:range, or list the property here"
    for p in props:
        assert len(set(vocab.objects(p, RDFS.domain))) <= 1, p
        assert len(set(vocab.objects(p, RDFS.range))) <= 1, p


def test_data_keeps_to_domains_and_ranges(vocab: Graph, graph: Graph) -> None:
    """The data uses each property as its domain and range say (P18/P19-like, on real data):
    else RDFS inference would give resources classes they do not have."""
    wrong: list[tuple[str, str, str]] = []
    for p in terms(vocab, PROPERTY_TYPES):
        domain, rng = vocab.value(p, RDFS.domain), vocab.value(p, RDFS.range)
        for s, o in graph.subject_objects(p):
            if domain is not None and domain not in types_of(graph, vocab, s):
                wrong.append((name(p), str(s), f"domain {domain}"))
            if rng is None:
                continue
            if (p, RDF.type, OWL.DatatypeProperty) in vocab:
                ok = isinstance(o, Literal) and (
                    o.language is not None
                    if rng == RDF.langString
                    else o.datatype == rng
                    or (
                        rng == URIRef("http://www.w3.org/2001/XMLSchema#string")
                        and o.datatype is None
                        and o.language is None
                    )
                )
            else:
                ok = rng in types_of(graph, vocab, o)
            if not ok:
                wrong.append((name(p), str(s), f"range {rng}: {o!r}"))
    assert wrong == []


def test_inverses_declared_where_the_data_has_both_directions(vocab: Graph, graph: Graph) -> None:
    """P13 (inverse not declared) and P05 (wrong inverse): the vocabulary states each link in
    one direction only (SPARQL reads both); two of our properties that always link the same
    pairs in opposite directions must say they are inverses, and declared inverses must match."""
    props = sorted(terms(vocab, (OWL.ObjectProperty,)))
    pairs = {p: set(graph.subject_objects(p)) for p in props}
    for p in props:
        for q in props:
            if p < q and pairs[p] and {(o, s) for s, o in pairs[p]} == pairs[q]:
                assert (p, OWL.inverseOf, q) in vocab or (q, OWL.inverseOf, p) in vocab, (p, q)
    for p, q in vocab.subject_objects(OWL.inverseOf):
        assert vocab.value(p, RDFS.domain) == vocab.value(q, RDFS.range), (p, q)
        assert vocab.value(p, RDFS.range) == vocab.value(q, RDFS.domain), (p, q)


def test_used_in_the_data_is_defined(vocab: Graph, graph: Graph) -> None:
    """P08-like: every cfu: class and property the data uses (as a type, a predicate, or named
    as a component of a Data Cube structure) is defined."""
    defined = terms(vocab)
    used = {p for p in graph.predicates() if str(p).startswith(str(CFU))}
    used |= {o for o in graph.objects() if isinstance(o, URIRef) and str(o).startswith(str(CFU))}
    assert {name(t) for t in used - defined} == set()


def test_defined_is_used(vocab: Graph, graph: Graph) -> None:
    """P04-like: a term no data uses is listed with the reason it is kept."""
    used = set(graph.predicates()) | set(graph.objects(None, RDF.type))
    unused = {name(t) for t in terms(vocab) if t not in used}
    assert unused == set(INTENTIONALLY_UNUSED)


def test_no_label_shared_by_two_terms(vocab: Graph) -> None:
    """P32 (several classes with the same label), for properties too; case is ignored within
    classes and within properties (a class `Commitment` and a property `commitment` follow the
    naming convention, not a duplicate)."""
    for kind in ((OWL.Class,), PROPERTY_TYPES):
        seen: dict[tuple[str, str], set[str]] = defaultdict(set)
        for term in terms(vocab, kind):
            for label in vocab.objects(term, RDFS.label):
                assert isinstance(label, Literal)
                seen[(str(label.language), str(label).casefold())].add(name(term))
        assert {k: v for k, v in seen.items() if len(v) > 1} == {}


def test_every_annotation_has_a_language(vocab: Graph) -> None:
    """P20-like (misused annotations) and missing language tags: every label, definition, title,
    description and citation is language-tagged, English and Spanish for each term."""
    untagged = [
        (str(s), str(p))
        for p in ANNOTATIONS
        for s, o in vocab.subject_objects(p)
        if isinstance(o, Literal) and not o.language
    ]
    assert untagged == []


def test_naming_conventions(vocab: Graph) -> None:
    """P22 (different naming conventions): classes UpperCamelCase, properties lowerCamelCase."""
    for term in terms(vocab, (OWL.Class,)):
        assert re.fullmatch(r"[A-Z][A-Za-z0-9]*", name(term)), term
    for term in terms(vocab, PROPERTY_TYPES):
        assert re.fullmatch(r"[a-z][A-Za-z0-9]*", name(term)), term


def test_no_cycles_in_the_hierarchy(vocab: Graph) -> None:
    """P06 (cycles in a class or property hierarchy)."""
    for prop in (RDFS.subClassOf, RDFS.subPropertyOf):
        for term in terms(vocab):
            parents = set(vocab.transitive_objects(term, prop)) - {term}
            assert all(term not in set(vocab.transitive_objects(p, prop)) for p in parents), term


def test_object_and_datatype_properties_used_as_such(vocab: Graph, graph: Graph) -> None:
    """P34/P35-like: an object property links resources; a datatype property gives literals."""
    for p in terms(vocab, (OWL.ObjectProperty,)):
        assert all(isinstance(o, URIRef) for o in graph.objects(None, p)), p
    for p in terms(vocab, (OWL.DatatypeProperty,)):
        assert all(isinstance(o, Literal) for o in graph.objects(None, p)), p
