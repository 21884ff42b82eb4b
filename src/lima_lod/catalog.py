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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rdflib import RDF, XSD, BNode, Graph, Literal, Namespace, URIRef
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
    SKOS,
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

TITLE = {
    "en": "Citizen follow-up of the Lima Commitment (lima-lod)",
    "es": "Seguimiento ciudadano del Compromiso de Lima (lima-lod)",
}
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
KEYWORDS = {
    "en": ("corruption", "Lima Commitment", "civil society", "follow-up", "Summit of the Americas"),
    "es": (
        "corrupción",
        "Compromiso de Lima",
        "sociedad civil",
        "seguimiento",
        "Cumbre de las Américas",
    ),
}
#: The title of the ratings cube's VoID subset.
CUBE_TITLE = {
    "en": "Commitment ratings of every report (one RDF Data Cube, one slice per report)",
    "es": "Calificaciones de los compromisos de todos los informes (un cubo RDF Data Cube, "
    "un corte por informe)",
}
#: The datasets our links point into: target, its URI space, and its title.
LINK_TARGETS = (
    (WIKIDATA, str(WD), "Wikidata"),
    (UN_SDG, str(SDG), "UN SDG metadata (M49 geographic areas)"),
)
#: EU vocabularies (the Publications Office's authority tables) that DCAT-AP 3 recommends.
EU_AUTHORITY = "http://publications.europa.eu/resource/authority/"
#: dct:format of a distribution: the EU file-type code of each format of the format table.
FILE_TYPES = {
    "turtle": "RDF_TURTLE",
    "ntriples": "RDF_N_TRIPLES",
    "rdfxml": "RDF_XML",
    "jsonld": "JSON_LD",
    "trig": "RDF_TRIG",
    "nquads": "RDF_N_QUADS",
    "table": "CSV",
    "csvw": "JSON",
    "html": "HTML",
    "release-json": "JSON",
    "text": "TXT",
    "csv": "CSV",
    "json": "JSON",
    "xml": "XML",
    "tsv": "TSV",
}
#: dcat:theme of every dataset and the service: the EU data themes.
THEMES = {
    "GOVE": {"en": "Government and public sector", "es": "Gobierno y sector público"},
    "JUST": {
        "en": "Justice, legal system and public safety",
        "es": "Justicia, sistema judicial y seguridad pública",
    },
}
DATA_THEME = URIRef(EU_AUTHORITY + "data-theme")
LANGUAGES = (URIRef(EU_AUTHORITY + "language/ENG"), URIRef(EU_AUTHORITY + "language/SPA"))
#: Files stay at their release URL as long as the release is published (DCAT-AP availability).
PLANNED_AVAILABILITY = URIRef(EU_AUTHORITY + "planned-availability")
STABLE = URIRef(EU_AUTHORITY + "planned-availability/STABLE")
#: The ADMS licence type of CC BY 4.0.
LICENCE_TYPES = URIRef("http://purl.org/adms/licencetype/1.1")
ATTRIBUTION = URIRef("http://purl.org/adms/licencetype/Attribution")
DCATAP = Namespace("http://data.europa.eu/r5r/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
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
        self.contact = BNode()  # the project, reached through its home page

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

    def profile(self, g: Graph, subject: URIRef, keywords: Mapping[str, Iterable[str]]) -> None:
        """What DCAT-AP 3 recommends for every dataset and the service: themes, keywords, a
        contact point."""
        for code in THEMES:
            g.add((subject, DCAT.theme, URIRef(f"{EU_AUTHORITY}data-theme/{code}")))
        for lang, words in keywords.items():
            for word in words:
                g.add((subject, DCAT.keyword, Literal(word, lang=lang)))
        g.add((subject, DCAT.contactPoint, self.contact))

    def classes(self, g: Graph) -> None:
        """The classes DCAT-AP 3's range shapes expect of the things the catalogue names (DCAT
        gives them as IRIs; the profile wants their type stated), and the labels it asks of
        the themes and agents."""
        g.add((CC_BY_4, RDF.type, DCTERMS.LicenseDocument))
        g.add((CC_BY_4, DCTERMS.type, ATTRIBUTION))
        for concept, label, scheme, title in (
            (ATTRIBUTION, "Attribution", LICENCE_TYPES, "Licence type"),
            (STABLE, "Stable", PLANNED_AVAILABILITY, "Planned availability"),
        ):
            g.add((concept, RDF.type, SKOS.Concept))
            g.add((concept, SKOS.prefLabel, Literal(label, lang="en")))
            g.add((concept, SKOS.inScheme, scheme))
            g.add((scheme, RDF.type, SKOS.ConceptScheme))
            g.add((scheme, DCTERMS.title, Literal(title, lang="en")))
        g.add((self.publisher, RDF.type, FOAF.Agent))
        name = self.data.value(self.publisher, FOAF.name)
        g.add((self.publisher, FOAF.name, name if name is not None else Literal("lima-lod")))
        g.add((self.contact, RDF.type, VCARD.Kind))
        g.add((self.contact, RDF.type, VCARD.Organization))
        g.add((self.contact, VCARD.fn, name if name is not None else Literal("lima-lod")))
        g.add((self.contact, VCARD.hasURL, URIRef(self.info.public + "/")))
        g.add((DATA_THEME, RDF.type, SKOS.ConceptScheme))
        g.add((DATA_THEME, DCTERMS.title, Literal("Data theme", lang="en")))
        for code, labels in THEMES.items():
            theme = URIRef(f"{EU_AUTHORITY}data-theme/{code}")
            g.add((theme, RDF.type, SKOS.Concept))
            g.add((theme, SKOS.inScheme, DATA_THEME))
            _texts(g, theme, SKOS.prefLabel, labels)
        for language in LANGUAGES:
            g.add((language, RDF.type, DCTERMS.LinguisticSystem))
        for standard in (SPARQL_PROTOCOL, CSVW_REC, self.iris.ontology):
            g.add((standard, RDF.type, DCTERMS.Standard))
        for o in set(g.objects(None, DCAT.mediaType)) | set(g.objects(None, DCAT.compressFormat)):
            g.add((o, RDF.type, DCTERMS.MediaType))
        for o in set(g.objects(None, DCTERMS["format"])):
            g.add((o, RDF.type, DCTERMS.MediaTypeOrExtent))
        for o in set(g.objects(None, DCTERMS.spatial)):
            g.add((o, RDF.type, DCTERMS.Location))
        for o in set(g.objects(None, FOAF.homepage)):
            g.add((o, RDF.type, FOAF.Document))

    def dcat(self, files: Iterable[FileInfo | str]) -> Graph:
        g, iris, info = Graph(), self.iris, self.info
        catalog = iris.catalog()
        g.add((catalog, RDF.type, DCAT.Catalog))
        _texts(g, catalog, DCTERMS.title, TITLE)
        _texts(g, catalog, DCTERMS.description, DESCRIPTION)
        self.common(g, catalog)
        g.add((catalog, FOAF.homepage, URIRef(info.public + "/")))
        g.add((catalog, DCAT.themeTaxonomy, DATA_THEME))
        for language in LANGUAGES:
            g.add((catalog, DCTERMS.language, language))
        service = iris.mint("service", "sparql")
        g.add((catalog, DCAT.service, service))
        g.add((service, RDF.type, DCAT.DataService))
        _texts(
            g,
            service,
            DCTERMS.title,
            {"en": "SPARQL endpoint of lima-lod", "es": "Punto de acceso SPARQL de lima-lod"},
        )
        _texts(
            g,
            service,
            DCTERMS.description,
            {
                "en": "A read-only SPARQL 1.1 endpoint over the latest release; a GET without a "
                "query returns its SPARQL service description.",
                "es": "Un punto de acceso SPARQL 1.1 de solo lectura sobre la última versión; un GET "
                "sin consulta devuelve su descripción de servicio SPARQL.",
            },
        )
        g.add((service, DCAT.endpointURL, public_url(info.public, "sparql")))
        # the endpoint describes itself (SPARQL 1.1 Service Description) at the same URL
        g.add((service, DCAT.endpointDescription, public_url(info.public, "sparql")))
        g.add((service, DCTERMS.publisher, self.publisher))
        self.profile(g, service, {**KEYWORDS, "en": (*KEYWORDS["en"], "SPARQL")})
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
        self.profile(g, d, KEYWORDS)
        # the catalogue and the validation report cover what the data covers
        report = iris.mint("dataset", "lima-lod", "validation-report")
        for country in sorted(
            {c for c in self.data.objects(None, iris.vocab.country) if isinstance(c, URIRef)}
        ):
            for covering in (d, catalog, report):
                g.add((covering, DCTERMS.spatial, country))
        self.temporal(g, d)
        self.temporal(g, report)
        for kind, key, title, description in (
            (
                iris.ontology,
                "vocabulary",
                {
                    "en": "Commitment Follow-up vocabulary (cfu)",
                    "es": "Vocabulario de seguimiento de compromisos",
                },
                {
                    "en": "The RDF vocabulary the data is described with: agreements, "
                    "commitments, criteria, ratings, findings and calls to action.",
                    "es": "El vocabulario RDF con que se describen los datos: acuerdos, "
                    "compromisos, criterios, calificaciones, hallazgos y llamados a la "
                    "acción.",
                },
            ),
            (
                iris.shapes,
                "shapes",
                {"en": "SHACL shapes of lima-lod", "es": "Formas SHACL de lima-lod"},
                {
                    "en": "The SHACL shapes (Core and SPARQL) the data is validated with.",
                    "es": "Las formas SHACL (Core y SPARQL) con que se validan los datos.",
                },
            ),
            (
                iris.mint("dataset", "lima-lod", "validation-report"),
                "validation",
                {
                    "en": f"SHACL validation report of release {info.version}",
                    "es": f"Informe de validación SHACL de la versión {info.version}",
                },
                {
                    "en": "The result of validating this release's data with its shapes: "
                    "violations, and warnings where the published figures disagree.",
                    "es": "El resultado de validar los datos de esta versión con sus formas: "
                    "violaciones, y advertencias donde las cifras publicadas no "
                    "concuerdan.",
                },
            ),
        ):
            g.add((catalog, DCAT.dataset, kind))
            g.add((kind, RDF.type, DCAT.Dataset))
            _texts(g, kind, DCTERMS.title, title)
            _texts(g, kind, DCTERMS.description, description)
            self.common(g, kind)
            self.profile(
                g,
                kind,
                {"en": (key, "SHACL" if key != "vocabulary" else "RDF"), "es": (title["es"],)},
            )
            g.add(
                (
                    kind,
                    DCAT.version,
                    Literal(info.vocabulary_version if key == "vocabulary" else info.version),
                )
            )
        for item in files:
            self.distribution(g, item)
        self.classes(g)
        return g

    def temporal(self, g: Graph, dataset: URIRef) -> None:
        """The years the ratings are of, as a dct:PeriodOfTime."""
        years = sorted({str(y) for y in self.data.objects(None, self.iris.vocab.period)})
        if not years:
            return
        period = BNode()
        g.add((dataset, DCTERMS.temporal, period))
        g.add((period, RDF.type, DCTERMS.PeriodOfTime))
        g.add((period, DCAT.startDate, Literal(years[0], datatype=XSD.gYear)))
        g.add((period, DCAT.endDate, Literal(years[-1], datatype=XSD.gYear)))

    def distribution(self, g: Graph, item: FileInfo | str) -> None:
        path = item if isinstance(item, str) else item.path
        fmt, compression = of_file(path)
        dist = self.iris.distribution(self.info.version, path)
        g.add((self.dataset_of(path), DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCTERMS.title, Literal(path)))
        g.add(
            (
                dist,
                DCTERMS.description,
                Literal(
                    f"{fmt.label}{' (gzip)' if compression else ''}, release {self.info.version}",
                    lang="en",
                ),
            )
        )
        g.add((dist, DCAT.mediaType, media_type_iri(fmt.media_type)))
        if fmt.name in FILE_TYPES:
            code = FILE_TYPES[fmt.name]
            g.add((dist, DCTERMS["format"], URIRef(f"{EU_AUTHORITY}file-type/{code}")))
        g.add((dist, DCATAP.availability, STABLE))
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
            (VOID.triples, len(data)),
            (VOID.entities, len(entities)),
            (VOID.distinctSubjects, len(set(data.subjects()))),
            (VOID.distinctObjects, len(set(data.objects()))),
            (VOID.properties, len(set(data.predicates()))),
            (VOID.classes, len(set(data.objects(None, RDF.type)))),
        ):
            g.add((d, predicate, Literal(count, datatype=XSD.integer)))
        self.partitions(g)
        self.linksets(g)
        self.cube(g)
        return g

    def cube(self, g: Graph) -> None:
        """The ratings cube as a subset: every report's observations, one slice per report."""
        data, iris, d = self.data, self.iris, self.dataset
        cube = iris.cube()
        if (cube, RDF.type, QB.DataSet) not in data:
            return
        g.add((d, VOID.subset, cube))
        g.add((cube, RDF.type, VOID.Dataset))
        _texts(g, cube, DCTERMS.title, CUBE_TITLE)
        observations = set(data.subjects(QB.dataSet, cube))
        g.add((cube, VOID.entities, Literal(len(observations), datatype=XSD.integer)))
        for piece in sorted(data.objects(cube, QB.slice), key=str):
            g.add((cube, VOID.exampleResource, piece))

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
            links = Counter(
                p for _, p, o in data if isinstance(o, URIRef) and str(o).startswith(space)
            )
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
    spaces = [
        ns
        for _, ns in sorted(iris.prefixes().items())
        if any(term.startswith(ns) for term in used) and not ns.startswith(iris.base)
    ]
    return spaces


def examples(data: Graph, iris: Iris) -> list[URIRef]:
    """A few typical resources: a report, an observation, a commitment, an organisation."""
    cfu = iris.vocab
    found = []
    for cls in (
        cfu.FollowUpReport,
        cfu.Agreement,
        QB.Observation,
        cfu.Commitment,
        cfu.CallToAction,
        cfu.PublicInstitution,
    ):
        members = sorted(str(s) for s in data.subjects(RDF.type, cls) if isinstance(s, URIRef))
        if members:
            found.append(URIRef(members[0]))
    return found


def catalog_graphs(
    iris: Iris,
    info: ReleaseInfo,
    data: Graph,
    files: Iterable[FileInfo | str],
    dumps: list[str],
    publisher: URIRef,
) -> Description:
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
        bind(graph, iris, {"dcatap": DCATAP, "vcard": VCARD})
    return Description(dcat, void)
