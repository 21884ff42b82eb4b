"""Comparison pages over a store built from data/ plus the fictional fixtures (two rounds of one
methodology, and a round of another), and over the published (Mexico-only) release. Every
expected figure is computed here from the YAML files (read as text, not with our loader); HTML and
SVG are parsed, never grepped."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup, Tag
from fastapi.testclient import TestClient
from lxml import etree
from rdflib import RDF, Graph
from releasekit import settings_for

from lima_lod.build import build
from lima_lod.iris import QB, Iris
from lima_lod.load import load_corpus
from lima_lod.release import write_release
from lima_lod.store import EmbeddedStore
from lima_lod.validate import load_shapes, validate
from lima_lod.web.app import create_app
from lima_lod.web.i18n import TEXTS

ROOT = Path(__file__).resolve().parent.parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
FOLDERS = (ROOT / "data", FIXTURES / "lima-fictional", FIXTURES / "other-round")
COLUMNS = {
    "relevance": "relevance",
    "effectiveness": "effectiveness",
    "sustainability": "sustainability",
    "overall": "average",
}
SVG = "{http://www.w3.org/2000/svg}"
EMPTY = "\u2013"  # an en dash: the cell of a figure the report does not give
IRIS = Iris()


def raw(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)


class Printed:
    """What the YAML files print: each report's country, year, methodology and ratings."""

    def __init__(self, *folders: Path) -> None:
        self.reports: dict[str, dict[str, str]] = {}
        self.rows: dict[tuple[str, int], dict[str, Decimal]] = {}
        for folder in folders:
            for path in sorted(folder.rglob("*.yaml")):
                tree = raw(path) or {}
                report = tree.get("report")
                if isinstance(report, dict):
                    self.reports[report["id"]] = report
                    report = report["id"]
                for row in tree.get("ratings", []):  # in the report's file, or one naming it
                    self.rows[(report, int(row["commitment"]))] = {
                        criterion: Decimal(row[column]) for criterion, column in COLUMNS.items()
                    }
        commitments = raw(ROOT / "data" / "agreements" / "lima-2018.yaml")["commitments"]
        self.axis_of = {int(c["number"]): c["axis"] for c in commitments}

    def rating(self, number: int) -> dict[str, dict[str, Decimal]]:
        """Report -> criterion -> score, for one commitment."""
        return {r: row for (r, n), row in self.rows.items() if n == number}

    def numbers(self) -> set[int]:
        return {n for (_, n) in self.rows}

    def of_country(self, code: str) -> list[str]:
        found = [r for r, rep in self.reports.items() if rep["country"] == code]
        return sorted(found, key=lambda r: int(self.reports[r]["year"]))

    def methodologies(self, reports: set[str]) -> set[str]:
        return {self.reports[r]["methodology"] for r in reports}


def two(value: Decimal) -> str:
    return f"{value:.2f}"


@pytest.fixture(scope="module")
def printed() -> Printed:
    return Printed(*FOLDERS)


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    corpus = load_corpus(list(FOLDERS), shown_from=ROOT)
    built = build(ROOT, IRIS, corpus=corpus)
    shapes = load_shapes(ROOT, IRIS)
    report = validate(built.dataset, shapes, built.locations)
    assert report.conforms, report.text()
    settings = settings_for(tmp_path_factory.mktemp("many") / "dist", workers=1)
    write_release(built, report, settings, shapes=shapes)
    with TestClient(create_app(settings, EmbeddedStore.open(settings))) as client:
        yield client


def page(client: TestClient, path: str) -> BeautifulSoup:
    client.cookies.clear()
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200, (path, response.text[:300])
    assert response.headers["content-type"].startswith("text/html")
    return BeautifulSoup(response.text, "lxml")


def text(node: Tag | None) -> str:
    assert node is not None
    return " ".join(node.get_text(" ").split())


def table(soup: BeautifulSoup) -> dict[str, dict[str, str]]:
    """The comparison table: row key -> column key -> cell text (dashes for empty cells left out)."""
    out: dict[str, dict[str, str]] = {}
    for row in soup.select("#comparison-table tbody tr"):
        cells = {str(td["data-column"]): text(td) for td in row.select("td")}
        out[str(row["data-row"])] = {k: v for k, v in cells.items() if v != EMPTY}
    return out


def flagged(soup: BeautifulSoup) -> bool:
    return soup.find(id="methodology-flag") is not None


def svgs(soup: BeautifulSoup) -> list[etree._Element]:
    """Every inline chart, parsed as XML on its own."""
    return [etree.fromstring(str(svg).encode()) for svg in soup.select("figure.chart svg")]


# -- the figures --------------------------------------------------------------------------------


@pytest.mark.parametrize("number", [2, 10, 13])
def test_commitment_page_shows_every_report_s_scores(
    many: TestClient, printed: Printed, number: int
) -> None:
    soup = page(many, f"/compare/commitment/{number}")
    expected = {
        report: {criterion: two(v) for criterion, v in scores.items()}
        for report, scores in printed.rating(number).items()
    }
    assert table(soup) == expected
    [chart] = svgs(soup)
    bars = [r for r in chart.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert len(bars) == 4 * len(expected)  # three criteria and the average, per report


def test_axis_page_shows_each_report_s_axis_average(many: TestClient, printed: Printed) -> None:
    for axis in sorted(set(printed.axis_of.values())):
        groups: dict[str, list[Decimal]] = defaultdict(list)
        for (report, number), row in printed.rows.items():
            if printed.axis_of[number] == axis:
                groups[report].append(row["overall"])
        got = table(page(many, f"/compare/axis/{axis}"))
        assert set(got) == set(groups), axis
        for report, scores in groups.items():
            mean = sum(scores) / len(scores)
            assert abs(Decimal(got[report]["average"]) - mean) <= Decimal("0.005"), (axis, report)
            assert got[report]["count"] == str(len(scores))


def test_criterion_page_shows_each_commitment_per_report(
    many: TestClient, printed: Printed
) -> None:
    got = table(page(many, "/compare/criterion/sustainability"))
    expected: dict[str, dict[str, str]] = defaultdict(dict)
    for (report, number), row in printed.rows.items():
        expected[str(number)][report] = two(row["sustainability"])
    assert got == expected


def test_country_page_shows_the_change_between_rounds(many: TestClient, printed: Printed) -> None:
    reports = printed.of_country("XA")
    assert len(reports) == 3
    first, last = reports[0], reports[-1]
    got = table(page(many, "/compare/country/XA"))
    numbers = {n for (r, n) in printed.rows if r in reports}
    assert set(got) == {str(n) for n in numbers}
    for n in numbers:
        scores = {r: printed.rows[(r, n)]["overall"] for r in reports if (r, n) in printed.rows}
        expected = {r: two(v) for r, v in scores.items()}
        rated = [scores[r] for r in reports if r in scores]  # in round order
        if len(rated) > 1:
            expected["change"] = f"{rated[-1] - rated[0]:+.2f}"
        assert got[str(n)] == expected, n
    assert (first, last) == ("xa-2021", "xa-2025")
    assert got["10"]["change"] == "+0.50"  # 1.00 in 2021, 1.50 in 2025
    assert got["2"]["change"] == "+0.67"  # 1.50 in 2021, 2.17 in 2023, not rated in 2025


def test_a_country_with_one_round_says_so(many: TestClient, printed: Printed) -> None:
    soup = page(many, "/compare/country/XB")
    assert len(printed.of_country("XB")) == 1
    assert text(soup.find(id="notice")) == TEXTS["one_round"]["en"]
    assert "change" not in {str(th.get("data-column")) for th in soup.select("thead th")}


# -- the methodology flag -----------------------------------------------------------------------


def test_the_flag_appears_exactly_when_methodologies_differ(
    many: TestClient, printed: Printed
) -> None:
    seen = set()
    for number in sorted(printed.numbers()):
        soup = page(many, f"/compare/commitment/{number}")
        differ = len(printed.methodologies(set(printed.rating(number)))) > 1
        seen.add(differ)
        assert flagged(soup) == differ, number
    for code in ("MX", "XA", "XB"):
        soup = page(many, f"/compare/country/{code}")
        assert flagged(soup) == (len(printed.methodologies(set(printed.of_country(code)))) > 1)
    assert seen == {True, False}  # the fixtures give both cases


def test_the_flag_names_the_difference(many: TestClient) -> None:
    note = page(many, "/compare/commitment/10").find(id="methodology-flag")
    assert note is not None and note.get("role") == "note"
    # the rounds that agree are named together, with what they used that the others did not
    differences = {
        tuple(text(a) for a in li.select("a") if a.parent.name != "strong"): [
            text(s) for s in li.select("strong")
        ]
        for li in note.select("li")
    }
    assert differences == {
        (
            "Round 2021, Follow-up on the Lima Agreement methodology",
            "Round 2023, Follow-up on the Lima Agreement methodology",
        ): ["Follow-up on the Lima Agreement methodology"],
        ("Round 2025, Rapid review methodology (fictional)",): [
            "Rapid review methodology (fictional)"
        ],
    }


def test_published_data_has_no_flag_and_says_one_report_is_available(
    published: TestClient,
) -> None:
    mexico = Printed(ROOT / "data")
    assert list(mexico.reports) == ["mx-2021"]
    for path in ("/compare", "/compare/commitment/10", "/compare/axis/A", "/compare/country/MX"):
        soup = page(published, path)
        assert text(soup.find(id="available")) == TEXTS["compare_one"]["en"], path
        assert not flagged(soup), path
    got = table(page(published, "/compare/commitment/10"))
    assert got == {"mx-2021": {c: two(v) for c, v in mexico.rating(10)["mx-2021"].items()}}
    assert (
        text(page(published, "/compare/country/MX").find(id="notice")) == (TEXTS["one_round"]["en"])
    )


def test_the_many_build_counts_its_reports(many: TestClient, printed: Printed) -> None:
    soup = page(many, "/compare")
    assert text(soup.find(id="report-count")) == str(len(printed.reports))
    listed = {str(a["href"]).split("?")[0] for a in soup.select("#reports a")}
    assert listed == {f"/id/report/{r}" for r in printed.reports}


# -- languages, charts, links -------------------------------------------------------------------


def test_spanish_interface(many: TestClient, published: TestClient) -> None:
    soup = page(published, "/compare?lang=es")
    assert soup.html is not None and soup.html["lang"] == "es"
    assert text(soup.find(id="title")) == TEXTS["compare_title"]["es"]
    assert text(soup.find(id="available")) == TEXTS["compare_one"]["es"]
    soup = page(many, "/compare/commitment/10?lang=es")
    assert text(soup.select_one("#methodology-flag strong")) == TEXTS["methodology_flag"]["es"]
    headers = [text(th) for th in soup.select("#comparison-table thead th")][1:]
    assert headers == [TEXTS[c]["es"] for c in COLUMNS]
    soup = page(many, "/compare/country/XB?lang=es")
    assert text(soup.find(id="notice")) == TEXTS["one_round"]["es"]
    # links keep the chosen language
    assert all(
        str(a["href"]).endswith("lang=es") for a in page(many, "/compare?lang=es").select("#axes a")
    )


PAGES = (
    "/compare",
    "/compare/commitment/10",
    "/compare/commitment/2",
    "/compare/axis/A",
    "/compare/axis/E",
    "/compare/criterion/relevance",
    "/compare/criterion/overall",
    "/compare/country/XA",
    "/compare/country/MX",
)


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_chart_parses_and_says_what_it_is(many: TestClient, path: str, lang: str) -> None:
    soup = page(many, f"{path}?lang={lang}")
    charts = svgs(soup)
    assert bool(charts) == (path != "/compare")
    for chart in charts:
        assert chart.get("role") == "img"
        title, desc = chart.find(f"{SVG}title"), chart.find(f"{SVG}desc")
        assert title is not None and title.text and desc is not None and desc.text
        assert chart.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"


@pytest.mark.parametrize(
    "path, target",
    [
        ("/doc/commitment/10", "/compare/commitment/10"),
        ("/doc/axis/A", "/compare/axis/A"),
        ("/doc/criterion/relevance", "/compare/criterion/relevance"),
        ("/doc/country/MX", "/compare/country/MX"),
    ],
)
def test_pages_link_to_their_comparison(published: TestClient, path: str, target: str) -> None:
    link = page(published, path).select_one("#compare-link a")
    assert link is not None and link["href"] == target
    page(published, target)


def test_home_links_to_the_comparisons(published: TestClient) -> None:
    link = page(published, "/").find(id="compare")
    assert link is not None and link["href"] == "/compare"


@pytest.mark.parametrize(
    "path",
    ["/compare/commitment/999", "/compare/commitment/ten", "/compare/axis/Q", "/compare/nothing"],
)
def test_unknown_comparisons_are_not_found(published: TestClient, path: str) -> None:
    response = published.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 404


def test_the_cube_and_a_report_s_slice_resolve(published: TestClient) -> None:
    """The slice keeps the IRI the report's own data set was published under, and resolves."""
    for iri, kind in ((IRIS.slice("mx-2021"), QB.Slice), (IRIS.cube(), QB.DataSet)):
        path = str(iri)[len(IRIS.base) - 1 :]
        assert path in ("/id/dataset/mx-2021", "/id/dataset/lima-lod/ratings")
        seen = published.get(path, headers={"Accept": "text/turtle"}, follow_redirects=False)
        assert seen.status_code == 303
        document = published.get(seen.headers["location"], headers={"Accept": "text/turtle"})
        assert document.status_code == 200
        graph = Graph().parse(data=document.text, format="turtle")
        assert (iri, RDF.type, kind) in graph
    home = page(published, "/")
    assert {"/id/dataset/mx-2021", "/id/dataset/lima-lod/ratings"} <= {
        str(a["href"]) for a in home.select("#examples a")
    }


@pytest.mark.parametrize("criterion", ["relevance", "overall"])
def test_a_criterion_page_shows_one_report_s_scores_never_a_mix(
    many: TestClient, printed: Printed, criterion: str
) -> None:
    soup = page(many, f"/doc/criterion/{criterion}")
    years = {r: int(printed.reports[r]["year"]) for r in printed.reports}
    latest = max(years, key=lambda r: (years[r], r))  # the latest report, as the page picks it
    assert str(years[latest]) in text(soup.find(id="scored-in"))
    assert soup.find(id="scored-in").find("a", href=True)  # and the comparison is one click away
    shown = {
        text(row.find("th")): [text(td) for td in row.find_all("td")]
        for row in soup.select("#commitments tbody tr")
    }
    expected = {n: row[criterion] for (r, n), row in printed.rows.items() if r == latest}
    scored = {name: cells[0] for name, cells in shown.items() if cells and cells[0] != EMPTY}
    assert sorted(scored.values()) == sorted(two(v) for v in expected.values())
