"""Helpers for writing RDF: the built dataset, and a graph writer that records where each subject
came from."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from rdflib import RDF, RDFS, XSD, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from .errors import Location
from .iris import DCTERMS, SKOS, Iris
from .load import Corpus, Item

Value = Node | str | int | Decimal | None


def slugify(text: str) -> str:
    """Make an id from a name: ascii, lowercase, words joined by hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def clean(text: str) -> str:
    """Collapse the whitespace a folded YAML block or a page break leaves in a text."""
    return " ".join(text.split())


def literal(value: str | int | Decimal, lang: str | None = None) -> Literal:
    """An RDF literal: decimals keep their printed digits, ints are xsd:integer, text is cleaned."""
    if isinstance(value, bool):
        return Literal(value)
    if isinstance(value, Decimal):
        return Literal(format(value, "f"), datatype=XSD.decimal)
    if isinstance(value, int):
        return Literal(value)
    return Literal(clean(value), lang=lang)


def typed(value: str | int, datatype: URIRef) -> Literal:
    """A literal with an explicit datatype, its lexical form as given."""
    return Literal(str(value), datatype=datatype)


def dated(value: str) -> Literal:
    """A date as printed: a year (xsd:gYear), a month (xsd:gYearMonth) or a day (xsd:date)."""
    return typed(value, {4: XSD.gYear, 7: XSD.gYearMonth}.get(len(value), XSD.date))


@dataclass
class Writer:
    """Adds triples to one graph and remembers the source location of each subject it describes."""

    graph: Graph
    cfu: Namespace
    locations: dict[URIRef, Location] = field(default_factory=dict)

    def add(self, subject: URIRef, predicate: URIRef, obj: Value, lang: str | None = None) -> None:
        """Add one triple; a None object adds nothing, plain values become literals."""
        if obj is None:
            return
        node = obj if isinstance(obj, Node) else literal(obj, lang)
        self.graph.add((subject, predicate, node))

    def many(self, subject: URIRef, predicate: URIRef, objects: list[Value] | None) -> None:
        """Add one triple per object."""
        for obj in objects or []:
            self.add(subject, predicate, obj)

    def thing(
        self,
        subject: URIRef,
        classes: URIRef | tuple[URIRef, ...],
        label: str | None,
        where: Location | None = None,
        lang: str = "en",
    ) -> URIRef:
        """Describe a new resource: its classes, its label, and where it came from."""
        for cls in classes if isinstance(classes, tuple) else (classes,):
            self.graph.add((subject, RDF.type, cls))
        if label:
            self.add(subject, RDFS.label, label, lang)
        if where is not None:
            self.locations.setdefault(subject, where)
        return subject

    def concept(
        self,
        subject: URIRef,
        classes: URIRef | tuple[URIRef, ...],
        label: str,
        scheme: URIRef,
        notation: str | int,
        where: Location | None = None,
        top: bool = False,
    ) -> URIRef:
        """Describe a SKOS concept of a scheme."""
        self.thing(
            subject,
            (SKOS.Concept, *(classes if isinstance(classes, tuple) else (classes,))),
            label,
            where,
        )
        self.add(subject, SKOS.prefLabel, label, "en")
        self.add(subject, SKOS.notation, str(notation))
        self.add(subject, SKOS.inScheme, scheme)
        if top:
            self.add(subject, SKOS.topConceptOf, scheme)
            self.add(scheme, SKOS.hasTopConcept, subject)
        return subject

    def sourced(self, subject: URIRef, document: URIRef | None, location: str | None) -> None:
        """Say which document, and where in it, a statement comes from."""
        self.add(subject, DCTERMS.source, document)
        if location:
            self.add(subject, self.cfu.sourceLocation, location)


@dataclass
class Built:
    """The built dataset and, for each subject, the data file and line it came from."""

    dataset: Dataset
    iris: Iris
    locations: dict[URIRef, Location] = field(default_factory=dict)
    corpus: Corpus | None = None

    def graph(self, name: str) -> Graph:
        """One named graph of the dataset, by its short name (``vocabulary``, ``report/mx-2021``)."""
        return self.dataset.graph(self.iris.graph(name))


def document_iri(iris: Iris, item: Item) -> URIRef | None:
    """The source document an item's file names, if any."""
    doc = item.context.get("document")
    return iris.mint("document", doc) if doc else None
