"""Build one named graph per country report: the report, its assessment, its Data Cube ratings,
quoted figures, findings, conclusions, calls to action, references, people and context figures.

Part of the build stage; :func:`lima_lod.build.build` calls :func:`add_reports`.
"""

from __future__ import annotations

from rdflib import RDF, XSD, URIRef
from rdflib.namespace import DC

from .build_context import add_figures, add_footnotes, add_glossary, add_laws, add_projects
from .graphs import Built, Writer, document_iri, slugify, typed
from .iris import DCTERMS, FOAF, ORG, PROV, QB, SCHEMA, SKOS, Iris
from .load import Corpus, Item

CRITERIA = ("relevance", "effectiveness", "sustainability")
OVERALL = "overall"
#: Column of a ratings row -> criterion code.
RATING_COLUMNS = (*((c, c) for c in CRITERIA), ("average", OVERALL))
#: Statements of a report: section, IRI kind, label, and cfu class (conclusions: by their kind).
STATEMENTS = (
    ("findings", "finding", "Finding", "Finding"),
    ("conclusions", "conclusion", "Conclusion", "Conclusion"),
    ("calls_to_action", "call-to-action", "Call to action", "CallToAction"),
)
CONCLUSION_CLASSES = {"progress": "Progress", "weakness": "Weakness", "general": "Conclusion"}


def add_reports(built: Built, corpus: Corpus) -> None:
    """Add one graph per report found in the corpus."""
    for report in corpus.section("report"):
        key = str(report["id"])
        w = Writer(built.graph(f"report/{key}"), built.iris.vocab, built.locations)
        _ReportBuilder(w, built.iris, corpus, report).run()


class _ReportBuilder:
    """Writes the graph of one report."""

    def __init__(self, w: Writer, iris: Iris, corpus: Corpus, report: Item) -> None:
        self.w, self.iris, self.corpus, self.report = w, iris, corpus, report
        self.key = str(report["id"])
        self.cfu = iris.vocab
        self.subject = iris.report(self.key)
        self.assessment = iris.mint("assessment", self.key)
        self.country = iris.country(report["country"])
        self.period = typed(report["year"], XSD.gYear)
        country = corpus.lookup("country", report["country"])
        self.title = f"{country['name']} {report['year']}"

    def items(self, section: str) -> list[Item]:
        return [i for i in self.corpus.section(section) if i.context.get("report") == self.key]

    def run(self) -> None:
        self.report_resource()
        self.ratings()
        self.quoted_figures()
        for section, kind, label, cls in STATEMENTS:
            self.statements(section, kind, label, cls)
        self.references()
        self.people()
        self.context_figures()
        add_projects(self.w, self.iris, self.items("projects"))
        add_laws(self.w, self.iris, self.subject, self.items("laws"))
        glossary = add_glossary(self.w, self.iris, self.key, self.items("acronyms"))
        if glossary is not None:
            self.w.add(glossary, DCTERMS.isPartOf, self.subject)
        add_figures(self.w, self.iris, self.key, self.items("figures"), self.own)
        add_footnotes(self.w, self.iris, self.key, self.title, self.items("footnotes"), self.own)

    def own(self, subject: URIRef, item: Item, position: int | None = None) -> None:
        """Say that a resource is part of this report and where in the source it comes from."""
        self.w.add(subject, DCTERMS.isPartOf, self.subject)
        self.w.add(subject, SCHEMA.position, position)
        self.w.sourced(subject, document_iri(self.iris, item), item.get("source"))

    def report_resource(self) -> None:
        r, w, cfu, iris = self.report, self.w, self.cfu, self.iris
        s = w.thing(self.subject, (cfu.FollowUpReport, FOAF.Document), r["title"], r.where())
        w.add(s, DCTERMS.title, r["title"], "en")
        w.add(s, cfu.country, self.country)
        w.add(s, DCTERMS.spatial, self.country)
        w.add(s, DCTERMS.issued, self.period)
        w.add(s, DCTERMS.language, "en")
        w.add(s, cfu.followsUp, iris.agreement(r["agreement"]))
        w.add(s, cfu.methodology, iris.mint("methodology", r["methodology"]))
        if r.get("observatory"):
            w.add(s, cfu.observatory, iris.organization(r["observatory"]))
        w.add(s, cfu.localPartner, iris.organization(r["local_partner"]))
        w.add(s, DCTERMS.publisher, iris.organization(r["local_partner"]))
        w.add(s, cfu.fundingStatement, r.get("acknowledgement"), "en")
        w.add(s, cfu.fundingStatement, r.get("funding"), "en")
        w.add(s, DCTERMS.rights, r.get("statement"), "en")
        w.add(s, SKOS.note, r.get("note"), "en")
        if r.get("project"):
            w.add(s, cfu.project, iris.mint("project", r["project"]))
        w.add(s, PROV.wasGeneratedBy, self.assessment)
        w.sourced(s, document_iri(iris, r), r["source"])
        a = w.thing(self.assessment, cfu.Assessment, f"Follow-up assessment, {self.title}")
        w.add(a, PROV.used, iris.mint("methodology", r["methodology"]))
        w.add(a, PROV.generated, s)
        w.add(a, PROV.wasAssociatedWith, iris.organization(r["local_partner"]))
        for item in self.items("participating_organizations"):
            w.add(a, PROV.wasAssociatedWith, iris.organization(item["value"]))
        # the report's slice of the one cube: the dimensions it fixes, and where it comes from
        sl = w.thing(iris.slice(self.key), QB.Slice, f"Commitment ratings, {self.title}", r.where())
        w.add(sl, QB.sliceStructure, iris.slice_key())
        w.add(sl, cfu.country, self.country)
        w.add(sl, cfu.period, self.period)
        w.add(sl, PROV.wasDerivedFrom, s)
        w.add(sl, DCTERMS.source, s)
        w.add(iris.cube(), QB.slice, sl)

    def ratings(self) -> None:
        w, cfu, iris = self.w, self.cfu, self.iris
        for row in self.items("ratings"):
            number = row["commitment"]
            for column, criterion in RATING_COLUMNS:
                o = w.thing(
                    iris.observation(self.key, number, criterion),
                    QB.Observation,
                    f"Commitment {number}, {criterion}, {self.title}",
                    row.where(column),
                )
                w.add(o, QB.dataSet, iris.cube())
                w.add(iris.slice(self.key), QB.observation, o)
                w.add(o, cfu.country, self.country)
                w.add(o, cfu.period, self.period)
                w.add(o, cfu.commitment, iris.commitment(number))
                w.add(o, cfu.criterion, iris.criterion(criterion))
                w.add(o, cfu.score, row[column])
                w.sourced(o, document_iri(iris, row), row["source"])
                w.add(o, SKOS.note, row.get("note"), "en")

    def quoted_figures(self) -> None:
        w, cfu, iris = self.w, self.cfu, self.iris
        for n, q in enumerate(self.items("quoted_figures"), start=1):
            s = w.thing(
                iris.in_report("quoted-figure", self.key, q["id"]),
                cfu.QuotedFigure,
                f"Figure {q['value']} quoted for commitment {q['commitment']}",
                q.where(),
            )
            w.add(s, cfu.commitment, iris.commitment(q["commitment"]))
            w.add(s, cfu.criterion, iris.criterion(q["criterion"]))
            w.add(s, cfu.score, q["value"])
            w.add(s, cfu.quote, q["quote"], "en")
            if q.get("axis"):
                w.add(s, cfu.thematicAxis, iris.axis(q["axis"]))
            w.add(s, SKOS.note, q.get("note"), "en")
            self.own(s, q, n)

    def statements(self, section: str, kind: str, label: str, cls_name: str) -> None:
        """Findings, conclusions and calls to action: a text linked to axis, commitments, bodies."""
        w, cfu, iris = self.w, self.cfu, self.iris
        for n, item in enumerate(self.items(section), start=1):
            cls = cfu[CONCLUSION_CLASSES[item["kind"]] if section == "conclusions" else cls_name]
            s = w.thing(
                iris.in_report(kind, self.key, item["id"]),
                cls,
                f"{label} {item['id']}, {self.title}",
                item.where(),
            )
            w.add(s, cfu.text, item["text"], "en")
            if item.get("axis"):
                w.add(s, cfu.thematicAxis, iris.axis(item["axis"]))
            for number in item.get("commitments", []):
                w.add(s, cfu.aboutCommitment, iris.commitment(number))
            for org in item.get("institutions", []):
                w.add(s, cfu.namesInstitution, iris.organization(org))
            if item.get("parent"):
                w.add(s, cfu.partOfCall, iris.in_report(kind, self.key, item["parent"]))
            self.own(s, item, n)

    def references(self) -> None:
        w, iris = self.w, self.iris
        for n, ref in enumerate(self.items("references"), start=1):
            lang = ref.get("language") or "en"  # the title as printed, in its own language
            s = w.thing(
                iris.in_report("reference", self.key, ref["id"]),
                DCTERMS.BibliographicResource,
                ref["title"],
                ref.where(),
                lang,
            )
            w.add(s, DCTERMS.title, ref["title"])  # as printed (the CSV tables carry it so)
            w.add(s, DC.creator, ref.get("author"))
            if ref.get("year"):
                w.add(s, DCTERMS.date, typed(ref["year"], XSD.gYear))
            if ref.get("url"):
                w.add(s, FOAF.page, URIRef(ref["url"]))
            w.add(self.subject, DCTERMS.references, s)
            self.own(s, ref, n)

    def person(self, name: str, item: Item) -> tuple[URIRef, str]:
        """Describe a person; return the IRI and the key it was minted from."""
        key = slugify(name)
        s = self.w.thing(self.iris.person(key), FOAF.Person, name, item.where())
        self.w.add(s, FOAF.name, name)
        return s, key

    def membership(
        self, person: tuple[URIRef, str], org: tuple[URIRef, str], role: str | None, item: Item
    ) -> None:
        """Say that a person belongs to an organisation (IRIs with their keys), in a role."""
        w, iris = self.w, self.iris
        (who, who_key), (where, where_key) = person, org
        m = w.thing(
            iris.in_report("membership", self.key, f"{who_key}-{where_key}"),
            ORG.Membership,
            None,
            item.where(),
        )
        w.add(m, ORG.member, who)
        w.add(m, ORG.organization, where)
        if role:
            r = w.thing(iris.mint("role", slugify(role)), ORG.Role, role)
            w.add(r, SKOS.prefLabel, role, "en")
            w.add(m, ORG.role, r)
            w.add(m, self.cfu.printedRole, role, "en")
        self.own(m, item)

    def organization(self, key: str) -> tuple[URIRef, str]:
        return self.iris.organization(key), key

    def people(self) -> None:
        w, cfu, iris = self.w, self.cfu, self.iris
        for group in self.items("working_group"):
            unit = w.thing(
                iris.mint("organization", group["organization"], "working-group", self.key),
                (ORG.OrganizationalUnit, ORG.Organization),
                group.get("name") or "Working group",
                group.where(),
            )
            unit_key = f"{group['organization']}-working-group"
            w.add(unit, ORG.unitOf, iris.organization(group["organization"]))
            w.sourced(unit, document_iri(iris, group), group.get("source"))
            w.add(self.assessment, PROV.wasAssociatedWith, unit)
            for member in group["members"]:
                item = Item("members", member, group.context)
                self.membership(
                    self.person(member["name"], item), (unit, unit_key), member["role"], item
                )
        for p in self.items("participants"):
            person = self.person(p["name"], p)
            w.add(self.assessment, PROV.wasAssociatedWith, person[0])
            w.add(person[0], cfu.printedOrganizationName, p.get("organization_name"))
            if p.get("organization"):
                self.membership(person, self.organization(p["organization"]), None, p)
        for sp in self.items("specialists"):
            person = self.person(sp["name"], sp)
            w.add(person[0], cfu.printedName, sp["printed_name"])
            i = w.thing(
                iris.in_report("interview", self.key, person[1]),
                cfu.Interview,
                f"Interview with {sp['name']}",
                sp.where(),
            )
            w.add(i, cfu.interviewee, person[0])
            for month in sp["months"]:
                w.add(i, cfu.month, typed(month, XSD.gYearMonth))
            w.add(i, cfu.printedRole, sp["role"], "en")
            w.add(i, cfu.printedOrganizationName, sp.get("organization_name"), "en")
            w.add(i, SKOS.note, sp.get("note"), "en")
            if sp.get("organization"):
                w.add(i, PROV.wasAssociatedWith, iris.organization(sp["organization"]))
                self.membership(person, self.organization(sp["organization"]), sp["role"], sp)
            w.add(self.assessment, PROV.wasInformedBy, i)
            self.own(i, sp)

    def context_figures(self) -> None:
        w, cfu, iris = self.w, self.cfu, self.iris
        for n, f in enumerate(self.items("context_figures"), start=1):
            s = w.thing(
                iris.in_report("context-figure", self.key, f["id"]),
                cfu.ContextFigure,
                f"Context figure {f['id']}, {self.title}",
                f.where(),
            )
            w.add(s, RDF.value, f["value"])
            w.add(s, cfu.outOf, f.get("out_of"))
            w.add(s, cfu.qualifier, f.get("qualifier"), "en")
            w.add(s, cfu.text, f["statement"], "en")
            w.add(s, cfu.measuredBy, f.get("measured_by"), "en")
            w.add(s, DCTERMS.coverage, f.get("period"))
            w.add(s, SKOS.note, f.get("note"), "en")
            self.own(s, f, n)
