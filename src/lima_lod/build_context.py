"""Build what a report says around its ratings: the laws it names, the projects it was written
under, its glossary of acronyms, its graphs and tables, and the footnotes no other item holds.

Part of the build stage; :class:`lima_lod.build_report._ReportBuilder` calls these for each report
and writes them into the report's graph. Laws are schema.org ``Legislation`` (see the comment in
``ontology/cfu.ttl``), projects ``foaf:Project``, acronyms SKOS concepts of one scheme per report.
"""

from __future__ import annotations

from collections.abc import Callable

from rdflib import URIRef

from .graphs import Writer, dated, document_iri
from .iris import DCTERMS, FOAF, PROV, SCHEMA, SKOS, Iris
from .load import Item

#: Classes of a law, by the ``kind`` its data file gives.
LAW_CLASSES: dict[str, tuple[str, ...]] = {
    "law": (),
    "amendment": ("Amendment",),
    "package": ("LegislativePackage",),
    "bill": ("DraftLaw",),
}


def _spanish(item: Item) -> bool:
    return "spanish" in str(item.get("acronym_note", "")).lower()


def add_laws(w: Writer, iris: Iris, report: URIRef, laws: list[Item]) -> None:
    """Describe each law or legal act a report names, and link the report to it."""
    for law in laws:
        s = w.thing(
            iris.mint("law", law["id"]),
            (SCHEMA.Legislation, *(iris.vocab[c] for c in LAW_CLASSES[law["kind"]])),
            law.get("title") or _untitled(law, laws),
            law.where(),
        )
        w.add(s, SCHEMA.name, law.get("title"), "en")
        w.add(s, SCHEMA.name, law.get("spanish_title"), "es")
        if law.get("date"):
            w.add(s, SCHEMA.legislationDate, dated(str(law["date"])))
        if law.get("country"):
            w.add(s, SCHEMA.legislationJurisdiction, iris.country(law["country"]))
        for other in law.get("amends", []):
            w.add(s, SCHEMA.legislationChanges, iris.mint("law", other))
        for part in law.get("includes", []):
            w.add(s, SCHEMA.hasPart, iris.mint("law", part))
            w.add(iris.mint("law", part), SCHEMA.isPartOf, s)
        for org in law.get("establishes", []):
            w.add(s, iris.vocab.establishes, iris.organization(org))
        w.add(s, iris.vocab.text, law["statement"], "en")
        w.add(s, SKOS.note, law.get("note"), "en")
        w.add(report, SCHEMA.mentions, s)
        w.sourced(s, document_iri(iris, law), law["source"])


def _untitled(law: Item, laws: list[Item]) -> str:
    """A label for an act the report prints no title for: what it amends, and when."""
    titles = {str(other["id"]): other.get("title") for other in laws}
    amended = ", ".join(str(titles.get(str(a)) or a) for a in law.get("amends", []))
    when = f", {law['date']}" if law.get("date") else ""
    return f"Amendment to the {amended}{when}" if amended else f"Legal act {law['id']}{when}"


def add_projects(w: Writer, iris: Iris, projects: list[Item]) -> None:
    """Describe the projects a report names: title, acronyms, purpose, partners."""
    for p in projects:
        s = w.thing(
            iris.mint("project", p["id"]), (FOAF.Project, PROV.Activity), p["title"], p.where()
        )
        w.add(s, DCTERMS.title, p["title"], "en")
        w.add(s, FOAF.name, p["title"])
        if p.get("acronym"):
            w.add(s, iris.vocab.acronym, p["acronym"], "es" if _spanish(p) else None)
        for acronym in p.get("alt_acronyms", []):
            w.add(s, iris.vocab.acronym, acronym)
        for alt in p.get("alt_titles", []):
            w.add(s, DCTERMS.alternative, alt, "en")
        w.add(s, DCTERMS.description, p.get("purpose"), "en")
        w.add(s, DCTERMS.description, p.get("description"), "en")
        for org in p.get("partners", []):
            w.add(s, PROV.wasAssociatedWith, iris.organization(org))
        for other in p.get("supports", []):
            w.add(s, iris.vocab.supportsProject, iris.mint("project", other))
        w.add(s, SKOS.note, p.get("note"), "en")
        w.sourced(s, document_iri(iris, p), p["source"])


def add_glossary(w: Writer, iris: Iris, report_key: str, acronyms: list[Item]) -> URIRef | None:
    """The report's acronyms as SKOS concepts of one scheme; return the scheme (None if empty)."""
    if not acronyms:
        return None
    scheme = w.thing(
        iris.mint("glossary", report_key),
        SKOS.ConceptScheme,
        "Document Acronyms",
        acronyms[0].where(),
    )
    w.add(scheme, SKOS.prefLabel, "Document Acronyms", "en")
    for a in acronyms:
        c = w.concept(
            iris.mint("acronym", report_key, a["acronym"]),
            iris.vocab.Acronym,
            a["expansion"],
            scheme,
            a["acronym"],
            a.where(),
            top=True,
        )
        w.add(c, SKOS.altLabel, a["acronym"], "es" if _spanish(a) else "en")
        w.add(c, SKOS.note, a.get("note"), "en")
        if a.get("project"):
            w.add(c, FOAF.focus, iris.mint("project", a["project"]))
        w.sourced(c, document_iri(iris, a), a["source"])
    return scheme


#: Classes of a report's figure, by the ``kind`` its data file gives.
FIGURE_CLASSES = {"graph": SCHEMA.ImageObject, "table": SCHEMA.Table}


def add_figures(
    w: Writer,
    iris: Iris,
    report_key: str,
    figures: list[Item],
    own: Callable[[URIRef, Item, int | None], None],
) -> None:
    """Describe the report's graphs and tables: caption and credit as printed, axis, data."""
    for f in figures:
        printed = f"{str(f['kind']).capitalize()} {f['number']}. {f['caption']}"
        s = w.thing(
            iris.in_report("figure", report_key, f["id"]),
            FIGURE_CLASSES[f["kind"]],
            printed,
            f.where(),
        )
        w.add(s, DCTERMS.title, f["caption"], "en")
        w.add(s, SCHEMA.creditText, f.get("credit"), "en")
        if f.get("axis"):
            w.add(s, iris.vocab.thematicAxis, iris.axis(f["axis"]))
        w.add(s, SCHEMA.isBasedOn, iris.slice(report_key))
        w.add(s, SKOS.note, f.get("note"), "en")
        own(s, f, f["number"])


def add_footnotes(
    w: Writer,
    iris: Iris,
    report_key: str,
    title: str,
    footnotes: list[Item],
    own: Callable[[URIRef, Item, int | None], None],
) -> None:
    """Describe the footnotes whose text no other item holds."""
    for n in footnotes:
        s = w.thing(
            iris.in_report("footnote", report_key, n["number"]),
            iris.vocab.Footnote,
            f"Footnote {n['number']}, {title}",
            n.where(),
        )
        w.add(s, iris.vocab.text, n["text"], "en")
        for org in n.get("institutions", []):
            w.add(s, iris.vocab.namesInstitution, iris.organization(org))
        w.add(s, SKOS.note, n.get("note"), "en")
        own(s, n, n["number"])
