"""Human documentation of the vocabulary: one self-contained HTML page per release.

Publishing stage. Reads the vocabulary graph (labels, definitions, domains, ranges in English and
Spanish), takes an example of each class and property from the data, and renders
``templates/vocabulary.html`` with Jinja2 (autoescaped: every text from the data is escaped). The
changelog comes from ``ontology/CHANGES.md`` (``## <version> - <date>`` headings and ``-``
bullets) and, when an earlier release holds another vocabulary version, from comparing the two.
No script, no CDN: the page works offline.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.term import Node

from .files import ReleaseInfo, write_file
from .iris import DCTERMS, FOAF, QB, SKOS, VANN, Iris
from .layout import VOCABULARY_DOCS
from .rdfio import new_graph, prefixes

CHANGES_FILE = "CHANGES.md"
TEMPLATE = "vocabulary.html"
#: Sections of properties, in page order: title and the rdf:type that puts a property there.
PROPERTY_SECTIONS = (
    (
        "components",
        "Data Cube components",
        "Componentes de Data Cube",
        (QB.DimensionProperty, QB.MeasureProperty, QB.AttributeProperty),
    ),
    ("object-properties", "Object properties", "Propiedades de objeto", (OWL.ObjectProperty,)),
    ("datatype-properties", "Datatype properties", "Propiedades de datos", (OWL.DatatypeProperty,)),
)
_HEADING = re.compile(r"^##\s+(?P<version>\S+)(?:\s+[-–]\s+(?P<date>.+))?\s*$")  # noqa: RUF001 - an en dash too
#: Properties whose changes the automatic changelog reports.
_COMPARED = (
    RDFS.label,
    SKOS.definition,
    RDFS.domain,
    RDFS.range,
    RDFS.subClassOf,
    RDFS.subPropertyOf,
    RDF.type,
)


@dataclass(frozen=True)
class Change:
    """One version in the changelog: its version, date and what changed."""

    version: str
    date: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class PreviousVocabulary:
    """The vocabulary of an earlier release, to compare with."""

    version: str
    graph: Graph


@dataclass
class DocsInput:
    """Everything the documentation page shows."""

    vocabulary: Graph
    data: Graph
    iris: Iris
    info: ReleaseInfo
    serialisations: list[str]  # vocabulary files, relative to the release folder
    shapes: list[str]
    dumps: list[str]
    catalog: list[str]
    previous: PreviousVocabulary | None = None
    changes: list[Change] = field(default_factory=list)


@dataclass(frozen=True)
class Ref:
    """A link to a term: inside the page (``#Local``) for ours, to its IRI for others."""

    href: str
    text: str
    iri: str


@dataclass
class Term:
    """One class or property as the page shows it."""

    iri: str
    local: str
    curie: str
    kinds: list[Ref]
    labels: dict[str, str]
    definitions: dict[str, str]
    parents: list[Ref]
    children: list[Ref]
    domains: list[Ref]
    ranges: list[Ref]
    in_domain_of: list[Ref]
    in_range_of: list[Ref]
    uses: int
    example_subject: Ref | None
    example: str


def read_changes(path: Path) -> list[Change]:
    """Parse a changelog: ``## 1.0.0 - 2026-11-30`` headings, each followed by ``-`` bullets."""
    if not path.exists():
        return []
    changes: list[Change] = []
    version, date, items = None, "", []  # type: tuple[str | None, str, list[str]]
    for line in path.read_text(encoding="utf-8").splitlines():
        heading = _HEADING.match(line)
        if heading:
            if version is not None:
                changes.append(Change(version, date, tuple(items)))
            version, date, items = heading["version"], heading["date"] or "", []
        elif version is not None and line.lstrip().startswith(("- ", "* ")):
            items.append(line.lstrip()[2:].strip())
        elif version is not None and items and line.startswith("  ") and line.strip():
            items[-1] += " " + line.strip()  # a bullet continued on the next line
    if version is not None:
        changes.append(Change(version, date, tuple(items)))
    return changes


class _Page:
    """Collects what the template shows from the vocabulary and the data."""

    def __init__(self, src: DocsInput) -> None:
        self.src, self.vocab, self.data = src, src.vocabulary, src.data
        self.ns = str(src.iris.vocab)
        self.terms = sorted(
            {
                s
                for s in self.vocab.subjects(RDFS.isDefinedBy, src.iris.ontology)
                if isinstance(s, URIRef) and str(s).startswith(self.ns)
            },
            key=str,
        )

    def ref(self, node: Node) -> Ref:
        iri = str(node)
        if iri.startswith(self.ns):
            local = iri[len(self.ns) :]
            return Ref(f"#{local}", f"cfu:{local}", iri)
        try:
            text = self.vocab.namespace_manager.normalizeUri(URIRef(iri))
        except ValueError:
            text = iri
        if text.startswith("<"):
            text = iri
        return Ref(iri, text, iri)

    def refs(self, nodes: Iterable[Node]) -> list[Ref]:
        return sorted(
            (self.ref(n) for n in set(nodes) if isinstance(n, URIRef)), key=lambda r: r.text.lower()
        )

    def by_lang(self, subject: Node, predicate: URIRef) -> dict[str, str]:
        found: dict[str, str] = {}
        for value in self.vocab.objects(subject, predicate):
            if isinstance(value, Literal):
                found.setdefault(value.language or "", str(value))
        return dict(sorted(found.items()))

    def example(self, term: URIRef, is_class: bool) -> tuple[Ref | None, str, int]:
        """An example from the data: an instance of a class, or a use of a property."""
        if is_class:
            subjects = {s for s in self.data.subjects(RDF.type, term) if isinstance(s, URIRef)}
            if not subjects:
                return None, "", 0
            # the most fully described instance makes the best example
            subject = min(subjects, key=lambda s: (-len(set(self.data.predicates(s))), str(s)))
            triples = sorted(
                self.data.triples((subject, None, None)),
                key=lambda t: (t[1] != RDF.type, str(t[1]), str(t[2])),
            )[:8]
            return self.ref(subject), self.snippet(triples), len(subjects)
        uses = sorted(self.data.triples((None, term, None)), key=lambda t: (str(t[0]), str(t[2])))
        if not uses:
            return None, "", 0
        return self.ref(uses[0][0]), self.snippet(uses[:1]), len(uses)

    def snippet(self, triples: Iterable[tuple[Node, Node, Node]]) -> str:
        """Turtle for a few triples, without the prefix lines (the page lists the prefixes)."""
        graph = new_graph(self.src.iris)
        for triple in triples:
            graph.add(triple)
        text = graph.serialize(format="turtle")
        return "\n".join(
            line for line in text.splitlines() if not line.startswith("@prefix") and line.strip()
        ).strip()

    def term(self, iri: URIRef, is_class: bool) -> Term:
        local = str(iri)[len(self.ns) :]
        subject, example, uses = self.example(iri, is_class)
        parent = RDFS.subClassOf if is_class else RDFS.subPropertyOf
        return Term(
            iri=str(iri),
            local=local,
            curie=f"cfu:{local}",
            kinds=self.refs(self.vocab.objects(iri, RDF.type)),
            labels=self.by_lang(iri, RDFS.label),
            definitions=self.by_lang(iri, SKOS.definition),
            parents=self.refs(self.vocab.objects(iri, parent)),
            children=self.refs(self.vocab.subjects(parent, iri)),
            domains=self.refs(self.vocab.objects(iri, RDFS.domain)),
            ranges=self.refs(self.vocab.objects(iri, RDFS.range)),
            in_domain_of=self.refs(self.vocab.subjects(RDFS.domain, iri)) if is_class else [],
            in_range_of=self.refs(self.vocab.subjects(RDFS.range, iri)) if is_class else [],
            uses=uses,
            example_subject=subject,
            example=example,
        )

    def classes(self) -> list[Term]:
        return [self.term(t, True) for t in self.terms if (t, RDF.type, OWL.Class) in self.vocab]

    def property_sections(self) -> list[dict[str, object]]:
        placed: set[URIRef] = set()
        sections: list[dict[str, object]] = []
        for key, title, title_es, kinds in PROPERTY_SECTIONS:
            members = [
                t
                for t in self.terms
                if t not in placed and any((t, RDF.type, kind) in self.vocab for kind in kinds)
            ]
            placed.update(members)
            sections.append(
                {
                    "id": key,
                    "title": title,
                    "title_es": title_es,
                    "terms": [self.term(t, False) for t in members],
                }
            )
        return sections

    def metadata(self) -> dict[str, object]:
        o, v = self.src.iris.ontology, self.vocab
        people = [self.name(n) for n in sorted(v.objects(o, DCTERMS.creator), key=str)]
        contributors = [self.name(n) for n in sorted(v.objects(o, DCTERMS.contributor), key=str)]
        titles = self.by_lang(o, DCTERMS.title)
        version_iri = v.value(o, OWL.versionIRI)
        license_iri = v.value(o, DCTERMS.license)
        modified = v.value(o, DCTERMS.modified) or v.value(o, DCTERMS.created)
        year = str(modified)[:4] if modified else self.src.info.built.strftime("%Y")
        authors = ", ".join(people) or "lima-lod"
        title = titles.get("en") or next(iter(titles.values()), "cfu")
        return {
            "iri": str(o),
            "titles": titles,
            "descriptions": self.by_lang(o, DCTERMS.description),
            "version": self.src.info.vocabulary_version,
            "version_iri": str(version_iri or ""),
            "license": str(license_iri or ""),
            "created": str(v.value(o, DCTERMS.created) or ""),
            "modified": str(modified or ""),
            "authors": people,
            "contributors": contributors,
            "publisher": [self.name(n) for n in v.objects(o, DCTERMS.publisher)],
            "prefix": str(v.value(o, VANN.preferredNamespacePrefix) or "cfu"),
            "namespace": str(v.value(o, VANN.preferredNamespaceUri) or self.ns),
            "see_also": self.refs(v.objects(o, RDFS.seeAlso)),
            "citation": f"{authors} ({year}). {title}, version {self.src.info.vocabulary_version}."
            f" {version_iri or o}",
        }

    def name(self, node: Node) -> str:
        for graph in (self.vocab, self.data):
            for predicate in (FOAF.name, RDFS.label, SKOS.prefLabel):
                value = graph.value(node, predicate)
                if value is not None:
                    return str(value)
        return str(node)

    def compare(self) -> dict[str, object] | None:
        previous = self.src.previous
        if previous is None:
            return None
        old_ns_terms = {
            str(s)
            for s in previous.graph.subjects(RDFS.isDefinedBy, None)
            if str(s).startswith(self.ns)
        }
        new_terms = {str(t) for t in self.terms}
        changed = []
        for iri in sorted(old_ns_terms & new_terms):
            what = [
                self.ref(p).text
                for p in _COMPARED
                if set(previous.graph.objects(URIRef(iri), p))
                != set(self.vocab.objects(URIRef(iri), p))
            ]
            if what:
                changed.append((self.ref(URIRef(iri)), what))
        return {
            "version": previous.version,
            "added": self.refs(URIRef(i) for i in new_terms - old_ns_terms),
            "removed": sorted(f"cfu:{i[len(self.ns) :]}" for i in old_ns_terms - new_terms),
            "changed": changed,
        }


def render(src: DocsInput) -> str:
    """The HTML page of the vocabulary."""
    env = Environment(
        loader=PackageLoader("lima_lod", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    page = _Page(src)
    up = "../"  # the page sits in vocabulary/: links to other release files go up one folder
    bound = prefixes(src.iris)
    return env.get_template(TEMPLATE).render(
        meta=page.metadata(),
        info=src.info,
        classes=page.classes(),
        property_sections=page.property_sections(),
        serialisations=[(name.rsplit("/", 1)[-1], up + name) for name in src.serialisations],
        shapes=[(name.rsplit("/", 1)[-1], up + name) for name in src.shapes],
        dumps=[(name, up + name) for name in src.dumps],
        catalog=[(name, up + name) for name in src.catalog],
        prefixes=sorted(bound.items()),
        changes=src.changes,
        comparison=page.compare(),
    )


def write_docs(folder: Path, src: DocsInput) -> list[str]:
    """Write the documentation page into a release folder; return its path in the release."""
    write_file(folder / VOCABULARY_DOCS, render(src))
    return [VOCABULARY_DOCS]
