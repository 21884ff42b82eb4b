"""The SPARQL 1.1 Service Description of the endpoint, with VoID statistics of the release.

Answers GET /sparql without a query (https://www.w3.org/TR/sparql11-service-description/):
``sd:endpoint`` is the public URL (``settings.public``), never the bind address; the result
formats come from the format table; the default graph is the union of the named graphs.
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from ..formats import Format
from ..iris import DCTERMS, ENTAILMENT, MEDIA_FORMATS, SD, VOID, Iris
from ..layout import Release
from ..rdfio import bind
from ..store import Statistics
from .negotiation import CANDIDATES

ENTAILMENT_SIMPLE = ENTAILMENT.Simple


def endpoint_url(public: str) -> str:
    """The endpoint's public URL."""
    return f"{public.rstrip('/')}/sparql"


def result_formats() -> list[Format]:
    """Every format a query result can be written in (no HTML), in table order."""
    seen: dict[str, Format] = {}
    for formats in CANDIDATES.values():
        for fmt in formats:
            if fmt.w3c_iri:
                seen.setdefault(fmt.name, fmt)
    return list(seen.values())


def service_graph(
    public: str, iris: Iris, statistics: Statistics, release: Release | None
) -> Graph:
    """Build the service description graph.

    Args:
        public: the server's public URL, without a trailing slash.
        iris: the deployment's IRIs (for prefixes).
        statistics: triples in all and per named graph.
        release: the served release (version, build time), if known.
    """
    graph = bind(Graph(), iris, {"formats": str(MEDIA_FORMATS)})
    service = URIRef(endpoint_url(public))
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, service))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    graph.add((service, SD.defaultEntailmentRegime, ENTAILMENT_SIMPLE))
    for fmt in result_formats():
        graph.add((service, SD.resultFormat, URIRef(str(fmt.w3c_iri))))
    dataset = BNode("dataset")
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, RDF.type, VOID.Dataset))
    graph.add((dataset, VOID.sparqlEndpoint, service))
    graph.add((dataset, VOID.triples, Literal(statistics.triples)))
    if release is not None:
        graph.add((dataset, DCTERMS.hasVersion, Literal(release.version)))
        graph.add(
            (dataset, DCTERMS.modified, Literal(release.built.isoformat(), datatype=XSD.dateTime))
        )
    default = BNode("default-graph")
    graph.add((dataset, SD.defaultGraph, default))
    graph.add((default, RDF.type, SD.Graph))
    graph.add((default, VOID.triples, Literal(statistics.triples)))
    for number, (name, triples) in enumerate(sorted(statistics.graphs.items())):
        named, content = BNode(f"graph-{number}"), BNode(f"graph-{number}-content")
        graph.add((dataset, SD.namedGraph, named))
        graph.add((named, RDF.type, SD.NamedGraph))
        graph.add((named, SD.name, URIRef(name)))
        graph.add((named, SD.graph, content))
        graph.add((content, RDF.type, SD.Graph))
        graph.add((content, VOID.triples, Literal(triples)))
        graph.add((dataset, VOID.subset, content))
    return graph


def serialize(graph: Graph, fmt: Format, prefixes: dict[str, str]) -> bytes:
    """Write the description in an RDF format of the table, with pyoxigraph's serialisers.

    The same serialisers write query answers; they also write a graph as TriG or N-Quads.
    """
    lines = graph.serialize(format="nt", encoding="utf-8")
    triples = [quad.triple for quad in ox.parse(lines, format=ox.RdfFormat.N_TRIPLES)]
    rdf_format = getattr(ox.RdfFormat, str(fmt.oxigraph))
    return (
        ox.serialize(
            triples,
            format=rdf_format,
            prefixes=prefixes if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None,
        )
        or b""
    )
