"""The one place that mints and parses IRIs, and defines every namespace.

Every resource is minted under one configurable base (default ``https://w3id.org/lima-lod/``)
as a slash IRI ``{base}id/{kind}/{key...}``; the vocabulary is the hash namespace
``{base}def/cfu#``; named graphs are ``{base}graph/{name}``. Files in ``ontology/``, ``shapes/``
and ``queries/`` are written against the default base and rebased with :meth:`Iris.rebase_text`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, unquote

from rdflib import Namespace, URIRef

DEFAULT_BASE = "https://w3id.org/lima-lod/"
VOCAB_PREFIX = "cfu"
VOCAB_PATH = "def/cfu"

QB = Namespace("http://purl.org/linked-data/cube#")
SDMX_DIMENSION = Namespace("http://purl.org/linked-data/sdmx/2009/dimension#")
SDMX_ATTRIBUTE = Namespace("http://purl.org/linked-data/sdmx/2009/attribute#")
ORG = Namespace("http://www.w3.org/ns/org#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
PROV = Namespace("http://www.w3.org/ns/prov#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
VOID = Namespace("http://rdfs.org/ns/void#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
SCHEMA = Namespace("https://schema.org/")
VANN = Namespace("http://purl.org/vocab/vann/")
SH = Namespace("http://www.w3.org/ns/shacl#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
CSVW = Namespace("http://www.w3.org/ns/csvw#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
WD = Namespace("http://www.wikidata.org/entity/")
SDG = Namespace("http://metadata.un.org/sdg/")
M49 = Namespace("http://metadata.un.org/sdg/codes/geoArea/")
#: W3C's IRIs of media types (``formats:Turtle``...), and of entailment regimes.
MEDIA_FORMATS = Namespace("http://www.w3.org/ns/formats/")
ENTAILMENT = Namespace("http://www.w3.org/ns/entailment/")
#: The SPARQL query results vocabulary (the XML results format's namespace).
SPARQL_RESULTS = Namespace("http://www.w3.org/2005/sparql-results#")

CC_BY_4 = URIRef("https://creativecommons.org/licenses/by/4.0/")
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"
#: The datasets our links point into (VoID linkset targets).
WIKIDATA = URIRef("http://www.wikidata.org/")
UN_SDG = URIRef("http://metadata.un.org/sdg/")

#: Prefixes bound in every serialisation (``cfu`` and ``lima`` are added per base).
PREFIXES: dict[str, Namespace] = {
    "qb": QB,
    "sdmx-dimension": SDMX_DIMENSION,
    "sdmx-attribute": SDMX_ATTRIBUTE,
    "org": ORG,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "prov": PROV,
    "dcat": DCAT,
    "void": VOID,
    "foaf": FOAF,
    "schema": SCHEMA,
    "vann": VANN,
    "sh": SH,
    "sd": SD,
    "csvw": CSVW,
    "spdx": SPDX,
    "wd": WD,
}

_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_ID_PATH = re.compile(r"^id/(?P<kind>[a-z-]+)/(?P<rest>.+)$")
#: A resource key as it stands in a minted IRI (``country/MX``, percent-encoded): ASCII IRI path
#: characters only, so the IRI can be written into a query between ``<`` and ``>`` as it is.
_KEY = re.compile(r"^[A-Za-z0-9._~!$&'()*+,;=:@%/-]+$")
#: Where the server answers for a thing (303) and serves the documents about it.
THING_PATH = "/id/"
DOCUMENT_PATH = "/doc/"


def media_type_iri(media_type: str) -> URIRef:
    """The IANA IRI of a media type, as DCAT 3 wants for ``dcat:mediaType``."""
    return URIRef(IANA_MEDIA_TYPES + media_type)


def public_url(public: str, *segments: str) -> URIRef:
    """A URL on the public server: ``{public}/{segment}/...``, each segment percent-encoded."""
    return URIRef(public.rstrip("/") + "".join("/" + quote(s, safe="") for s in segments))


def is_key(value: str) -> bool:
    """Say whether a resource key (``kind/key...``) can stand in an IRI as it is."""
    return bool(_KEY.match(value))


def document_path(key: str, suffix: str = "") -> str:
    """The server path of the document about a resource (``/doc/{key}{suffix}``)."""
    return f"{DOCUMENT_PATH}{key}{suffix}"


def is_slug(value: str) -> bool:
    """Say whether a key is safe to use as one IRI path segment."""
    return bool(_SLUG.match(value))


@dataclass(frozen=True)
class Iris:
    """Mints and parses the IRIs of one deployment (one base)."""

    base: str = DEFAULT_BASE

    def __post_init__(self) -> None:
        if not self.base.endswith("/"):
            object.__setattr__(self, "base", self.base + "/")

    # -- namespaces -------------------------------------------------------------------------
    @property
    def vocab(self) -> Namespace:
        """The vocabulary namespace (``cfu:``)."""
        return Namespace(f"{self.base}{VOCAB_PATH}#")

    @property
    def ontology(self) -> URIRef:
        """The vocabulary's own IRI (without the hash)."""
        return URIRef(f"{self.base}{VOCAB_PATH}")

    def ontology_version(self, version: str) -> URIRef:
        """The ``owl:versionIRI`` of one vocabulary version: the versioned file the server serves."""
        return URIRef(f"{self.base}{VOCAB_PATH}/{quote(version)}")

    @property
    def shapes(self) -> URIRef:
        """The IRI of the shapes graph."""
        return URIRef(f"{self.base}def/shapes")

    def shapes_version(self, version: str) -> URIRef:
        """The ``owl:versionIRI`` of one version of the shapes."""
        return URIRef(f"{self.base}def/shapes/{quote(version)}")

    def context(self, version: str | None = None) -> URIRef:
        """The JSON-LD context of the vocabulary: the latest, or that of one version."""
        folder = f"{VOCAB_PATH}/{quote(version)}" if version else VOCAB_PATH
        return URIRef(f"{self.base}{folder}/context.jsonld")

    @property
    def resource_prefix(self) -> str:
        """The prefix every minted resource IRI starts with."""
        return f"{self.base}id/"

    def prefixes(self) -> dict[str, str]:
        """Every prefix to bind, this deployment's own included."""
        out = {name: str(ns) for name, ns in PREFIXES.items()}
        out[VOCAB_PREFIX] = str(self.vocab)
        out["lima"] = self.resource_prefix
        return out

    # -- minting ----------------------------------------------------------------------------
    def mint(self, kind: str, *keys: str | int) -> URIRef:
        """Mint ``{base}id/{kind}/{key}/...``; each key is percent-encoded as one segment."""
        if not keys:
            raise ValueError("an IRI needs at least one key")
        segments = "/".join(quote(str(key), safe="") for key in keys)
        return URIRef(f"{self.base}id/{kind}/{segments}")

    def graph(self, name: str) -> URIRef:
        """Mint a named-graph IRI, ``{base}graph/{name}``."""
        return URIRef(f"{self.base}graph/{quote(name, safe='/')}")

    def agreement(self, key: str) -> URIRef:
        return self.mint("agreement", key)

    def commitment(self, number: int) -> URIRef:
        return self.mint("commitment", number)

    def axis(self, code: str) -> URIRef:
        return self.mint("axis", code)

    def criterion(self, code: str) -> URIRef:
        return self.mint("criterion", code)

    def level(self, value: int) -> URIRef:
        return self.mint("scale", value)

    def scheme(self, name: str) -> URIRef:
        return self.mint("scheme", name)

    def collection(self, name: str) -> URIRef:
        return self.mint("collection", name)

    def country(self, code: str) -> URIRef:
        return self.mint("country", code)

    def organization(self, key: str) -> URIRef:
        return self.mint("organization", key)

    def person(self, key: str) -> URIRef:
        return self.mint("person", key)

    def report(self, key: str) -> URIRef:
        return self.mint("report", key)

    def cube(self) -> URIRef:
        """The one Data Cube ``qb:DataSet`` of every report's ratings, part of the whole dataset.

        Two segments under ``dataset/lima-lod``, so it never meets a report's slice IRI.
        """
        return self.mint("dataset", "lima-lod", "ratings")

    def slice(self, report: str) -> URIRef:
        """The ``qb:Slice`` of one report's ratings in the cube.

        It keeps the IRI the report's own ``qb:DataSet`` was published under (``dataset/{report}``,
        releases before the one cube): the IRI still names that report's ratings, and resolves.
        """
        return self.mint("dataset", report)

    def slice_key(self) -> URIRef:
        """The slice key of the ratings structure: the dimensions one report fixes."""
        return self.mint("structure", "commitment-ratings", "report")

    def structure(self) -> URIRef:
        """The Data Cube structure (``qb:DataStructureDefinition``) of the ratings."""
        return self.mint("structure", "commitment-ratings")

    def observation(self, report: str, number: int, criterion: str) -> URIRef:
        return self.mint("observation", report, number, criterion)

    def in_report(self, kind: str, report: str, key: str | int) -> URIRef:
        """Mint a resource that belongs to one report (finding, call to action, ...)."""
        return self.mint(kind, report, key)

    def template(self, kind: str, *keys: str) -> str:
        """An RFC 6570 URI template for ``mint(kind, ...)``, for CSVW.

        A key written ``{name}`` is a variable; any other key is fixed and encoded as ``mint``
        encodes it. Simple ``{name}`` expansion percent-encodes every reserved character, as
        :meth:`mint` does, so the template and ``mint`` give the same IRI for the same keys.
        """
        if not keys:
            raise ValueError("a template needs at least one key")
        segments = []
        for key in keys:
            name = key[1:-1] if key.startswith("{") and key.endswith("}") else None
            if name is None:
                segments.append(quote(key, safe=""))
            elif re.fullmatch(r"[A-Za-z0-9_]+", name):
                segments.append(key)
            else:
                raise ValueError(f"a template variable must be a simple name: {key!r}")
        return f"{self.base}id/{kind}/" + "/".join(segments)

    # -- the release: catalogue, distributions, VoID partitions -----------------------------
    def catalog(self) -> URIRef:
        return self.mint("catalog", "lima-lod")

    def release_dataset(self) -> URIRef:
        """The whole dataset, as the catalogue and VoID describe it."""
        return self.mint("dataset", "lima-lod")

    def distribution(self, version: str, path: str) -> URIRef:
        """One file of one release, ``path`` relative to the release folder."""
        return self.mint("distribution", version, *path.split("/"))

    def partition(self, kind: str, key: str) -> URIRef:
        """A VoID class or property partition, or a linkset, of the whole dataset."""
        return self.mint("void", kind, key)

    # -- parsing ----------------------------------------------------------------------------
    def parse(self, iri: str) -> tuple[str, tuple[str, ...]] | None:
        """Split a minted resource IRI into ``(kind, keys)``; None if it is not one of ours."""
        if not iri.startswith(self.base):
            return None
        match = _ID_PATH.match(iri[len(self.base) :])
        if not match:
            return None
        keys = tuple(unquote(part) for part in match["rest"].split("/"))
        return match["kind"], keys

    def resource_from_key(self, key: str) -> URIRef:
        """The IRI of a resource from its key as it stands in the IRI (``{base}id/{key}``).

        Raises ValueError for a key with characters an IRI path does not hold as they are.
        """
        if not is_key(key):
            raise ValueError(f"not a resource key: {key!r}")
        return URIRef(f"{self.resource_prefix}{key}")

    def key_of(self, iri: str) -> str | None:
        """The key of one of our resource IRIs, as it stands in the IRI; None for others."""
        if not iri.startswith(self.resource_prefix):
            return None
        key = iri[len(self.resource_prefix) :]
        return key if is_key(key) else None

    def local_path(self, iri: str) -> str | None:
        """Where one of our IRIs is served on this server (its path); None for others."""
        return "/" + iri[len(self.base) :] if self.is_ours(iri) else None

    def is_ours(self, iri: str) -> bool:
        """Say whether an IRI lies under this deployment's base."""
        return iri.startswith(self.base)

    def rebase_text(self, text: str) -> str:
        """Rewrite a file written against the default base to this deployment's base."""
        if self.base == DEFAULT_BASE:
            return text
        return text.replace(DEFAULT_BASE, self.base)
