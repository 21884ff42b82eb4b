"""Comparison pages: the ratings cube read across its slices (one slice per report, one report per
country and round), server-rendered like the single-report pages (``views.py``, ``charts.py``).

``/compare`` lists what can be compared; ``/compare/commitment/{n}`` shows every report's scores of
one commitment; ``/compare/axis/{code}`` each report's axis average; ``/compare/criterion/{code}``
each commitment's score on one criterion per report; ``/compare/country/{code}`` a country's change
between its rounds. Where the rounds on a page did not use the same methodology, criteria and
scale (a round's ``prov:used``, see :mod:`lima_lod.rounds`), the page says so and names what
differs. :func:`path_for` is the one place these URLs are built.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from markupsafe import Markup

from ..errors import NotFound
from . import charts
from .frame import Link
from .site import Frame
from .views import CRITERIA, score, select, series

ROOT = "/compare"
#: The kinds of resource a comparison page exists for, by the kind of their minted IRI.
KINDS = ("commitment", "axis", "criterion", "country")


def path_for(kind: str | None = None, key: str = "") -> str:
    """The path of the comparison index, or of the comparison page of one resource."""
    return f"{ROOT}/{kind}/{quote(key, safe='')}" if kind else ROOT


def page_of(frame: Frame, iri: str) -> str | None:
    """The comparison page of a commitment, axis, criterion or country; None for others."""
    parsed = frame.site.iris.parse(iri)
    if parsed is None or parsed[0] not in KINDS or len(parsed[1]) != 1:
        return None
    return frame.href(path_for(parsed[0], parsed[1][0]))


@dataclass(frozen=True)
class Piece:
    """One report's slice of the cube: which report, country, year and round."""

    report: str
    key: str
    country: str
    code: str
    year: str
    round: str


@dataclass
class Cube:
    """The ratings of every slice, and what each round used."""

    pieces: list[Piece] = field(default_factory=list)
    #: (report, commitment number, criterion code) -> score
    scores: dict[tuple[str, int, str], float] = field(default_factory=dict)
    axis_of: dict[int, str] = field(default_factory=dict)
    commitments: dict[int, str] = field(default_factory=dict)
    used: dict[str, frozenset[str]] = field(default_factory=dict)

    def rated(self, piece: Piece, number: int) -> dict[str, float]:
        """A slice's scores of one commitment, by criterion code."""
        return {
            c: v for c in CRITERIA if (v := self.scores.get((piece.report, number, c))) is not None
        }

    def numbers(self, pieces: list[Piece] | None = None) -> list[int]:
        """The commitments rated by any of ``pieces`` (all slices when omitted)."""
        reports = {p.report for p in (self.pieces if pieces is None else pieces)}
        return sorted({n for (r, n, _) in self.scores if r in reports})


def read(frame: Frame) -> Cube:
    """Every observation of the cube with its slice, and every round's ``prov:used``."""
    rows = select(
        frame,
        """
SELECT ?report ?country ?code ?period ?round ?c ?n ?axis ?crit ?score WHERE {
  ?slice a qb:Slice ; prov:wasDerivedFrom ?report ; qb:observation ?o .
  ?o cfu:country ?country ; cfu:period ?period ; cfu:commitment ?c ; cfu:score ?score ;
     cfu:criterion/skos:notation ?crit .
  ?country skos:notation ?code . ?c cfu:commitmentNumber ?n .
  OPTIONAL { ?c cfu:thematicAxis/skos:notation ?axis }
  OPTIONAL { ?report cfu:round ?round }
}""",
    )
    cube = Cube()
    pieces: dict[str, Piece] = {}
    for row in rows:
        report = row["report"].value
        if report not in pieces:
            parsed = frame.site.iris.parse(report)
            pieces[report] = Piece(
                report,
                "/".join(parsed[1]) if parsed else report,
                row["country"].value,
                row["code"].value,
                row["period"].value,
                row["round"].value if "round" in row else "",
            )
        number = int(row["n"].value)
        cube.commitments[number] = row["c"].value
        if "axis" in row:
            cube.axis_of[number] = row["axis"].value
        cube.scores[(report, number, row["crit"].value)] = float(row["score"].value)
    cube.pieces = sorted(pieces.values(), key=lambda p: (p.year, p.code, p.key))
    used: dict[str, set[str]] = defaultdict(set)
    for row in select(frame, "SELECT ?r ?u WHERE { ?r a cfu:Round ; prov:used ?u }"):
        used[row["r"].value].add(row["u"].value)
    cube.used = {r: frozenset(u) for r, u in used.items()}
    return cube


def flag(frame: Frame, cube: Cube, pieces: list[Piece]) -> list[tuple[list[Link], list[Link]]]:
    """Where the rounds of ``pieces`` did not use the same methodology, criteria and scale: the
    rounds that used the same, with what they used that the others did not; empty if all agree."""
    rounds = sorted({p.round for p in pieces if p.round})
    groups: dict[frozenset[str], list[str]] = defaultdict(list)
    for r in rounds:
        groups[cube.used.get(r, frozenset())].append(r)
    if len(groups) <= 1:
        return []
    common = frozenset.intersection(*groups)
    return [
        (
            [frame.link(r) for r in members],
            sorted((frame.link(u) for u in used - common), key=lambda x: x.text),
        )
        for used, members in groups.items()
    ]


def name(frame: Frame, piece: Piece) -> Link:
    """A report as a comparison row names it: its country and year, linked to the report."""
    return Link(f"{frame.link(piece.country).text} {piece.year}", frame.link(piece.report).href)


def numbered(names: list[str]) -> tuple[charts.Series, ...]:
    """One series per name (a report, a round), told apart by fill and pattern."""
    return tuple(charts.Series(n, *charts.style(i)) for i, n in enumerate(names))


def chart(
    frame: Frame,
    cid: str,
    title: str,
    desc: str,
    drawn: tuple[charts.Series, ...],
    groups: list[charts.Group],
) -> Markup | str:
    """A comparison's bar chart, as the single-report pages draw theirs; nothing without data."""
    if not groups:
        return ""
    return Markup(charts.bar_chart(cid, title, desc, drawn, groups, frame.t("scale")))


Row = tuple[str, Link, dict[str, str]]


def by_commitment(
    frame: Frame, cube: Cube, pieces: list[Piece], code: str
) -> tuple[list[Row], list[charts.Group]]:
    """Each commitment any of ``pieces`` rates, with its score on one criterion in each slice:
    table rows (cells keyed by report) and chart groups (one bar per slice)."""
    rows: list[Row] = []
    groups = []
    for n in cube.numbers(pieces):
        values = tuple(cube.scores.get((p.report, n, code)) for p in pieces)
        cells = {p.key: score(str(v)) for p, v in zip(pieces, values, strict=True) if v is not None}
        link = Link(
            frame.link(cube.commitments[n]).text, frame.href(path_for("commitment", str(n)))
        )
        rows.append((str(n), link, cells))
        groups.append(charts.Group(str(n), values, link.text))
    return rows, groups


def criterion_columns(frame: Frame) -> list[tuple[str, str]]:
    return [(c, frame.t(c)) for c in CRITERIA]


def index(frame: Frame, cube: Cube, key: str) -> dict[str, Any]:
    numbers = cube.numbers()
    axes = sorted(set(cube.axis_of[n] for n in numbers if n in cube.axis_of))
    countries = sorted({(p.code, p.country) for p in cube.pieces})
    iris = frame.site.iris

    def to(kind: str, key: str, iri: str) -> Link:
        return Link(frame.link(iri).text, frame.href(path_for(kind, key)))

    return {
        "title": Link(frame.t("compare_title")),
        "intro": True,
        "lists": [
            (frame.t("compare_reports"), "reports", [name(frame, p) for p in cube.pieces]),
            (
                frame.t("commitments"),
                "commitments",
                [to("commitment", str(n), cube.commitments[n]) for n in numbers],
            ),
            (frame.t("axes"), "axes", [to("axis", a, str(iris.axis(a))) for a in axes]),
            (
                frame.t("criterion"),
                "criteria",
                [to("criterion", c, str(iris.criterion(c))) for c in CRITERIA],
            ),
            (
                frame.t("compare_countries"),
                "countries",
                [to("country", c, i) for c, i in countries],
            ),
        ],
        "flag": flag(frame, cube, cube.pieces),
    }


def commitment(frame: Frame, cube: Cube, key: str) -> dict[str, Any]:
    iri = str(frame.site.iris.commitment(int(key))) if key.isdigit() else ""
    if not iri or frame.index.label(iri, frame.lang) is None:
        raise NotFound(f"no commitment {key}")
    number = int(key)
    pieces = [p for p in cube.pieces if cube.rated(p, number)]
    rows = [
        (p.key, name(frame, p), {c: score(str(v)) for c, v in cube.rated(p, number).items()})
        for p in pieces
    ]
    groups = [
        charts.Group(
            p.key, tuple(cube.rated(p, number).get(c) for c in CRITERIA), name(frame, p).text
        )
        for p in pieces
    ]
    title = f"{frame.link(iri).text}: {frame.t('compare_by_report')}"
    desc = frame.t("compare_commitment_desc")
    svg = chart(frame, f"compare-commitment-{number}", title, desc, series(frame), groups)
    return {
        "title": Link(title),
        "about": frame.link(iri),
        "table": {"corner": frame.t("report"), "columns": criterion_columns(frame), "rows": rows},
        "svg": svg,
        "flag": flag(frame, cube, pieces),
    }


def axis(frame: Frame, cube: Cube, key: str) -> dict[str, Any]:
    iri = str(frame.site.iris.axis(key))
    if frame.index.label(iri, frame.lang) is None:
        raise NotFound(f"no axis {key}")
    numbers = [n for n, a in cube.axis_of.items() if a == key]
    rows, groups, shown = [], [], []
    for p in cube.pieces:
        values = [
            v for n in numbers if (v := cube.scores.get((p.report, n, "overall"))) is not None
        ]
        if not values:
            continue
        mean = sum(values) / len(values)
        shown.append(p)
        rows.append(
            (p.key, name(frame, p), {"average": score(str(mean)), "count": str(len(values))})
        )
        groups.append(charts.Group(p.key, (mean,), name(frame, p).text))
    title = f"{frame.link(iri).text}: {frame.t('compare_by_report')}"
    return {
        "title": Link(title),
        "about": frame.link(iri),
        "table": {
            "corner": frame.t("report"),
            "columns": [
                ("average", frame.t("axis_average")),
                ("count", frame.t("commitments_rated")),
            ],
            "rows": rows,
        },
        "svg": chart(
            frame,
            f"compare-axis-{key}",
            title,
            frame.t("compare_axis_desc"),
            numbered([frame.t("axis_average")]),
            groups,
        ),
        "flag": flag(frame, cube, shown),
    }


def criterion(frame: Frame, cube: Cube, key: str) -> dict[str, Any]:
    iri = str(frame.site.iris.criterion(key))
    if key not in CRITERIA or frame.index.label(iri, frame.lang) is None:
        raise NotFound(f"no criterion {key}")
    pieces = [
        p for p in cube.pieces if any(r == p.report and c == key for (r, _, c) in cube.scores)
    ]
    columns = [(p.key, name(frame, p).text) for p in pieces]
    rows, groups = by_commitment(frame, cube, pieces, key)
    title = f"{frame.link(iri).text}: {frame.t('compare_by_report')}"
    return {
        "title": Link(title),
        "about": frame.link(iri),
        "table": {"corner": frame.t("commitment"), "columns": columns, "rows": rows},
        "svg": chart(
            frame,
            f"compare-criterion-{key}",
            title,
            frame.t("compare_criterion_desc"),
            numbered([c[1] for c in columns]),
            groups,
        ),
        "flag": flag(frame, cube, pieces),
    }


def country(frame: Frame, cube: Cube, key: str) -> dict[str, Any]:
    iri = str(frame.site.iris.country(key))
    if frame.index.label(iri, frame.lang) is None:
        raise NotFound(f"no country {key}")
    pieces = [p for p in cube.pieces if p.code == key]
    title = f"{frame.link(iri).text}: {frame.t('compare_countries').lower()}"
    context: dict[str, Any] = {
        "title": Link(title),
        "about": frame.link(iri),
        "flag": flag(frame, cube, pieces),
    }
    if len(pieces) < 2:
        context["notice"] = frame.t("one_round" if pieces else "compare_none")
    if not pieces:
        return context
    columns = [(p.key, f"{p.year}") for p in pieces]
    if len(pieces) > 1:
        columns.append(("change", frame.t("change")))
    rows, groups = by_commitment(frame, cube, pieces, "overall")
    for (_, _, cells), group in zip(rows, groups, strict=True):
        rated = [v for v in group.values if v is not None]
        if len(rated) > 1:  # the first round that rates it against the latest
            cells["change"] = f"{rated[-1] - rated[0]:+.2f}"
    context["table"] = {"corner": frame.t("commitment"), "columns": columns, "rows": rows}
    context["svg"] = chart(
        frame,
        f"compare-country-{key}",
        title,
        frame.t("compare_country_desc"),
        numbered([c[1] for c in columns[: len(pieces)]]),
        groups,
    )
    return context


PAGES = {"commitment": commitment, "axis": axis, "criterion": criterion, "country": country}


def page(frame: Frame, path: str) -> dict[str, Any]:
    """The context of the comparison page at ``/compare/{path}`` (``""`` for the index)."""
    parts = [p for p in path.split("/") if p]
    if not parts:
        builder = index
        key = ""
    elif len(parts) == 2 and parts[0] in PAGES:
        builder, key = PAGES[parts[0]], parts[1]
    else:
        raise NotFound(f"no comparison page {path}")
    cube = frame.site.cube(frame)
    context = builder(frame, cube, key)
    context.setdefault("lists", [])
    context.setdefault("table", None)
    context.setdefault("svg", "")
    context["count"] = len(cube.pieces)
    context["index"] = frame.href(path_for())
    return context
