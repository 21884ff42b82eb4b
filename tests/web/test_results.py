"""Writing results: each format parses back, cut results say so."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest

from lima_lod.errors import NotAcceptable
from lima_lod.results import Choice, Kind, write

SRX = "{http://www.w3.org/2005/sparql-results#}"


@pytest.fixture(scope="module")
def memory() -> ox.Store:
    store = ox.Store()
    s, p = ox.NamedNode("http://x/s"), ox.NamedNode("http://x/p")
    store.add(ox.Quad(s, p, ox.Literal('tab\there, "quoted" <&>', language="es")))
    store.add(
        ox.Quad(
            s,
            p,
            ox.Literal("2.5", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")),
        )
    )
    store.add(ox.Quad(s, p, ox.BlankNode("b0")))
    return store


QUERY = "SELECT ?s ?o ?missing WHERE { ?s ?p ?o } ORDER BY ?o"


def written(memory: ox.Store, fmt: str, limit: int = 10) -> bytes:
    return write(memory.query(QUERY), Choice(fmt, fmt, None), limit, {}).body


def test_json_and_xml_agree_with_pyoxigraph(memory: ox.Store) -> None:
    expected = [tuple(map(str, (r["s"], r["o"]))) for r in memory.query(QUERY)]
    for fmt, parse in (
        ("json", ox.QueryResultsFormat.JSON),
        ("xml", ox.QueryResultsFormat.XML),
        ("tsv", ox.QueryResultsFormat.TSV),
    ):
        parsed = ox.parse_query_results(written(memory, fmt), format=parse)
        assert isinstance(parsed, ox.QuerySolutions)
        assert [v.value for v in parsed.variables] == ["s", "o", "missing"]
        assert [tuple(map(str, (r["s"], r["o"]))) for r in parsed] == expected


def test_csv_holds_plain_values(memory: ox.Store) -> None:
    rows = list(csv.reader(io.StringIO(written(memory, "csv").decode())))
    assert rows[0] == ["s", "o", "missing"]
    assert {r[1] for r in rows[1:]} == {"_:b0", "2.5", 'tab\there, "quoted" <&>'}


def test_xml_is_well_formed(memory: ox.Store) -> None:
    root = ET.fromstring(written(memory, "xml"))
    langs = [
        lit.get("{http://www.w3.org/XML/1998/namespace}lang") for lit in root.iter(f"{SRX}literal")
    ]
    assert "es" in langs


def test_the_cut_is_signalled(memory: ox.Store) -> None:
    answer = write(memory.query(QUERY), Choice("json", None, None), 2, {})
    doc = json.loads(answer.body)
    assert answer.truncated and answer.count == 2 and doc["truncated"] is True
    assert len(doc["results"]["bindings"]) == 2
    whole = write(memory.query(QUERY), Choice("json", None, None), 3, {})
    assert not whole.truncated and "truncated" not in json.loads(whole.body)


def test_graphs_and_booleans(memory: ox.Store) -> None:
    graph = write(
        memory.query("CONSTRUCT WHERE { ?s ?p ?o }"), Choice(None, None, "ntriples"), 2, {}
    )
    assert graph.kind is Kind.GRAPH and graph.truncated
    assert len(list(ox.parse(graph.body, format=ox.RdfFormat.N_TRIPLES))) == 2
    boolean = write(memory.query("ASK {}"), Choice(None, "xml", None), 1, {})
    assert ET.fromstring(boolean.body).find(f"{SRX}boolean").text == "true"
    with pytest.raises(NotAcceptable):
        write(memory.query("ASK {}"), Choice("json", None, None), 1, {})
