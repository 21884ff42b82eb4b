"""CSV on the Web: the tables and their metadata convert back to RDF (CSV2RDF) and give the same
observations as the graph.

The conversion reads the CSV and the metadata with the ``csvw`` package (the cldf project's
implementation of the CSVW data model: dialect, datatypes, nulls, separators, URI templates) and
applies the CSV2RDF rules for the features the release uses: ``aboutUrl``, ``propertyUrl``,
``valueUrl``, ``datatype``, ``lang``, ``virtual`` and ``suppressOutput``.
"""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib import namespace as ns
from rdflib.term import Node
from releasekit import Released, release

from lima_lod import csvw as tables_module
from lima_lod.dumps import union_graph
from lima_lod.iris import QB

csvw = pytest.importorskip(
    "csvw", reason="the csvw package converts CSV + metadata; pip install csvw"
)


def csv2rdf(metadata: Path) -> Graph:
    """Convert a CSVW table group to RDF (minimal mode), per the CSV2RDF rules for our subset."""
    group = csvw.TableGroup.from_file(metadata)
    graph = Graph()
    for table in group.tables:
        schema = table.tableSchema
        columns = {c.name: c for c in schema.columns}
        for number, row in enumerate(table.iterdicts(), start=1):
            row_about = schema.aboutUrl
            default_subject: Node = (
                URIRef(table.expand(row_about, row, _row=number)) if row_about else BNode()
            )
            for name, value in row.items():
                column = columns[name]
                if column.suppressOutput or value is None or value == "" or value == []:
                    continue
                subject = (
                    URIRef(table.expand(column.aboutUrl, row, _row=number, _name=name))
                    if column.aboutUrl
                    else default_subject
                )
                prop = column.propertyUrl
                predicate = URIRef(table.expand(prop, row, _row=number, _name=name))
                if column.valueUrl:
                    graph.add(
                        (
                            subject,
                            predicate,
                            URIRef(table.expand(column.valueUrl, row, _row=number, _name=name)),
                        )
                    )
                    continue
                for item in value if isinstance(value, list) else [value]:
                    graph.add((subject, predicate, literal(item, column)))
    return graph


def literal(value: object, column: object) -> Literal:
    base = column.datatype.base if column.datatype else "string"  # type: ignore[attr-defined]
    lang = column.inherit("lang")  # type: ignore[attr-defined]
    if base == "string":
        return Literal(str(value), lang=lang if lang and lang != "und" else None)
    return Literal(str(value), datatype=ns.XSD[base])


def normalised(graph: Graph) -> set[tuple[Node, Node, Node]]:
    """Triples with numbers compared by value (CSVW may print 1.5 where RDF has 1.50)."""
    out = set()
    for s, p, o in graph:
        if isinstance(o, Literal) and o.datatype in (
            ns.XSD.decimal,
            ns.XSD.integer,
            ns.XSD.positiveInteger,
        ):
            o = Literal(str(Decimal(str(o)).normalize()), datatype=o.datatype)
        out.add((s, p, o))
    return out


@pytest.fixture(scope="module")
def released() -> Released:
    return release()


@pytest.fixture(scope="module")
def converted(released: Released) -> Graph:
    return csv2rdf(released.folder / "csv" / "csv-metadata.json")


def test_metadata_describes_every_table(released: Released) -> None:
    meta = json.loads((released.folder / "csv" / "csv-metadata.json").read_text("utf-8"))
    assert meta["@context"][0] == "http://www.w3.org/ns/csvw"
    urls = {t["url"] for t in meta["tables"]}
    assert urls == {f"{t.name}.csv" for t in tables_module.tables(released.built.iris)}
    assert {
        "ratings-long.csv",
        "ratings-wide.csv",
        "commitments.csv",
        "organizations.csv",
        "institutions.csv",
        "calls-to-action.csv",
        "references.csv",
    } <= urls
    for table in meta["tables"]:
        with open(released.folder / "csv" / table["url"], encoding="utf-8", newline="") as f:
            header = next(csv.reader(f))
        columns = [c["name"] for c in table["tableSchema"]["columns"] if not c.get("virtual")]
        assert header == columns, table["url"]


def test_round_trip_gives_the_same_observations(released: Released, converted: Graph) -> None:
    graph = union_graph(released.built.dataset, released.built.iris)
    observations = set(graph.subjects(RDF.type, QB.Observation))
    assert observations
    assert set(converted.subjects(RDF.type, QB.Observation)) == observations
    # the observations' own triples, and the slices' qb:observation links to them
    expected = {t for t in normalised(graph) if observations & {t[0], t[2]}}
    from_csv = {t for t in normalised(converted) if observations & {t[0], t[2]}}
    assert any(t[1] == QB.observation for t in expected)
    assert from_csv == expected


def test_every_converted_triple_is_in_the_graph(released: Released, converted: Graph) -> None:
    graph = normalised(union_graph(released.built.dataset, released.built.iris))
    extra = normalised(converted) - graph
    assert not extra, sorted(extra)[:5]


def test_long_and_wide_tables(released: Released) -> None:
    folder = released.folder / "csv"
    with open(folder / "ratings-long.csv", encoding="utf-8", newline="") as f:
        long_rows = list(csv.DictReader(f))
    with open(folder / "ratings-wide.csv", encoding="utf-8", newline="") as f:
        wide_rows = list(csv.DictReader(f))
    graph = union_graph(released.built.dataset, released.built.iris)
    cfu = released.built.iris.vocab
    assert len(long_rows) == len(set(graph.subjects(RDF.type, QB.Observation)))
    scores = {(r["report"], r["commitment"], r["criterion"]): r["score"] for r in long_rows}
    assert len(scores) == len(long_rows)  # one row per observation
    for row in wide_rows:
        for column, criterion in tables_module.WIDE_SCORES:
            key = (row["report"], row["commitment"], criterion)
            assert row[column] == scores[key]
            observation = released.built.iris.observation(key[0], int(key[1]), criterion)
            assert str(graph.value(observation, cfu.score)) == row[column]


def test_a_list_cell_needs_no_value_url(released: Released) -> None:
    # CSVW expands a valueUrl once per cell, so list columns are for people only.
    for table in tables_module.tables(released.built.iris):
        for column in table.columns:
            if column.separator:
                assert column.suppress and column.value is None, (table.name, column.name)
