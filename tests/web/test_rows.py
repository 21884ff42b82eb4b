"""Results written by pyoxigraph, cut at the cap: exact row counts, documents that still parse."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.query import Result

from lima_lod import rows
from lima_lod.formats import BY_NAME
from lima_lod.results import Choice, Kind, write

SRX = "{http://www.w3.org/2005/sparql-results#}"
EX = "http://example.org/"
# Values that look like the row markers of each format, or break them when cut
TRICKY = [
    "ends in }},{",
    '}},{",',
    "{}",
    'a "b" {"c":{}}',
    "line\r\nbreak",
    "lf\nonly, cr\ronly",
    "tab\there, <&>",
    "<result><binding>",
    '"bindings":[{"o',
    "back\\",
    "ñandú ✓",
    "",
]
RESULTS_FORMATS = ("json", "xml", "csv", "tsv")
ROWS = 60


PLAIN = ["plain", "words, and more words", "ñandú"]


def filled(values: list[str]) -> ox.Store:
    """A store of ROWS subjects, each with a value taken from ``values`` in turn."""
    store = ox.Store()
    p, q = ox.NamedNode(f"{EX}p"), ox.NamedNode(f"{EX}q")
    integer = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
    for i in range(ROWS):
        s = ox.NamedNode(f"{EX}s{i:03d}")
        value = values[i % len(values)]
        obj: ox.NamedNode | ox.BlankNode | ox.Literal = ox.Literal(f"{value} {i:03d}")
        if i % 7 == 3:
            obj = ox.Literal(value, language="es") if value else ox.BlankNode(f"b{i}")
        store.add(ox.Quad(s, p, obj))
        if i % 5 == 0:
            store.add(ox.Quad(s, q, ox.Literal(str(i), datatype=integer)))
    return store


@pytest.fixture(scope="module", params=["tricky", "plain"])
def store(request: pytest.FixtureRequest) -> ox.Store:
    """Values that look like each format's row markers (counted the slow way), or plain ones."""
    return filled(TRICKY if request.param == "tricky" else PLAIN)


def parsed(body: bytes, fmt: str) -> tuple[list[str], list[dict[str, str]]]:
    """Variables and rows (variable -> value text) as the standard library reads the document."""
    if fmt == "json":
        doc = json.loads(body)
        return doc["head"]["vars"], [
            {k: v["value"] for k, v in b.items()} for b in doc["results"]["bindings"]
        ]
    if fmt == "xml":
        root = ET.fromstring(body)
        names = [v.get("name") or "" for v in root.iter(f"{SRX}variable")]
        return names, [
            {b.get("name") or "": "".join(b.itertext()) for b in r.iter(f"{SRX}binding")}
            for r in root.iter(f"{SRX}result")
        ]
    if fmt == "csv":
        head, *table = list(csv.reader(io.StringIO(body.decode(), newline="")))
        # a row of unbound values is an empty line, which the reader reads as no field at all
        return head, [
            {k: v for k, v in zip(head, row or [""] * len(head), strict=True) if v} for row in table
        ]
    lines = body.decode().split("\n")
    assert lines[-1] == ""  # each row ends with a newline, the last one too
    names = [n.removeprefix("?") for n in lines[0].split("\t")] if lines[0] else []
    return names, [
        {k: v for k, v in zip(names, line.split("\t"), strict=True) if v} for line in lines[1:-1]
    ]


def by_rdflib(body: bytes, fmt: str) -> list[dict[str, str]]:
    """The rows as rdflib's results parsers read them (values as text)."""
    result = Result.parse(io.BytesIO(body), format=fmt)
    return [{str(k): str(v) for k, v in row.items()} for row in result.bindings]


def values(store: ox.Store, query: str) -> list[dict[str, str]]:
    """Every solution of a query, each variable to its value's text, from pyoxigraph itself."""
    result = store.query(query)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [{n: s[n].value for n in names if s[n] is not None} for s in result]


QUERIES = {
    "ordered": f"SELECT ?s ?o WHERE {{ ?s <{EX}p> ?o }} ORDER BY ?s",
    "optional": f"SELECT ?s ?n ?o WHERE {{ ?s <{EX}p> ?o OPTIONAL {{ ?s <{EX}q> ?n }} }} ORDER BY DESC(?s)",
    "own limit over the cap": f"SELECT ?s ?o WHERE {{ ?s <{EX}p> ?o }} ORDER BY ?o LIMIT 40",
    "own limit and offset": f"SELECT ?o ?s WHERE {{ ?s <{EX}p> ?o }} ORDER BY ?s OFFSET 7 LIMIT 30",
    "own limit under the cap": f"SELECT ?s WHERE {{ ?s <{EX}p> ?o }} ORDER BY ?s LIMIT 4",
    "subquery with a limit": (
        f"SELECT ?s ?o WHERE {{ {{ SELECT ?s WHERE {{ ?s <{EX}p> ?x }} ORDER BY ?s LIMIT 25 }} "
        f"?s <{EX}p> ?o }} ORDER BY ?s"
    ),
    "empty rows": f"SELECT ?n WHERE {{ ?s <{EX}p> ?o OPTIONAL {{ ?s <{EX}nothing> ?n }} }}",
    "no variable": f"SELECT * WHERE {{ ?s <{EX}p> ?o FILTER(false) }}",
    "no variable, many rows": f"SELECT ?x WHERE {{ ?s <{EX}p> ?o }}",
}


@pytest.mark.parametrize("fmt", RESULTS_FORMATS)
@pytest.mark.parametrize("name", QUERIES)
@pytest.mark.parametrize("cap", [1, 9, 30, 1000])
def test_solutions_are_cut_at_the_cap_exactly(
    store: ox.Store, fmt: str, name: str, cap: int
) -> None:
    query = QUERIES[name]
    whole = values(store, query)
    answer = write(store.query(query), Choice(fmt, None, None), cap, {})
    names, got = parsed(answer.body, fmt)
    assert answer.kind is Kind.SOLUTIONS and answer.format == fmt
    assert names == [v.value for v in store.query(query).variables]
    assert answer.truncated is (len(whole) > cap)
    assert answer.count == len(got) == min(cap, len(whole))
    if fmt in ("json", "xml"):  # CSV and TSV cannot tell an empty string from no value
        # XML parsers read a CR (LF) in text as LF: pyoxigraph leaves CR unescaped, as the
        # Python writer did before it
        def text(value: str) -> str:
            return value.replace("\r\n", "\n").replace("\r", "\n") if fmt == "xml" else value

        assert got == [{k: text(v) for k, v in r.items()} for r in whole][: answer.count]
    # rdflib's TSV reader skips the empty lines of rows with nothing bound
    read = by_rdflib(answer.body, fmt)
    assert len(read) == (sum(1 for r in got if r) if fmt == "tsv" else answer.count)
    if fmt == "json":
        doc = json.loads(answer.body)
        assert (doc.get("truncated"), doc.get("limit")) == (
            (True, cap) if answer.truncated else (None, None)
        )
        keys = (
            ["head", "truncated", "limit", "results"] if answer.truncated else ["head", "results"]
        )
        assert list(doc) == keys


@pytest.mark.parametrize("fmt", RESULTS_FORMATS)
@pytest.mark.parametrize("values", [TRICKY, PLAIN], ids=["tricky", "plain"])
def test_a_long_result_stops_the_serialiser_and_is_cut_exactly(
    fmt: str, values: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = ox.Store()
    p = ox.NamedNode(f"{EX}p")
    store.extend(
        ox.Quad(ox.NamedNode(f"{EX}s{i:05d}"), p, ox.Literal(values[i % len(values)] * 20))
        for i in range(20000)
    )
    query = f"SELECT ?s ?o WHERE {{ ?s <{EX}p> ?o }}"
    whole = store.query(query).serialize(format=getattr(ox.QueryResultsFormat, fmt.upper()))
    assert isinstance(whole, bytes)
    written: list[int] = []
    write_chunk = rows._Capped.write
    monkeypatch.setattr(
        rows._Capped,
        "write",
        lambda self, chunk: written.append(len(chunk)) or write_chunk(self, chunk),
    )
    for cap in (1, 777, 5000, 19999, 20000):
        written.clear()
        answer = write(store.query(query), Choice(fmt, None, None), cap, {})
        _, got = parsed(answer.body, fmt)
        assert answer.count == len(got) == cap
        assert answer.truncated is (cap < 20000)
        if fmt == "json" and cap < 20000:
            assert json.loads(answer.body)["limit"] == cap
        if cap == 1:  # the serialiser was stopped long before the end
            assert sum(written) < len(whole) / 4


@pytest.mark.parametrize("fmt", RESULTS_FORMATS)
def test_a_row_never_counts_before_it_starts(store: ox.Store, fmt: str) -> None:
    """Counted on every prefix of a document (as it is being written): never ahead, never back."""
    query = QUERIES["optional"]
    body = store.query(query).serialize(format=getattr(ox.QueryResultsFormat, fmt.upper()))
    assert isinstance(body, bytes)
    counter = rows.ROWS[fmt]
    seen = 0
    for end in range(len(body) + 1):
        count = counter.count(body[:end])
        assert seen <= count <= ROWS
        seen = count
    assert seen == ROWS == len(parsed(body, fmt)[1])


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "rdfxml", "jsonld", "trig", "nquads"])
@pytest.mark.parametrize("cap", [1, 9, 1000])
def test_graphs_are_cut_at_the_cap_exactly(store: ox.Store, fmt: str, cap: int) -> None:
    query = f"CONSTRUCT {{ ?s <{EX}r> ?o . ?s <{EX}t> ?n }} WHERE {{ ?s <{EX}p> ?o OPTIONAL {{ ?s <{EX}q> ?n }} }} LIMIT 50"
    whole = len(
        Graph().parse(data=store.query(query).serialize(format=ox.RdfFormat.N_TRIPLES), format="nt")
    )
    answer = write(store.query(query), Choice(None, None, fmt), cap, {"ex": EX})
    graph = Graph().parse(data=answer.body, format=str(BY_NAME[fmt].rdflib))
    assert answer.count == len(graph) == min(cap, whole)
    assert answer.truncated is (whole > cap)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_ask_is_one_boolean_never_cut(store: ox.Store, fmt: str) -> None:
    answer = write(store.query(f"ASK {{ ?s <{EX}p> ?o }}"), Choice(None, fmt, None), 1, {})
    assert answer.kind is Kind.BOOLEAN and not answer.truncated
    assert Result.parse(io.BytesIO(answer.body), format=fmt).askAnswer is True
