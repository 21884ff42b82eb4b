"""Many reports (country x round) in one dataset: Mexico plus the fictional fixtures build, validate
and release together; the cross-country example queries give the figures computed here, directly
from the YAML files; the published data (built from data/ alone) holds only sourced reports; and
the vocabulary and shapes serve another agreement (a fictional one)."""

from __future__ import annotations

import csv
import itertools
import shutil
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyoxigraph
import pytest
import yaml
from rdflib import RDF, Graph, Literal, URIRef
from releasekit import settings_for

from lima_lod.build import build
from lima_lod.graphs import Built
from lima_lod.iris import DCTERMS, PROV, QB, VOID, Iris
from lima_lod.load import load_corpus
from lima_lod.validate import load_shapes, validate

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
FICTIONAL = FIXTURES / "lima-fictional"
OTHER = FIXTURES / "other-agreement"
OTHER_ROUND = FIXTURES / "other-round"
IRIS = Iris()
CFU = IRIS.vocab


def raw(path: Path) -> Any:
    """A YAML file with every scalar as text (an independent reading: not our loader)."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)


def printed_ratings(*folders: Path) -> dict[tuple[str, int, int], Decimal]:
    """(country, year, commitment) -> the printed country average, read straight from YAML."""
    reports: dict[str, tuple[str, int]] = {}
    rows: list[tuple[str, dict[str, str]]] = []
    for folder in folders:
        for path in sorted(folder.rglob("*.yaml")):
            tree = raw(path) or {}
            report = tree.get("report")
            if isinstance(report, dict):
                reports[report["id"]] = (report["country"], int(report["year"]))
                report = report["id"]
            rows += [(report, row) for row in tree.get("ratings", [])]
    return {(*reports[r], int(row["commitment"])): Decimal(row["average"]) for r, row in rows}


@pytest.fixture(scope="module")
def many() -> Built:
    corpus = load_corpus([ROOT / "data", FICTIONAL], shown_from=ROOT)
    return build(ROOT, IRIS, corpus=corpus)


@pytest.fixture(scope="module")
def store(many: Built) -> pyoxigraph.Store:
    store = pyoxigraph.Store()
    store.load(many.dataset.serialize(format="nquads").encode(), pyoxigraph.RdfFormat.N_QUADS)
    return store


@pytest.fixture(scope="module")
def averages() -> dict[tuple[str, int, int], Decimal]:
    return printed_ratings(ROOT / "data" / "reports", FICTIONAL / "reports")


def run(store: pyoxigraph.Store, name: str) -> list[dict[str, str]]:
    text = (ROOT / "queries" / name).read_text(encoding="utf-8")
    result = store.query(text, use_default_graph_as_union=True)
    assert isinstance(result, pyoxigraph.QuerySolutions)
    names = [v.value for v in result.variables]
    return [{n: s[n].value for n in names if s[n] is not None} for s in result]


def test_one_dataset_one_graph_and_one_slice_per_report(many: Built) -> None:
    reports = {"mx-2021", "xa-2021", "xa-2023", "xb-2021"}
    graphs = {str(g.identifier) for g in many.dataset.graphs()}
    assert {str(IRIS.graph(f"report/{r}")) for r in reports} <= graphs
    for key in reports:
        graph = many.graph(f"report/{key}")
        assert (IRIS.report(key), RDF.type, CFU.FollowUpReport) in graph
        observations = set(graph.subjects(RDF.type, QB.Observation))
        assert observations and all(graph.value(o, QB.dataSet) == IRIS.cube() for o in observations)
        # the report's slice lives in its graph: the slice key, the values it fixes, its report
        piece = IRIS.slice(key)
        assert (piece, RDF.type, QB.Slice) in graph
        assert (IRIS.cube(), QB.slice, piece) in graph
        assert graph.value(piece, QB.sliceStructure) == IRIS.slice_key()
        assert graph.value(piece, PROV.wasDerivedFrom) == IRIS.report(key)
        assert set(graph.objects(piece, QB.observation)) == observations
        for dimension in (CFU.country, CFU.period):
            fixed = graph.value(piece, dimension)
            assert fixed is not None and {graph.value(o, dimension) for o in observations} == {
                fixed
            }
    # one cube, in the shared graph with its structure and slice key
    codes = many.graph("code-lists")
    cubes = {s for g in many.dataset.graphs() for s in g.subjects(RDF.type, QB.DataSet)}
    assert cubes == {IRIS.cube()}
    assert codes.value(IRIS.cube(), QB.structure) == IRIS.structure()
    assert codes.value(IRIS.structure(), QB.sliceKey) == IRIS.slice_key()
    assert set(codes.objects(IRIS.slice_key(), QB.componentProperty)) == {
        CFU.country,
        CFU.period,
    }
    labels = [
        str(o)
        for g in many.dataset.graphs()
        for o in g.objects(None, None)
        if isinstance(o, Literal)
    ]
    # every fictional resource says so in its label
    for key in ("xa-2021", "xa-2023", "xb-2021"):
        graph = many.graph(f"report/{key}")
        assert "(fictional" in str(graph.value(IRIS.report(key), DCTERMS.title))
    assert any(label == "Arcadia (fictional)" for label in labels)


def test_the_dataset_validates_and_releases_whole(many: Built, tmp_path: Path) -> None:
    from lima_lod.release import write_release

    shapes = load_shapes(ROOT, IRIS)
    report = validate(many.dataset, shapes, many.locations)
    assert report.conforms, report.text()
    folder = write_release(many, report, settings_for(tmp_path / "dist"), shapes=shapes)
    total = sum(len(g) for g in many.dataset.graphs())
    observations = {o for g in many.dataset.graphs() for o in g.subjects(RDF.type, QB.Observation)}
    assert len(observations) == (19 + 3 * 4) * 4
    with (folder / "csv" / "ratings-wide.csv").open(encoding="utf-8") as table:
        wide = list(csv.DictReader(table))
    assert {(r["report"], r["commitment"]) for r in wide} == {
        (f"{c.lower()}-{y}", str(n))
        for (c, y, n) in printed_ratings(ROOT / "data" / "reports", FICTIONAL / "reports")
    }
    void = Graph().parse(folder / "void.ttl")
    distinct = {(s, p, o) for s, p, o, _ in many.dataset.quads((None, None, None, None))}
    assert {int(t) for t in void.objects(None, VOID.triples)} >= {len(distinct)}
    observed = [void.value(p, VOID.entities) for p in void.subjects(VOID["class"], QB.Observation)]
    assert [int(str(n)) for n in observed] == [len(observations)]
    # the cube is a subset of the whole dataset, with every report's observations
    assert (IRIS.release_dataset(), VOID.subset, IRIS.cube()) in void
    assert int(str(void.value(IRIS.cube(), VOID.entities))) == len(observations)
    assert set(void.objects(IRIS.cube(), VOID.exampleResource)) == {
        IRIS.slice(f"{c.lower()}-{y}")
        for (c, y, _) in printed_ratings(ROOT / "data" / "reports", FICTIONAL / "reports")
    }
    assert total >= len(distinct)


def test_ranking_on_a_commitment(
    store: pyoxigraph.Store, averages: dict[tuple[str, int, int], Decimal]
) -> None:
    rows = run(store, "ranking-on-a-commitment.rq")
    expected = []
    for year in sorted({y for (_, y, _) in averages}):
        scores = {c: v for (c, y, n), v in averages.items() if y == year and n == 10}
        for code, score in scores.items():
            rank = 1 + sum(1 for other in scores.values() if other > score)
            expected.append((str(year), code, score, rank))
    got = [(r["year"], r["code"], Decimal(r["score"]), int(r["rank"])) for r in rows]
    assert sorted(got, key=str) == sorted(expected, key=str)
    assert [g[3] for g in got if g[0] == "2021"] == sorted(g[3] for g in got if g[0] == "2021")
    # 2021: Borduria (2.00) before Mexico (1.89) before Arcadia (1.00)
    assert [g[1] for g in got if g[0] == "2021"] == ["XB", "MX", "XA"]


def test_change_between_rounds(
    store: pyoxigraph.Store, averages: dict[tuple[str, int, int], Decimal]
) -> None:
    rows = run(store, "change-between-rounds.rq")
    assert len(rows) == len(averages)
    by_key = {(r["code"], int(r["number"]), int(r["year"])): r for r in rows}
    years: dict[tuple[str, int], list[int]] = defaultdict(list)
    for code, year, number in averages:
        years[(code, number)].append(year)
    for (code, number), found in years.items():
        found.sort()
        first = by_key[(code, number, found[0])]
        assert "previousScore" not in first and "change" not in first
        for before, after in itertools.pairwise(found):
            row = by_key[(code, number, after)]
            assert int(row["previousYear"]) == before
            assert Decimal(row["change"]) == (
                averages[(code, after, number)] - averages[(code, before, number)]
            )
            assert row["sameMethodology"] == "true"
    assert Decimal(by_key[("XA", 2, 2023)]["change"]) == Decimal("0.67")


def test_axis_averages_per_country(
    store: pyoxigraph.Store, averages: dict[tuple[str, int, int], Decimal]
) -> None:
    commitments = raw(ROOT / "data" / "agreements" / "lima-2018.yaml")["commitments"]
    axis_of = {int(c["number"]): c["axis"] for c in commitments}
    groups: dict[tuple[str, int, str], list[Decimal]] = defaultdict(list)
    for (code, year, number), score in averages.items():
        groups[(code, year, axis_of[number])].append(score)
    rows = run(store, "axis-averages-per-country.rq")
    got = {
        (r["code"], int(r["year"]), r["axis"]): (int(r["commitments"]), Decimal(r["average"]))
        for r in rows
    }
    assert set(got) == set(groups)
    for key, scores in groups.items():
        count, average = got[key]
        assert count == len(scores)
        assert abs(average - sum(scores) / len(scores)) < Decimal("1e-9"), key


def test_published_data_holds_only_sourced_reports(built: Built) -> None:
    sources = {s["id"] for s in raw(ROOT / "data" / "sources.yaml")["sources"]}
    documents = {IRIS.mint("document", s) for s in sources}
    reports = {s for g in built.dataset.graphs() for s in g.subjects(RDF.type, CFU.FollowUpReport)}
    assert reports
    for report in reports:
        cited = {o for g in built.dataset.graphs() for o in g.objects(report, DCTERMS.source)}
        assert cited and cited <= documents, report
    literals = {
        str(o).lower()
        for g in built.dataset.graphs()
        for o in g.objects()
        if isinstance(o, Literal)
    }
    assert not any("fictional" in text for text in literals)


def test_another_agreement_uses_our_vocabulary_and_shapes(tmp_path: Path) -> None:
    for name in ("ontology", "shapes"):
        shutil.copytree(ROOT / name, tmp_path / name)
    shutil.copytree(OTHER / "data", tmp_path / "data")
    other = build(tmp_path, IRIS)
    report = validate(other.dataset, load_shapes(tmp_path, IRIS), other.locations)
    assert report.conforms, report.text()
    union = Graph()
    for g in other.dataset.graphs():
        union += g
    agreement = IRIS.agreement("fictional-accord")
    assert (agreement, RDF.type, CFU.Agreement) in union
    assert "(fictional" in str(union.value(agreement, DCTERMS.title))
    scores = {
        (str(o).rsplit("/", 2)[-2], union.value(o, CFU.score))
        for o in union.subjects(RDF.type, QB.Observation)
        if union.value(o, CFU.criterion) == URIRef(IRIS.criterion("overall"))
    }
    assert {(n, Decimal(str(v))) for n, v in scores} == {
        ("1", Decimal("2.00")),
        ("2", Decimal("1.00")),
        ("3", Decimal("0.50")),
    }


def test_a_round_is_a_resource_with_its_period_methodology_criteria_and_scale(many: Built) -> None:
    codes = many.graph("code-lists")
    rounds = set(codes.subjects(RDF.type, CFU.Round))
    assert rounds == {IRIS.mint("round", "cco-follow-up", y) for y in ("2021", "2023")}
    for round_ in rounds:
        year = str(codes.value(round_, CFU.period))
        used = set(codes.objects(round_, PROV.used))
        assert used == {
            IRIS.mint("methodology", "cco-follow-up"),
            IRIS.scheme("criteria"),
            IRIS.scheme("scale"),
        }
        members = {s for g in many.dataset.graphs() for s in g.subjects(CFU.round, round_)}
        expected = {
            IRIS.report(f"{c.lower()}-{y}")
            for (c, y, _) in printed_ratings(ROOT / "data" / "reports", FICTIONAL / "reports")
            if str(y) == year
        }
        assert members == expected


def test_change_between_rounds_flags_a_round_of_another_methodology() -> None:
    corpus = load_corpus([ROOT / "data", FICTIONAL, OTHER_ROUND], shown_from=ROOT)
    built = build(ROOT, IRIS, corpus=corpus)
    store = pyoxigraph.Store()
    store.load(built.dataset.serialize(format="nquads").encode(), pyoxigraph.RdfFormat.N_QUADS)
    methodology = {}
    for folder in (ROOT / "data" / "reports", FICTIONAL / "reports", OTHER_ROUND / "reports"):
        for path in folder.rglob("report.yaml"):
            report = raw(path)["report"]
            methodology[(report["country"], report["year"])] = report["methodology"]
    rows = [r for r in run(store, "change-between-rounds.rq") if "previousYear" in r]
    assert rows
    flags = {(r["code"], r["year"], r["previousYear"]): r["sameMethodology"] for r in rows}
    for (code, year, before), same in flags.items():
        expected = methodology[(code, year)] == methodology[(code, before)]
        assert same == str(expected).lower(), (code, year, before)
    assert set(flags.values()) == {"true", "false"}
    assert flags[("XA", "2025", "2023")] == "false"
