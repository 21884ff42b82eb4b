"""The JSON-LD context of the vocabulary, generated from the ontology, so that our JSON-LD reads
as plain JSON (``"commitment": "lima:commitment/10", "score": 1.83``): publishing stage, beside
the dumps.

Every ``cfu:`` term becomes a short key: classes and properties by their local name; object
properties coerce their values to IRIs (``@type: @id``); datatype properties to their range
(``xsd:decimal``, ``xsd:gYear``...); language-tagged properties (range ``rdf:langString``) become
language maps (``"text": {"en": ..., "es": ...}``). A few terms of other vocabularies that every
document uses (labels, titles, the Data Cube links) get short keys too. The context is published
at ``{base}def/cfu/context.jsonld`` (and under each version) and embedded in the JSON-LD dumps, so
that nothing depends on the network.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rdflib import OWL, RDF, RDFS, XSD, Graph, URIRef

from .files import write_file
from .iris import DCTERMS, QB, SKOS, Iris
from .layout import CONTEXT_FILE, REPORTS_FOLDER

#: Terms of other vocabularies with a short key: key -> (IRI, how values are written).
SHARED: dict[str, tuple[URIRef, str]] = {
    "label": (RDFS.label, "@language"),
    "comment": (RDFS.comment, "@language"),
    "prefLabel": (SKOS.prefLabel, "@language"),
    "definition": (SKOS.definition, "@language"),
    "notation": (SKOS.notation, ""),
    "inScheme": (SKOS.inScheme, "@id"),
    "broader": (SKOS.broader, "@id"),
    "title": (DCTERMS.title, "@language"),
    "description": (DCTERMS.description, "@language"),
    "isPartOf": (DCTERMS.isPartOf, "@id"),
    "source": (DCTERMS.source, "@id"),
    "dataSet": (QB.dataSet, "@id"),
    "structure": (QB.structure, "@id"),
    "sliceStructure": (QB.sliceStructure, "@id"),
    "derivedFrom": (URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"), "@id"),
}
PLAIN = {XSD.string}


def _definition(iri: URIRef, how: str) -> dict[str, str] | str:
    if how == "@language":
        return {"@id": str(iri), "@container": "@language"}
    if how:
        return {"@id": str(iri), "@type": how}
    return str(iri)


def build_context(
    vocabulary: Graph, iris: Iris, prefixes: dict[str, str] | None = None
) -> dict[str, Any]:
    """The ``@context`` object for the vocabulary: prefixes, then one key per term."""
    namespace = str(iris.vocab)
    context: dict[str, Any] = {"id": "@id", "type": "@type"}
    context.update(sorted((prefixes or {k: str(v) for k, v in iris.prefixes().items()}).items()))
    context.setdefault("xsd", str(XSD))
    for key, (iri, how) in SHARED.items():
        context[key] = _definition(iri, how)
    terms = sorted(
        {
            s
            for t in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
            for s in vocabulary.subjects(RDF.type, t)
            if isinstance(s, URIRef) and str(s).startswith(namespace)
        }
    )
    for term in terms:
        key = str(term)[len(namespace) :]
        rng = vocabulary.value(term, RDFS.range)
        if (term, RDF.type, OWL.ObjectProperty) in vocabulary:
            context[key] = _definition(term, "@id")
        elif (term, RDF.type, OWL.DatatypeProperty) in vocabulary:
            if rng == RDF.langString:
                context[key] = _definition(term, "@language")
            elif isinstance(rng, URIRef) and rng not in PLAIN:
                context[key] = _definition(term, str(rng))
            else:
                context[key] = str(term)
        else:
            context[key] = str(term)
    return context


def context_document(vocabulary: Graph, iris: Iris) -> bytes:
    """The published context file: ``{"@context": {...}}``, stable key order."""
    document = {"@context": build_context(vocabulary, iris)}
    return (json.dumps(document, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def write_context(folder: Path, vocabulary: Graph, iris: Iris) -> str:
    """Write the context into a release's vocabulary folder; return its file name."""
    write_file(folder / CONTEXT_FILE, context_document(vocabulary, iris))
    return CONTEXT_FILE


#: Keys of the framed report view: a report holds what was derived from it (its slice of the
#: ratings cube, a reverse link, what a JSON-LD frame with @reverse gives), and the slice its
#: observations (``qb:observation``). The key keeps its name from the releases before the one
#: cube, when a report's ratings were a dataset of their own.
DATASETS = "datasets"
RATINGS = "ratings"
PROV_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"


def compact(graph: Graph, context: dict[str, Any]) -> dict[str, Any]:
    """A graph as compacted JSON-LD with an embedded ``context`` (rdflib's serialiser)."""
    text = graph.serialize(format="json-ld", context=context, auto_compact=True)
    document: dict[str, Any] = json.loads(text)
    return document


def frame_report(graph: Graph, report: URIRef, context: dict[str, Any]) -> dict[str, Any]:
    """A report as one nested JSON-LD object: the report, its slices of the ratings cube
    (``datasets``), each with its observations (``ratings``), sorted by commitment and criterion.

    Args:
        graph: the data (union of the data graphs).
        report: the report's IRI.
        context: the vocabulary's context (:func:`build_context`).
    """
    slices = sorted(
        s for s in graph.subjects(URIRef(PROV_DERIVED), report) if isinstance(s, URIRef)
    )
    sub = Graph()
    sub += graph.triples((report, None, None))
    for piece in slices:
        sub += graph.triples((piece, None, None))
        for observation in graph.objects(piece, QB.observation):
            sub += graph.triples((observation, None, None))
    framed_context = {
        **context,
        DATASETS: {"@reverse": PROV_DERIVED},
        RATINGS: {"@id": str(QB.observation), "@type": "@id"},
    }
    flat = compact(sub, context)
    nodes = flat.get("@graph", [flat])
    by_id = {n["id"]: {k: v for k, v in n.items() if k != "@context"} for n in nodes}
    top = by_id.pop(str(report))
    top[DATASETS] = []
    for piece in slices:
        node = by_id.pop(str(piece))
        node.pop("derivedFrom", None)
        node.pop("qb:observation", None)
        members = {str(o) for o in graph.objects(piece, QB.observation)}
        node[RATINGS] = [
            by_id.pop(i)
            for i in sorted(
                members & set(by_id),
                key=lambda i: (str(by_id[i].get("commitment")), str(by_id[i].get("criterion"))),
            )
        ]
        top[DATASETS].append(node)
    return {"@context": framed_context, **top}


def write_report_views(
    folder: Path, graph: Graph, context: dict[str, Any], iris: Iris
) -> list[str]:
    """Write the framed view of each report as ``reports/<key>.jsonld``; return the names."""
    written = []
    for report in sorted(graph.subjects(RDF.type, iris.vocab.FollowUpReport), key=str):
        parsed = iris.parse(str(report))
        if not isinstance(report, URIRef) or parsed is None:
            continue
        name = f"{REPORTS_FOLDER}/{'-'.join(parsed[1])}.jsonld"
        body = json.dumps(
            frame_report(graph, report, context), indent=1, ensure_ascii=False, sort_keys=True
        )
        write_file(folder / name, (body + "\n").encode("utf-8"))
        written.append(name)
    return written
