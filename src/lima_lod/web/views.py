"""One page builder per kind of resource people visit: each gathers what its page needs with
SPARQL (through ``lookup.Lookup``) and returns its template and context.

A builder takes the request's ``Frame``, the resource's described graph, its IRI and the keys of
its minted IRI. Kinds without a builder get the generic page (``site.Site.common``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup
from rdflib import Graph, Literal, URIRef

from ..iris import SH
from . import charts
from .frame import Link
from .i18n import pick
from .lookup import Row
from .site import Frame, pick_text

Builder = Callable[[Frame, Graph, URIRef, tuple[str, ...]], tuple[str, dict[str, Any]]]
CRITERIA = charts.CRITERIA_SERIES
PREFIXES = """PREFIX cfu: <{vocab}>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX schema: <https://schema.org/>
PREFIX dcat: <http://www.w3.org/ns/dcat#>
"""
#: Statement classes of a report, in the order the report prints them.
STATEMENTS = (
    ("Finding", "findings"),
    ("Progress", "progress"),
    ("Weakness", "weakness"),
    ("Conclusion", "conclusions"),
    ("CallToAction", "calls"),
)
#: Texts a page leads with, best first (shown in the language printed).
LEAD = (
    "{vocab}text",
    "http://www.w3.org/2004/02/skos/core#definition",
    "{vocab}quote",
    "http://purl.org/dc/terms/description",
    "http://purl.org/dc/terms/bibliographicCitation",
)


def select(frame: Frame, query: str) -> list[Row]:
    return frame.site.lookup.select(PREFIXES.format(vocab=frame.site.iris.vocab) + query)


def score(value: str | None) -> str:
    return "" if value is None else f"{float(value):.2f}"


@dataclass
class Rated:
    """One commitment as a report rates it."""

    commitment: Link
    number: int
    axis: str
    text: Link | None
    scores: dict[str, float] = field(default_factory=dict)

    def values(self) -> tuple[float | None, ...]:
        return tuple(self.scores.get(c) for c in CRITERIA)


@dataclass
class Axis:
    """A thematic axis of a report, its commitments and their statements."""

    code: str
    link: Link
    position: int
    rated: list[Rated] = field(default_factory=list)
    statements: dict[str, list[tuple[Link, Link | None]]] = field(default_factory=dict)

    def average(self, criterion: str = "overall") -> float | None:
        values = [r.scores[criterion] for r in self.rated if criterion in r.scores]
        return sum(values) / len(values) if values else None


def series(frame: Frame) -> tuple[charts.Series, ...]:
    return tuple(
        charts.Series(frame.t(c), fill, pattern)
        for c, (fill, pattern) in zip(CRITERIA, charts.STYLES, strict=True)
    )


def report_axes(frame: Frame, report: str) -> list[Axis]:
    """The axes of a report with each prioritised commitment and its scores, in report order."""
    rows = select(
        frame,
        f"""
SELECT ?c ?n ?axis ?code ?pos ?text ?crit ?score WHERE {{
  <{report}> cfu:methodology/cfu:prioritises ?c .
  ?c cfu:commitmentNumber ?n ; cfu:thematicAxis ?axis .
  ?axis skos:notation ?code . OPTIONAL {{ ?axis schema:position ?pos }}
  OPTIONAL {{ ?c cfu:text ?text }}
  OPTIONAL {{ ?slice prov:wasDerivedFrom <{report}> ; qb:observation ?o . ?o cfu:commitment ?c ;
               cfu:criterion/skos:notation ?crit ; cfu:score ?score }}
}}""",
    )
    axes: dict[str, Axis] = {}
    rated: dict[str, Rated] = {}
    for row in rows:
        code = row["code"].value
        axis = axes.setdefault(
            code,
            Axis(
                code, frame.link(row["axis"].value), int(row["pos"].value) if "pos" in row else 99
            ),
        )
        c = row["c"].value
        if c not in rated:
            text = Link(row["text"].value, None, row["text"].lang) if "text" in row else None
            rated[c] = Rated(frame.link(c), int(row["n"].value), code, text)
            axis.rated.append(rated[c])
        if "crit" in row:
            rated[c].scores[row["crit"].value] = float(row["score"].value)
    for axis in axes.values():
        axis.rated.sort(key=lambda r: r.number)
    return sorted(axes.values(), key=lambda a: (a.position, a.code))


def axis_chart(frame: Frame, report: str, axis: Axis) -> str:
    groups = [charts.Group(str(r.number), r.values(), r.commitment.text) for r in axis.rated]
    return charts.bar_chart(
        f"chart-{axis.code}",
        f"{axis.code}. {axis.link.text}",
        frame.t("axis_desc"),
        series(frame),
        groups,
        frame.t("scale"),
    )


def summary_chart(frame: Frame, axes: list[Axis]) -> str:
    groups = [charts.Group(a.code, (a.average(),), a.link.text) for a in axes]
    one = (charts.Series(frame.t("overall"), charts.STYLES[0][0]),)
    return charts.bar_chart(
        "chart-summary",
        frame.t("summary_chart"),
        frame.t("summary_desc"),
        one,
        groups,
        frame.t("scale"),
    )


def _statements(frame: Frame, where: str) -> list[tuple[str, str, Link, Link | None]]:
    """Statements (kind, axis code, the statement, its text) matched by a WHERE pattern."""
    values = " ".join(f"cfu:{c}" for c, _ in STATEMENTS)
    rows = select(
        frame,
        f"""
SELECT ?s ?type ?text ?code ?pos WHERE {{
  {where} ?s a ?type . VALUES ?type {{ {values} }}
  OPTIONAL {{ ?s schema:position ?pos }} OPTIONAL {{ ?s cfu:text ?text }}
  OPTIONAL {{ ?s cfu:thematicAxis/skos:notation ?code }}
}}""",
    )
    rows.sort(key=lambda r: (int(r["pos"].value) if "pos" in r else 0, r["s"].value))
    names = dict(STATEMENTS)
    return [
        (
            names[r["type"].value.rsplit("#", 1)[-1]],
            r["code"].value if "code" in r else "",
            frame.link(r["s"].value),
            Link(r["text"].value, None, r["text"].lang) if "text" in r else None,
        )
        for r in rows
    ]


def _links(frame: Frame, query: str, var: str = "x") -> list[Link]:
    seen = dict.fromkeys(r[var].value for r in select(frame, query) if r[var].iri)
    return sorted((frame.link(i) for i in seen), key=lambda x: x.text.lower())


def report(
    frame: Frame, graph: Graph, iri: URIRef, keys: tuple[str, ...]
) -> tuple[str, dict[str, Any]]:
    r = str(iri)
    vocab = frame.site.iris.vocab
    axes = report_axes(frame, r)
    general: dict[
        str, list[tuple[Link, Link | None]]
    ] = {}  # statements of the whole report, under no axis
    for kind, code, link, text in _statements(frame, f"?s dcterms:isPartOf <{r}> ."):
        target = next((a for a in axes if a.code == code), None)
        bucket = target.statements if target else general
        bucket.setdefault(kind, []).append((link, text))
    facts = [
        (frame.t(k), [frame.value(o) for o in graph.objects(iri, p)])
        for k, p in (
            ("country", vocab.country),
            ("year", URIRef("http://purl.org/dc/terms/issued")),
            ("observatory", vocab.observatory),
            ("local_partner", vocab.localPartner),
            ("methodology", vocab.methodology),
            ("agreement", vocab.followsUp),
        )
    ]
    specialists = select(
        frame,
        f"""
SELECT ?p ?role ?orgname WHERE {{ <{r}> prov:wasGeneratedBy/prov:wasInformedBy ?i .
  ?i cfu:interviewee ?p . OPTIONAL {{ ?i cfu:printedRole ?role }}
  OPTIONAL {{ ?i cfu:printedOrganizationName ?orgname }} }}""",
    )
    downloads = select(
        frame,
        """
SELECT ?url ?media WHERE { ?d a dcat:Distribution ; dcat:downloadURL ?url .
  OPTIONAL { ?d dcat:mediaType ?media } } ORDER BY ?url""",
    )
    return "report.html", {
        "facts": [(k, v) for k, v in facts if v],
        "axes": axes,
        "general": general,
        "summary_svg": Markup(summary_chart(frame, axes)),
        "axis_svgs": {a.code: Markup(axis_chart(frame, r, a)) for a in axes},
        "report_key": keys[0] if keys else "",
        "institutions": _links(
            frame,
            f"SELECT DISTINCT ?x WHERE {{ ?s dcterms:isPartOf <{r}> ; cfu:namesInstitution ?x }}",
        ),
        "participants": _links(
            frame,
            f"SELECT DISTINCT ?x WHERE {{ <{r}> prov:wasGeneratedBy/prov:wasAssociatedWith ?x }}",
        ),
        "specialists": sorted(
            ((frame.link(s["p"].value), s.get("role"), s.get("orgname")) for s in specialists),
            key=lambda s: s[0].text,
        ),
        "references": _links(frame, f"SELECT ?x WHERE {{ <{r}> dcterms:references ?x }}"),
        "downloads": [
            (
                d["url"].value,
                d["media"].value.rsplit("/media-types/", 1)[-1] if "media" in d else "",
            )
            for d in downloads
        ],
        "score": score,
        "criteria": CRITERIA,
    }


def commitment(
    frame: Frame, graph: Graph, iri: URIRef, keys: tuple[str, ...]
) -> tuple[str, dict[str, Any]]:
    c = str(iri)
    ratings, observations = commitment_ratings(frame, c)
    quoted = select(
        frame,
        f"""
SELECT ?q ?value ?quote ?loc ?crit WHERE {{ ?q a cfu:QuotedFigure ; cfu:commitment <{c}> ;
  cfu:score ?value . OPTIONAL {{ ?q cfu:quote ?quote }} OPTIONAL {{ ?q cfu:sourceLocation ?loc }}
  OPTIONAL {{ ?q cfu:criterion/skos:notation ?crit }} }}""",
    )
    warnings = warnings_about(frame, observations | {q["q"].value for q in quoted})
    svg = commitment_chart(frame, c, "/".join(keys), ratings)
    statements = _statements(frame, f"?s cfu:aboutCommitment <{c}> .")
    axis = [frame.value(o) for o in graph.objects(iri, frame.site.iris.vocab.thematicAxis)]
    return "commitment.html", {
        "number": "/".join(keys),
        "axis": axis,
        "ratings": ratings,
        "criteria": CRITERIA,
        "score": score,
        "svg": Markup(svg or ""),
        "warnings": warnings,
        "quoted": [
            (
                q["value"].value,
                Link(q["quote"].value, None, q["quote"].lang) if "quote" in q else None,
                q["loc"].value if "loc" in q else "",
                q["crit"].value if "crit" in q else "",
            )
            for q in quoted
        ],
        "statements": statements,
        "institutions": _links(
            frame,
            f"SELECT DISTINCT ?x WHERE {{ ?s cfu:aboutCommitment <{c}> ; "
            "cfu:namesInstitution ?x }",
        ),
        "lead": lead(frame, graph, iri),
    }


def commitment_ratings(
    frame: Frame, c: str
) -> tuple[list[tuple[Link, dict[str, float]]], set[str]]:
    """A commitment's scores per report that rates it, and the observations they come from."""
    rows = select(
        frame,
        f"""
SELECT ?report ?crit ?score ?o WHERE {{ ?o cfu:commitment <{c}> ;
  cfu:criterion/skos:notation ?crit ; cfu:score ?score .
  ?slice qb:observation ?o ; prov:wasDerivedFrom ?report }}""",
    )
    by_report: dict[str, dict[str, float]] = defaultdict(dict)
    for row in rows:
        by_report[row["report"].value][row["crit"].value] = float(row["score"].value)
    return (
        [(frame.link(rep), scores) for rep, scores in sorted(by_report.items())],
        {row["o"].value for row in rows},
    )


def commitment_chart(
    frame: Frame, c: str, number: str, ratings: list[tuple[Link, dict[str, float]]] | None = None
) -> str | None:
    """The small chart of a commitment: its criteria and average in each report."""
    if ratings is None:
        ratings = commitment_ratings(frame, c)[0]
    if not ratings:
        return None
    groups = [
        charts.Group(short(frame, link.iri), tuple(s.get(k) for k in CRITERIA), link.text)
        for link, s in ratings
    ]
    return charts.bar_chart(
        f"chart-commitment-{number}",
        f"{frame.t('scores_chart')} {number}",
        frame.t("axis_desc"),
        series(frame),
        groups,
        frame.t("scale"),
    )


def short(frame: Frame, iri: str) -> str:
    """A report by its key (``mx-2021``), short enough to label a bar."""
    parsed = frame.site.iris.parse(iri)
    return "/".join(parsed[1]) if parsed else iri[-20:]


def warnings_about(frame: Frame, focus: set[str]) -> list[Link]:
    """The validation report's messages about any of ``focus``, in the reader's language."""
    report = frame.site.validation()
    out = []
    for result in report.subjects(SH.focusNode, None):
        node = report.value(result, SH.focusNode)
        if str(node) in focus:
            messages = [
                m for m in report.objects(result, SH.resultMessage) if isinstance(m, Literal)
            ]
            text = pick_message(messages, frame.lang)
            if text:
                out.append(text)
    return sorted(set(out), key=lambda x: x.text)


def pick_message(messages: list[Literal], lang: str) -> Link | None:
    """A message by the reader's language; untagged ones are told apart by their wording."""
    tagged = [(str(m), m.language or guess(str(m))) for m in messages]
    found = pick(tagged, lang)
    return Link(found[0], None, found[1]) if found else None


def guess(text: str) -> str:
    # pyshacl drops the language tags of SPARQL-constraint messages (FIELD-NOTES): ours say
    # "The report quotes..." or "El informe cita...", so the first word tells them apart.
    return "es" if text.split(" ", 1)[0] in ("El", "La", "Los", "Las") else "en"


def lead(frame: Frame, graph: Graph, iri: URIRef) -> Link | None:
    for prop in LEAD:
        values = [
            o
            for o in graph.objects(iri, URIRef(prop.format(vocab=frame.site.iris.vocab)))
            if isinstance(o, Literal)
        ]
        if values:
            return pick_text(values, frame.lang)
    return None


def concept(
    frame: Frame, graph: Graph, iri: URIRef, keys: tuple[str, ...]
) -> tuple[str, dict[str, Any]]:
    """An axis or a criterion: its commitments with their scores in one report (the latest;
    the comparison page has them all), charted."""
    x = str(iri)
    is_axis = "/axis/" in x
    scored = (
        "?slice qb:observation ?o ; cfu:period ?period . ?o cfu:commitment ?c ; cfu:score ?score"
    )
    where = (
        f"?c cfu:thematicAxis <{x}> . OPTIONAL {{ {scored} ; cfu:criterion/skos:notation ?crit }}"
        if is_axis
        else f"{scored} ; cfu:criterion <{x}> . <{x}> skos:notation ?crit ."
    )
    rows = select(
        frame,
        f"SELECT ?c ?n ?slice ?period ?crit ?score WHERE {{ {where} ?c cfu:commitmentNumber ?n }}",
    )
    reports = {(r["period"].value, r["slice"].value) for r in rows if "slice" in r}
    latest = max(reports)[1] if reports else None
    rated: dict[str, Rated] = {}
    for row in rows:
        c = row["c"].value
        rated.setdefault(c, Rated(frame.link(c), int(row["n"].value), "", None))
        if "crit" in row and row["slice"].value == latest:
            rated[c].scores[row["crit"].value] = float(row["score"].value)
    items = sorted(rated.values(), key=lambda r: r.number)
    shown: tuple[str, ...]
    if is_axis:
        shown, chart_series = CRITERIA, series(frame)
    else:
        shown = (keys[0],) if keys else ()
        chart_series = (charts.Series(frame.link(x).text, charts.STYLES[0][0]),)
    groups = [
        charts.Group(str(r.number), tuple(r.scores.get(k) for k in shown), r.commitment.text)
        for r in items
        if r.scores
    ]
    svg = charts.bar_chart(
        "chart-concept",
        frame.link(x).text,
        frame.t("axis_desc"),
        chart_series,
        groups,
        frame.t("scale"),
    )
    return "concept.html", {
        "items": items,
        "shown": shown,
        "svg": Markup(svg) if groups else "",
        "score": score,
        "lead": lead(frame, graph, iri),
        "scored_in": frame.link(latest) if latest else None,
        "reports": len(reports),
    }


def sections(
    frame: Frame, graph: Graph, iri: URIRef, keys: tuple[str, ...]
) -> tuple[str, dict[str, Any]]:
    """Organisations, people, statements, references, observations: a lead text and sections."""
    x = str(iri)
    out: list[tuple[str, list[tuple[Link, str]]]] = []
    members = select(
        frame,
        f"""
SELECT ?who ?role ?printed WHERE {{ ?m org:organization <{x}> ; org:member ?who .
  OPTIONAL {{ ?m org:role ?role }} OPTIONAL {{ ?m cfu:printedRole ?printed }} }}""",
    )
    if members:
        out.append(
            (
                frame.t("members"),
                sorted(
                    (
                        (
                            frame.link(m["who"].value),
                            m["printed"].value
                            if "printed" in m
                            else frame.link(m["role"].value).text
                            if "role" in m
                            else "",
                        )
                        for m in members
                    ),
                    key=lambda p: p[0].text,
                ),
            )
        )
    member_of = select(
        frame,
        f"""
SELECT ?where ?printed WHERE {{ ?m org:member <{x}> ; org:organization ?where .
  OPTIONAL {{ ?m cfu:printedRole ?printed }} }}""",
    )
    if member_of:
        out.append(
            (
                frame.t("member_of"),
                [
                    (frame.link(m["where"].value), m["printed"].value if "printed" in m else "")
                    for m in member_of
                ],
            )
        )
    named = _statements(frame, f"?s cfu:namesInstitution <{x}> .")
    if named:
        out.append((frame.t("named_in"), [(text or link, link.text) for _, _, link, text in named]))
    vocab = frame.site.iris.vocab
    dimensions = [
        (frame.link(str(o)), frame.link(str(p)).text)
        for p in (
            vocab.commitment,
            vocab.criterion,
            URIRef("http://purl.org/linked-data/cube#dataSet"),
        )
        for o in graph.objects(iri, p)
    ]
    if dimensions:
        out.append((frame.t("dimensions"), dimensions))
    about = [
        (frame.link(str(o)), "")
        for p in ("aboutCommitment", "namesInstitution", "thematicAxis", "partOfCall")
        for o in graph.objects(iri, vocab[p])
    ]
    if about:
        out.append((frame.t("concerns"), about))
    value = [score(str(o)) for o in graph.objects(iri, frame.site.iris.vocab.score)]
    return "resource.html", {
        "sections": out,
        "lead": lead(frame, graph, iri),
        "warnings": warnings_about(frame, {x}),
        "value": value[0] if value else "",
    }


BUILDERS: dict[str, Builder] = {
    "report": report,
    "commitment": commitment,
    "axis": concept,
    "criterion": concept,
    **{
        kind: sections
        for kind in (
            "organization",
            "person",
            "finding",
            "call-to-action",
            "conclusion",
            "reference",
            "observation",
            "quoted-figure",
            "interview",
            "membership",
            "context-figure",
        )
    },
}


def term(frame: Frame, name: str) -> dict[str, Any] | None:
    """A vocabulary term: its definition in the reader's language, domain and range, examples."""
    t = str(frame.site.iris.vocab[name])
    rows = select(
        frame,
        f"""
SELECT ?p ?o WHERE {{ <{t}> ?p ?o . VALUES ?p {{ skos:definition
  <http://www.w3.org/2000/01/rdf-schema#comment> <http://www.w3.org/2000/01/rdf-schema#domain>
  <http://www.w3.org/2000/01/rdf-schema#range> <http://www.w3.org/2000/01/rdf-schema#subClassOf>
  <http://www.w3.org/2000/01/rdf-schema#subPropertyOf>
  <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> }} }}""",
    )
    if not rows:
        return None
    by: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        by[row["p"].value.rsplit("#", 1)[-1]].append(row)
    definition = pick(
        ((r["o"].value, r["o"].lang) for r in by["definition"] + by["comment"]), frame.lang
    )
    is_class = any(r["o"].value.endswith("#Class") for r in by["type"])
    pattern = f"?s a <{t}>" if is_class else f"?s <{t}> ?o"
    examples = select(
        frame, f"SELECT DISTINCT ?s WHERE {{ {pattern} FILTER isIRI(?s) }} ORDER BY ?s LIMIT 10"
    )
    count = select(frame, f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}")

    def links(key: str) -> list[Link]:
        return [frame.link(r["o"].value) for r in by[key] if r["o"].iri]

    return {
        "title": frame.link(t),
        "iri": t,
        "name": name,
        "definition": Link(definition[0], None, definition[1]) if definition else None,
        "facts": [
            (frame.t(k), v)
            for k, v in (
                ("type", links("type")),
                ("domain", links("domain")),
                ("range", links("range")),
                ("broader", links("subClassOf") + links("subPropertyOf")),
            )
            if v
        ],
        "examples": [frame.link(r["s"].value) for r in examples],
        "count": count[0]["n"].value if count else "0",
    }
