"""Build what a report says around its ratings: the laws it names, the projects it was written
under, and its glossary of acronyms.

Part of the build stage; :class:`lima_lod.build_report._ReportBuilder` calls these for each report
and writes them into the report's graph. Laws are schema.org ``Legislation`` (see the comment in
``ontology/cfu.ttl``), projects ``foaf:Project``, acronyms SKOS concepts of one scheme per report.
"""

from __future__ import annotations

from rdflib import URIRef

from .graphs import Writer, dated, document_iri
from .iris import DCTERMS, FOAF, PROV, SCHEMA, SKOS, Iris
from .load import Item

#: Classes of a law, by the ``kind`` its data file gives.
LAW_CLASSES: dict[str, tuple[str, ...]] = {
    "law": (), "amendment": ("Amendment",), "package": ("LegislativePackage",),
    "bill": ("DraftLaw",),
}


def _spanish(item: Item) -> bool:
    return "spanish" in str(item.get("acronym_note", "")).lower()


def add_laws(w: Writer, iris: Iris, report: URIRef, laws: list[Item]) -> None:
    """Describe each law or legal act a report names, and link the report to it."""
    for law in laws:
        s = w.thing(iris.mint("law", law["id"]),
                    (SCHEMA.Legislation, *(iris.vocab[c] for c in LAW_CLASSES[law["kind"]])),
                    law.get("title") or _untitled(law, laws), law.where())
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
        s = w.thing(iris.mint("project", p["id"]), (FOAF.Project, PROV.Activity), p["title"],
                    p.where())
        w.add(s, DCTERMS.title, p["title"], "en")
        w.add(s, FOAF.name, p["title"])
        if p.get("acronym"):
            w.add(s, iris.vocab.acronym, p["acronym"], "es" if _spanish(p) else None)
        for acronym in p.get("alt_acronyms", []):
            w.add(s, iris.vocab.acronym, acronym)
        w.add(s, DCTERMS.description, p.get("purpose"), "en")
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
    scheme = w.thing(iris.mint("glossary", report_key), SKOS.ConceptScheme,
                     "Document Acronyms", acronyms[0].where())
    w.add(scheme, SKOS.prefLabel, "Document Acronyms", "en")
    for a in acronyms:
        c = w.concept(iris.mint("acronym", report_key, a["acronym"]), iris.vocab.Acronym,
                      a["expansion"], scheme, a["acronym"], a.where(), top=True)
        w.add(c, SKOS.altLabel, a["acronym"], "es" if _spanish(a) else "en")
        w.add(c, SKOS.note, a.get("note"), "en")
        if a.get("project"):
            w.add(c, FOAF.focus, iris.mint("project", a["project"]))
        w.sourced(c, document_iri(iris, a), a["source"])
    return scheme
