"""The example queries reproduce the report's figures: checked against an independent reading of
the source's Annex 1 tables, on both rdflib's engine and pyoxigraph's."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pyoxigraph
import pytest
from annex import AnnexRow, read_annex
from rdflib import Graph, Literal
from rdflib.term import Node

from lima_lod.graphs import Built

QUERIES = sorted((Path(__file__).resolve().parent.parent / "queries").glob("*.rq"))


@pytest.fixture(scope="module")
def annex(source_text: str) -> list[AnnexRow]:
    rows = read_annex(source_text)
    assert len(rows) == 19
    return rows


@pytest.fixture(scope="module")
def store(built: Built) -> pyoxigraph.Store:
    store = pyoxigraph.Store()
    store.load(built.dataset.serialize(format="nquads").encode(), pyoxigraph.RdfFormat.N_QUADS)
    return store


def run(graph: Graph, name: str) -> list[dict[str, Node]]:
    text = (Path(__file__).resolve().parent.parent / "queries" / name).read_text()
    result = graph.query(text)
    return [{str(v): row[v] for v in result.vars if row[v] is not None} for row in result]


def comparable(term: object) -> object:
    """A value both engines agree on: numbers by value (pyoxigraph writes decimals canonically
    and divides with another precision), everything else by its lexical form."""
    text = str(getattr(term, "value", term))
    try:
        return round(Decimal(text), 12)
    except ArithmeticError:
        return text


@pytest.mark.parametrize("query", QUERIES, ids=lambda p: p.name)
def test_both_engines_agree(graph: Graph, store: pyoxigraph.Store, query: Path) -> None:
    text = query.read_text()
    assert text.lstrip().startswith("#"), "each query opens with a comment saying what it answers"
    ours = graph.query(text)
    theirs = store.query(text, use_default_graph_as_union=True)
    names = [str(v) for v in ours.vars]
    assert names == [v.value for v in theirs.variables]
    left = [
        tuple(comparable(row[v]) if row[v] is not None else None for v in ours.vars) for row in ours
    ]
    right = [
        tuple(comparable(sol[n]) if sol[n] is not None else None for n in names) for sol in theirs
    ]
    assert left, f"{query.name} returns no rows"
    assert sorted(left, key=str) == sorted(right, key=str)


def test_ratings_table_is_annex_1(graph: Graph, annex: list[AnnexRow]) -> None:
    rows = run(graph, "ratings-table.rq")
    assert [int(r["number"]) for r in rows] == sorted(int(r["number"]) for r in rows)
    by_number = {int(r["number"]): r for r in rows}
    for printed in annex:
        row = by_number[printed.number]
        assert str(row["text"]) == printed.text
        for column in ("relevance", "effectiveness", "sustainability", "average"):
            value = row[column]
            assert isinstance(value, Literal) and value.datatype is not None
            assert value.datatype.endswith("#decimal")
            assert str(value) == getattr(printed, column), (printed.number, column)
    assert set(by_number) == {r.number for r in annex}
    assert {str(r["axis"]) for r in rows} >= {"Reinforcement of Democratic Governance"}


def test_axis_averages_are_means_of_the_table(graph: Graph, annex: list[AnnexRow]) -> None:
    rows = {str(r["code"]): r for r in run(graph, "axis-averages.rq")}
    assert sorted(rows) == ["A", "B", "C", "D", "E"]
    for code, row in rows.items():
        members = [a for a in annex if a.axis == code]
        assert int(row["commitments"]) == len(members)
        for column, var in (
            ("average", "average"),
            ("relevance", "relevance"),
            ("effectiveness", "effectiveness"),
            ("sustainability", "sustainability"),
        ):
            expected = sum(m.decimal(column) for m in members) / len(members)
            assert abs(Decimal(str(row[var])) - expected) < Decimal("1e-9"), (code, column)
    # the report's prose: "The political financing axis had a rating of 2.17 out of 3 points"
    assert Decimal(str(rows["C"]["average"])) == Decimal("2.17")


def test_lowest_and_highest(graph: Graph, annex: list[AnnexRow]) -> None:
    rows = run(graph, "lowest-and-highest-rated.rq")
    got = {(str(r["code"]), str(r["rank"]), int(r["number"])) for r in rows}
    expected = set()
    for code in "ABCDE":
        members = [a for a in annex if a.axis == code]
        low = min(m.decimal("average") for m in members)
        high = max(m.decimal("average") for m in members)
        expected |= {(code, "lowest", m.number) for m in members if m.decimal("average") == low}
        expected |= {(code, "highest", m.number) for m in members if m.decimal("average") == high}
    assert got == expected
    # the prose of section 1: lowest 0.28 (commitment 8), highest 1.89 (commitment 10)
    assert {("A", "lowest", 8), ("A", "highest", 10)} <= got


def test_calls_to_action_per_axis(graph: Graph, built: Built) -> None:
    rows = run(graph, "calls-to-action-per-axis.rq")
    assert {str(r["code"]) for r in rows} == {"A", "B", "C", "D", "E"}
    corpus = built.corpus
    assert corpus is not None
    assert len(rows) == len(corpus.section("calls_to_action"))
    for code in "ABCDE":
        texts = [
            " ".join(str(c["text"]).split())
            for c in corpus.section("calls_to_action")
            if c["axis"] == code
        ]
        assert [str(r["text"]) for r in rows if str(r["code"]) == code] == texts


def test_institutions_per_axis(graph: Graph) -> None:
    rows = run(graph, "institutions-per-axis.rq")
    names = {(str(r["code"]), str(r.get("acronym", ""))) for r in rows}
    # named in calls and findings: INE (axis C), the FIU (axis E)
    assert ("C", "INE") in names
    assert any(code == "E" for code, _ in names)
    assert all(int(r["statements"]) >= 1 for r in rows)


def test_organizations_and_members(graph: Graph, built: Built) -> None:
    rows = run(graph, "organizations-and-members.rq")
    corpus = built.corpus
    assert corpus is not None
    group = corpus.section("working_group")[0]
    roles = {(str(r["name"]), str(r.get("role", ""))) for r in rows}
    for member in group["members"]:
        assert (member["name"], member["role"]) in roles
    with_org = [p for p in corpus.section("participants") if p.get("organization")]
    people = {str(r["name"]) for r in rows}
    assert {p["name"] for p in with_org} <= people


def test_laws_what_they_created_and_when(graph: Graph) -> None:
    rows = run(graph, "laws.rq")
    amendment = [
        r for r in rows if str(r.get("established", "")) == "National Anti-Corruption System"
    ]
    assert [str(r["date"]) for r in amendment] == ["2014"]
    assert str(amendment[0]["changes"]) == "Political Constitution"
    package = [r for r in rows if str(r["title"]) == "first package of anti-corruption laws"]
    assert {str(r["created"]) for r in package} == {
        "General Law of the National Anti-Corruption System",
        "General Law of Administrative Responsibilities",
    }
    assert {str(r["changes"]) for r in package} == {
        "Organic Law of the Federal Court of Administrative Justice",
        "Organic Law of the Federal Public Administration",
        "Law on Oversight and Accountability",
        "Criminal Code",
        "Law on the Attorney General's Office",
    }


PREFIXES = """PREFIX schema: <https://schema.org/> PREFIX cfu: <https://w3id.org/lima-lod/def/cfu#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""


@pytest.mark.parametrize("engine", ["rdflib", "pyoxigraph"])
def test_a_law_the_project_and_an_acronym_can_be_found(
    graph: Graph, store: pyoxigraph.Store, engine: str
) -> None:
    def ask(query: str) -> list[tuple[str, ...]]:
        if engine == "rdflib":
            return [tuple(str(t) for t in row) for row in graph.query(PREFIXES + query)]
        result = store.query(PREFIXES + query, use_default_graph_as_union=True)
        return [tuple(str(t.value) for t in sol) for sol in result]

    # a law by words of its title, with its year and the report that names it
    laws = ask("""SELECT ?date ?report WHERE { ?law a schema:Legislation ; schema:name ?name ;
        schema:legislationDate ?date . ?report schema:mentions ?law .
        FILTER (CONTAINS(LCASE(STR(?name)), "administrative responsibilities")) }""")
    assert [date for date, _ in laws] == ["2016"]
    assert laws[0][1].endswith("/id/report/mx-2021")
    # the report's project, and the project it supports, by acronym
    projects = ask("""SELECT ?title ?supported WHERE { ?report a cfu:FollowUpReport ;
        cfu:project ?project . ?project dcterms:title ?title ;
        cfu:supportsProject ?other . ?other cfu:acronym "PASCA"@es ; dcterms:title ?supported }""")
    assert projects == [
        (
            "Citizen Corruption Observatory (CCO) - Follow-up on the Lima Agreement",
            "Civil Society Participation in the Summit of the Americas",
        )
    ]
    # an acronym of the glossary, by the acronym as a search would type it
    acronyms = ask("""SELECT ?expansion ?scheme WHERE { ?concept skos:altLabel ?label ;
        skos:prefLabel ?expansion ; skos:inScheme ?s . ?s skos:prefLabel ?scheme .
        FILTER (LCASE(STR(?label)) = "epps") }""")
    assert acronyms == [("Electronic Public Procurement System", "Document Acronyms")]


@pytest.mark.parametrize(
    "query",
    sorted((Path(__file__).parent.parent / "bench" / "queries").glob("*.rq")),
    ids=lambda p: p.name,
)
def test_bench_queries_find_what_they_measure(store: pyoxigraph.Store, query: Path) -> None:
    """A benchmark query that answers nothing measures nothing: each must match the data."""
    answer = store.query(query.read_text(encoding="utf-8"), use_default_graph_as_union=True)
    assert len(list(answer)) > 10, query.name  # type: ignore[arg-type]
