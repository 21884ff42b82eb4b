"""Describe a release for data portals: a DCAT 3 catalogue and a VoID description.

Publishing stage. The catalogue has one ``dcat:Distribution`` per file of the release, with its
media type (an IANA IRI), byte size and SHA-256 checksum; VoID adds the statistics (triples,
entities, class and property partitions), the SPARQL endpoint, example resources and the linksets
to Wikidata and the UN SDG codes. Both go into the ``graph/metadata`` named graph of the dumps
and into ``catalog.ttl`` and ``void.ttl``. A file cannot hold its own checksum, so the copy
inside the dumps gives the size and checksum of every file except the dumps themselves;
``catalog.ttl`` gives them all.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import RDF, XSD, BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL
from rdflib.term import Node

from .files import FileInfo, ReleaseInfo
from .formats import of_file
from .iris import (
    CC_BY_4,
    DCAT,
    DCTERMS,
    FOAF,
    QB,
    SDG,
    SPDX,
    UN_SDG,
    VOID,
    WD,
    WIKIDATA,
    Iris,
    media_type_iri,
    public_url,
)
from .layout import RELEASES, part_of
from .rdfio import bind

TITLE = {"en": "Citizen follow-up of the Lima Commitment (lima-lod)",
         "es": "Seguimiento ciudadano del Compromiso de Lima (lima-lod)"}
DESCRIPTION = {
    "en": "The Citizen Corruption Observatory's follow-up reports on the Lima Commitment "
          "'Democratic Governance against Corruption' (2018) as linked open data: the agreement "
          "and its commitments, the thematic axes, criteria and scale of the methodology, each "
          "country's ratings as RDF Data Cube observations, and the findings, calls to action, "
          "institutions, organisations and references of the reports.",
    "es": "Los informes de seguimiento del Observatorio Ciudadano de Corrupción sobre el "
          "Compromiso de Lima 'Gobernabilidad Democrática frente a la Corrupción' (2018) como "
          "datos abiertos enlazados: el acuerdo y sus compromisos, los ejes temáticos, criterios "
          "y escala de la metodología, las calificaciones de cada país como observaciones de "
          "RDF Data Cube, y los hallazgos, llamados a la acción, instituciones, organizaciones y "
          "referencias de los informes.",
}
KEYWORDS = {"en": ("corruption", "Lima Commitment", "civil society", "follow-up",
                   "Summit of the Americas"),
            "es": ("corrupción", "Compromiso de Lima", "sociedad civil", "seguimiento",
                   "Cumbre de las Américas")}
#: The datasets our links point into: target, its URI space, and its title.
LINK_TARGETS = ((WIKIDATA, str(WD), "Wikidata"),
                (UN_SDG, str(SDG), "UN SDG metadata (M49 geographic areas)"))
SPARQL_PROTOCOL = URIRef("https://www.w3.org/TR/sparql11-protocol/")
CSVW_REC = URIRef("https://www.w3.org/TR/tabular-data-model/")
SHA256 = SPDX.checksumAlgorithm_sha256


@dataclass
class Description:
    """The two metadata graphs of a release."""

    dcat: Graph
    void: Graph

    def union(self) -> Graph:
        """Both graphs in one (what goes into ``graph/metadata``)."""
        graph = Graph()
        graph += self.dcat
        graph += self.void
        return graph


def _datetime(info: ReleaseInfo, issued: bool = False) -> Literal:
    moment = info.issued if issued else info.built
    return Literal(moment.strftime("%Y-%m-%dT%H:%M:%SZ"), datatype=XSD.dateTime)


def _texts(graph: Graph, subject: URIRef, predicate: URIRef, texts: dict[str, str]) -> None:
    for lang, text in texts.items():
        graph.add((subject, predicate, Literal(text, lang=lang)))


class _Describer:
    """Writes the DCAT and VoID graphs of one release."""

    def __init__(self, iris: Iris, info: ReleaseInfo, data: Graph, publisher: URIRef) -> None:
        self.iris, self.info, self.data, self.publisher = iris, info, data, publisher
        self.dataset = iris.release_dataset()

    def url(self, path: str) -> URIRef:
        return public_url(self.info.public, RELEASES, self.info.version, *path.split("/"))

    def dataset_of(self, path: str) -> URIRef:
        """The dataset a file is a distribution of: the data, the vocabulary or the shapes."""
        part = part_of(path)
        if part == "vocabulary":
            return self.iris.ontology
        if part == "shapes":
            return self.iris.shapes
        if part == "validation":
            return self.iris.mint("dataset", "lima-lod", "validation-report")
        return self.dataset

    def common(self, g: Graph, subject: URIRef) -> None:
        g.add((subject, DCTERMS.publisher, self.publisher))
        g.add((subject, DCTERMS.license, CC_BY_4))
        g.add((subject, DCTERMS.issued, _datetime(self.info, issued=True)))
        g.add((subject, DCTERMS.modified, _datetime(self.info)))

    def dcat(self, files: Iterable[FileInfo | str]) -> Graph:
        g, iris, info = Graph(), self.iris, self.info
        catalog = iris.catalog()
        g.add((catalog, RDF.type, DCAT.Catalog))
        _texts(g, catalog, DCTERMS.title, TITLE)
        _texts(g, catalog, DCTERMS.description, DESCRIPTION)
        self.common(g, catalog)
        g.add((catalog, FOAF.homepage, URIRef(info.public + "/")))
        service = iris.mint("service", "sparql")
        g.add((catalog, DCAT.service, service))
        g.add((service, RDF.type, DCAT.DataService))
        _texts(g, service, DCTERMS.title, {"en": "SPARQL endpoint of lima-lod",
                                           "es": "Punto de acceso SPARQL de lima-lod"})
        g.add((service, DCAT.endpointURL, public_url(info.public, "sparql")))
        g.add((service, DCTERMS.conformsTo, SPARQL_PROTOCOL))
        g.add((service, DCAT.servesDataset, self.dataset))
        g.add((service, DCTERMS.license, CC_BY_4))

        d = self.dataset
        g.add((catalog, DCAT.dataset, d))
        g.add((d, RDF.type, DCAT.Dataset))
        _texts(g, d, DCTERMS.title, TITLE)
        _texts(g, d, DCTERMS.description, DESCRIPTION)
        self.common(g, d)
        g.add((d, DCAT.version, Literal(info.version)))
        g.add((d, OWL.versionInfo, Literal(info.data_version)))
        g.add((d, DCTERMS.conformsTo, iris.ontology))
        g.add((d, DCAT.accessService, service))
        for lang, words in KEYWORDS.items():
            for word in words:
                g.add((d, DCAT.keyword, Literal(word, lang=lang)))
        for country in sorted({c for c in self.data.objects(None, iris.vocab.country)
                               if isinstance(c, URIRef)}):
            g.add((d, DCTERMS.spatial, country))
        for kind, key, title in (
                (iris.ontology, "vocabulary", {"en": "Commitment Follow-up vocabulary (cfu)",
                                               "es": "Vocabulario de seguimiento de compromisos"}),
                (iris.shapes, "shapes", {"en": "SHACL shapes of lima-lod",
                                         "es": "Formas SHACL de lima-lod"}),
                (iris.mint("dataset", "lima-lod", "validation-report"), "validation",
                 {"en": f"SHACL validation report of release {info.version}",
                  "es": f"Informe de validación SHACL de la versión {info.version}"})):
            g.add((catalog, DCAT.dataset, kind))
            g.add((kind, RDF.type, DCAT.Dataset))
            _texts(g, kind, DCTERMS.title, title)
            self.common(g, kind)
            g.add((kind, DCAT.version, Literal(info.vocabulary_version if key == "vocabulary"
                                               else info.version)))
        for item in files:
            self.distribution(g, item)
        return g

    def distribution(self, g: Graph, item: FileInfo | str) -> None:
        path = item if isinstance(item, str) else item.path
        fmt, compression = of_file(path)
        dist = self.iris.distribution(self.info.version, path)
        g.add((self.dataset_of(path), DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCTERMS.title, Literal(path)))
        g.add((dist, DCTERMS.description, Literal(f"{fmt.label}{' (gzip)' if compression else ''}"
                                                  f", release {self.info.version}", lang="en")))
        g.add((dist, DCAT.mediaType, media_type_iri(fmt.media_type)))
        if compression is not None:
            g.add((dist, DCAT.compressFormat, media_type_iri(compression.media_type)))
        g.add((dist, DCAT.downloadURL, self.url(path)))
        g.add((dist, DCAT.accessURL, self.url(path)))
        g.add((dist, DCTERMS.license, CC_BY_4))
        g.add((dist, DCTERMS.issued, _datetime(self.info)))
        if fmt.name in ("table", "csvw"):
            g.add((dist, DCTERMS.conformsTo, CSVW_REC))
        if isinstance(item, FileInfo):
            g.add((dist, DCAT.byteSize, Literal(item.size, datatype=XSD.nonNegativeInteger)))
            checksum = BNode()
            g.add((dist, SPDX.checksum, checksum))
            g.add((checksum, RDF.type, SPDX.Checksum))
            g.add((checksum, SPDX.algorithm, SHA256))
            g.add((checksum, SPDX.checksumValue, Literal(item.sha256, datatype=XSD.hexBinary)))

    def void(self, dumps: list[str], examples: list[URIRef]) -> Graph:
        g, iris, data, d = Graph(), self.iris, self.data, self.dataset
        g.add((d, RDF.type, VOID.Dataset))
        _texts(g, d, DCTERMS.title, TITLE)
        g.add((d, DCTERMS.license, CC_BY_4))
        g.add((d, VOID.sparqlEndpoint, public_url(self.info.public, "sparql")))
        g.add((d, VOID.uriSpace, Literal(iris.resource_prefix)))
        g.add((d, VOID.rootResource, iris.catalog()))
        for dump in dumps:
            g.add((d, VOID.dataDump, self.url(dump)))
        for example in examples:
            g.add((d, VOID.exampleResource, example))
        for namespace in (iris.vocab, *_vocabularies(data, iris)):
            g.add((d, VOID.vocabulary, URIRef(str(namespace))))
        subjects = {s for s in data.subjects() if isinstance(s, URIRef)}
        entities = {s for s in subjects if iris.is_ours(str(s))}
        for predicate, count in (
                (VOID.triples, len(data)), (VOID.entities, len(entities)),
                (VOID.distinctSubjects, len(set(data.subjects()))),
                (VOID.distinctObjects, len(set(data.objects()))),
                (VOID.properties, len(set(data.predicates()))),
                (VOID.classes, len(set(data.objects(None, RDF.type))))):
            g.add((d, predicate, Literal(count, datatype=XSD.integer)))
        self.partitions(g)
        self.linksets(g)
        return g

    def partitions(self, g: Graph) -> None:
        data, iris, d = self.data, self.iris, self.dataset
        instances: dict[Node, set[Node]] = {}
        for s, cls in data.subject_objects(RDF.type):
            instances.setdefault(cls, set()).add(s)
        for cls, members in sorted(instances.items(), key=lambda pair: str(pair[0])):
            part = iris.partition("class", _short(data, cls))
            g.add((d, VOID.classPartition, part))
            g.add((part, VOID["class"], cls))
            g.add((part, VOID.entities, Literal(len(members), datatype=XSD.integer)))
        counts = Counter(data.predicates())
        for prop, count in sorted(counts.items(), key=lambda pair: str(pair[0])):
            part = iris.partition("property", _short(data, prop))
            g.add((d, VOID.propertyPartition, part))
            g.add((part, VOID.property, prop))
            g.add((part, VOID.triples, Literal(count, datatype=XSD.integer)))

    def linksets(self, g: Graph) -> None:
        data, iris, d = self.data, self.iris, self.dataset
        for target, space, title in LINK_TARGETS:
            g.add((target, RDF.type, VOID.Dataset))
            g.add((target, DCTERMS.title, Literal(title)))
            g.add((target, VOID.uriSpace, Literal(space)))
            links = Counter(p for _, p, o in data if isinstance(o, URIRef)
                            and str(o).startswith(space))
            for predicate, count in sorted(links.items()):
                name = f"{_short(data, target)}-{_short(data, predicate)}"
                linkset = iris.partition("linkset", name)
                g.add((d, VOID.subset, linkset))
                g.add((linkset, RDF.type, VOID.Linkset))
                g.add((linkset, VOID.subjectsTarget, d))
                g.add((linkset, VOID.objectsTarget, target))
                g.add((linkset, VOID.linkPredicate, predicate))
                g.add((linkset, VOID.triples, Literal(count, datatype=XSD.integer)))


def _short(graph: Graph, node: Node) -> str:
    """A readable key for an IRI: ``skos.Concept`` (or the IRI itself when it has no prefix)."""
    try:
        prefix, _, local = graph.namespace_manager.compute_qname(str(node), generate=False)
    except (KeyError, ValueError):
        return str(node).rstrip("/").rsplit("/", 1)[-1]
    return f"{prefix}.{local}"


def _vocabularies(data: Graph, iris: Iris) -> list[str]:
    """The namespaces of the classes and properties the data uses (ours first, then others)."""
    used = {str(p) for p in data.predicates()} | {str(c) for c in data.objects(None, RDF.type)}
    spaces = [ns for _, ns in sorted(iris.prefixes().items())
              if any(term.startswith(ns) for term in used) and not ns.startswith(iris.base)]
    return spaces


def examples(data: Graph, iris: Iris) -> list[URIRef]:
    """A few typical resources: a report, an observation, a commitment, an organisation."""
    cfu = iris.vocab
    found = []
    for cls in (cfu.FollowUpReport, cfu.Agreement, QB.Observation, cfu.Commitment,
                cfu.CallToAction, cfu.PublicInstitution):
        members = sorted(str(s) for s in data.subjects(RDF.type, cls) if isinstance(s, URIRef))
        if members:
            found.append(URIRef(members[0]))
    return found


def catalog_graphs(iris: Iris, info: ReleaseInfo, data: Graph, files: Iterable[FileInfo | str],
                   dumps: list[str], publisher: URIRef) -> Description:
    """Describe a release: DCAT (catalogue, datasets, distributions) and VoID.

    Args:
        iris: the IRI minter of the deployment.
        info: the versions and dates of the release.
        data: the union of the data graphs (the metadata graph excluded).
        files: every file to list as a distribution; a bare path (a file not yet written, or
            one that will hold this description) gets no size or checksum.
        dumps: the dump files, for ``void:dataDump``.
        publisher: who publishes the data.
    """
    describer = _Describer(iris, info, data, publisher)
    dcat = describer.dcat(files)
    void = describer.void(dumps, examples(data, iris))
    for graph in (dcat, void):
        bind(graph, iris)
    return Description(dcat, void)
