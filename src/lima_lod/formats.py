"""The one table of formats: media types, file suffixes and the parser/serialiser names.

Release files, content negotiation on resource pages and the SPARQL endpoint all read this table;
nothing else names a media type or an rdflib format string.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .iris import MEDIA_FORMATS


class Family(StrEnum):
    """What a format can carry."""

    GRAPH = "graph"  # triples: Turtle, N-Triples, RDF/XML, JSON-LD
    DATASET = "dataset"  # quads: TriG, N-Quads (JSON-LD can carry both)
    RESULTS = "results"  # SPARQL SELECT/ASK results
    PAGE = "page"  # HTML for people
    TABLE = "table"  # CSV for people (not RDF), and its CSVW metadata
    FILE = "file"  # other files of a release: compression, checksums, release notes


@dataclass(frozen=True)
class Format:
    """One row of the format table."""

    name: str  # short name, also the value of the ``format`` request parameter
    media_type: str
    suffix: str  # file suffix including the dot
    family: Family
    rdflib: str | None = None  # rdflib parser/serialiser name
    oxigraph: str | None = None  # pyoxigraph RdfFormat / QueryResultsFormat attribute name
    aliases: tuple[str, ...] = ()  # other media types that mean the same
    names: tuple[str, ...] = ()  # other short names clients give in ``format``/``output``
    quads: bool = False  # keeps named graphs
    label: str = ""
    w3c: str = ""  # local name in http://www.w3.org/ns/formats/ (service descriptions, DCAT)

    @property
    def w3c_iri(self) -> str | None:
        """The format's IRI in the W3C formats namespace, if it has one."""
        return f"{W3C_FORMATS}{self.w3c}" if self.w3c else None

    @property
    def content_type(self) -> str:
        """The ``Content-Type`` to answer with: the media type, with a charset for text."""
        textual = self.media_type.startswith("text/") or self.media_type.endswith(("+xml", "+json"))
        return f"{self.media_type}; charset=utf-8" if textual else self.media_type

    def matches(self, media_type: str) -> bool:
        """Say whether a bare, lower-case media type names this format."""
        return media_type == self.media_type or media_type in self.aliases

    def named(self, value: str) -> bool:
        """Say whether a lower-case ``format`` value (a short name or a media type) names this."""
        if "/" in value:
            return self.matches(value.split(";", 1)[0].strip())
        return value == self.name or value in self.names


W3C_FORMATS = str(MEDIA_FORMATS)


# ``names`` and the extra ``aliases`` are what other endpoints and clients (SPARQLWrapper, Virtuoso,
# Fuseki, rdflib-endpoint) send: N3 is answered with Turtle (a subset of N3 every N3 reader reads);
# a name may sit on one row per family (``xml``, ``json``): the kind of answer decides which.
FORMATS: tuple[Format, ...] = (
    Format(
        "turtle",
        "text/turtle",
        ".ttl",
        Family.GRAPH,
        "turtle",
        "TURTLE",
        ("application/x-turtle", "application/turtle", "text/n3", "text/rdf+n3", "application/n3"),
        names=("ttl", "n3"),
        label="Turtle",
        w3c="Turtle",
    ),
    Format(
        "ntriples",
        "application/n-triples",
        ".nt",
        Family.GRAPH,
        "nt",
        "N_TRIPLES",
        ("text/plain",),
        names=("nt", "n-triples", "text"),
        label="N-Triples",
        w3c="N-Triples",
    ),
    Format(
        "rdfxml",
        "application/rdf+xml",
        ".rdf",
        Family.GRAPH,
        "xml",
        "RDF_XML",
        ("application/xml", "text/xml"),
        names=("rdf", "rdf+xml", "rdf/xml", "xml"),
        label="RDF/XML",
        w3c="RDF_XML",
    ),
    Format(
        "jsonld",
        "application/ld+json",
        ".jsonld",
        Family.GRAPH,
        "json-ld",
        "JSON_LD",
        ("application/x-json+ld",),
        names=("json-ld", "json"),
        quads=True,
        label="JSON-LD",
        w3c="JSON-LD",
    ),
    Format(
        "trig",
        "application/trig",
        ".trig",
        Family.DATASET,
        "trig",
        "TRIG",
        quads=True,
        label="TriG",
        w3c="TriG",
    ),
    Format(
        "nquads",
        "application/n-quads",
        ".nq",
        Family.DATASET,
        "nquads",
        "N_QUADS",
        names=("nq", "n-quads"),
        quads=True,
        label="N-Quads",
        w3c="N-Quads",
    ),
    Format(
        "json",
        "application/sparql-results+json",
        ".srj",
        Family.RESULTS,
        None,
        "JSON",
        ("application/json",),
        names=("srj",),
        label="SPARQL Results JSON",
        w3c="SPARQL_Results_JSON",
    ),
    Format(
        "xml",
        "application/sparql-results+xml",
        ".srx",
        Family.RESULTS,
        None,
        "XML",
        ("application/xml",),
        names=("srx",),
        label="SPARQL Results XML",
        w3c="SPARQL_Results_XML",
    ),
    Format(
        "csv",
        "text/csv",
        ".csv",
        Family.RESULTS,
        None,
        "CSV",
        label="SPARQL Results CSV",
        w3c="SPARQL_Results_CSV",
    ),
    Format(
        "tsv",
        "text/tab-separated-values",
        ".tsv",
        Family.RESULTS,
        None,
        "TSV",
        label="SPARQL Results TSV",
        w3c="SPARQL_Results_TSV",
    ),
    Format(
        "html",
        "text/html",
        ".html",
        Family.PAGE,
        None,
        None,
        ("application/xhtml+xml",),
        label="HTML",
    ),
    Format("table", "text/csv", ".csv", Family.TABLE, label="CSV"),
    Format("csvw", "application/csvm+json", "-metadata.json", Family.TABLE, label="CSVW metadata"),
    Format("gzip", "application/gzip", ".gz", Family.FILE, label="gzip"),
    Format("release-json", "application/json", ".json", Family.FILE, label="JSON"),
    Format("text", "text/plain", ".txt", Family.FILE, label="Plain text"),
    Format("sparql", "application/sparql-query", ".rq", Family.FILE, label="SPARQL query"),
)

BY_NAME: dict[str, Format] = {f.name: f for f in FORMATS}


def by_media_type(media_type: str) -> Format | None:
    """Find the format of a media type (parameters such as ``charset`` ignored)."""
    bare = media_type.split(";", 1)[0].strip().lower()
    for fmt in FORMATS:
        if fmt.matches(bare):
            return fmt
    return None


def by_suffix(path: str) -> Format | None:
    """Find the RDF format of a file by its suffix (``.gz`` is not stripped here)."""
    lowered = path.lower()
    for fmt in FORMATS:
        if fmt.rdflib and lowered.endswith(fmt.suffix):
            return fmt
    if lowered.endswith((".json", ".json-ld")):
        return BY_NAME["jsonld"]
    if lowered.endswith((".xml", ".owl")):
        return BY_NAME["rdfxml"]
    return None


#: The formats of the files of a release, by the end of their names (longest first).
_RELEASE_SUFFIXES: tuple[tuple[str, Format], ...] = tuple(
    sorted(
        (
            (f.suffix, f)
            for f in FORMATS
            if f.family in (Family.GRAPH, Family.DATASET, Family.PAGE, Family.TABLE, Family.FILE)
        ),
        key=lambda pair: -len(pair[0]),
    )
)


def of_file(name: str) -> tuple[Format, Format | None]:
    """The format of a release file and its compression, if any: ``x.nt.gz`` -> N-Triples, gzip.

    A name no row matches (``SHA256SUMS``) is plain text.
    """
    lowered = name.lower()
    compression = None
    if lowered.endswith(BY_NAME["gzip"].suffix):
        compression = BY_NAME["gzip"]
        lowered = lowered[: -len(compression.suffix)]
    for suffix, fmt in _RELEASE_SUFFIXES:
        if lowered.endswith(suffix) and fmt is not compression:
            return fmt, compression
    return BY_NAME["text"], compression


def of_family(*families: Family) -> tuple[Format, ...]:
    """All formats of the given families, in table order."""
    return tuple(f for f in FORMATS if f.family in families)
