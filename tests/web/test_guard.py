"""The guard: SERVICE, unknown FROM graphs and updates are refused before evaluation."""

from __future__ import annotations

import random

import pyoxigraph as ox
import pytest

from lima_lod.errors import BadRequest, Forbidden, MalformedQuery
from lima_lod.store import GraphSelection
from lima_lod.web.guard import (
    MAX_DEPTH,
    _algebra,
    _walk,
    check,
    is_update,
    passes_unparsed,
    plainly_clear,
)

HELD = frozenset({"http://g/1", "http://g/2"})


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "select * { service silent <http://example.org/> { ?s ?p ?o } }",
        "SELECT * { ?s ?p ?o FILTER EXISTS { SERVICE <http://example.org/> { ?s ?p ?o } } }",
        "SELECT * { { SELECT ?s { SERVICE ?endpoint { ?s ?p ?o } } } }",
        "PREFIX ex: <http://example.org/> SELECT * { SERVICE ex:sparql { ?s ?p ?o } }",
    ],
)
def test_service_is_refused(query: str) -> None:
    with pytest.raises(BadRequest, match="SERVICE"):
        check(query, HELD)


def test_from_of_held_graphs_gives_the_dataset() -> None:
    query = "PREFIX g: <http://g/> SELECT * FROM g:1 FROM NAMED <http://g/2> { ?s ?p ?o }"
    assert check(query, HELD) == GraphSelection(("http://g/1",), ("http://g/2",))


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * FROM <http://example.org/remote.ttl> { ?s ?p ?o }",
        "SELECT * FROM NAMED <http://example.org/remote.ttl> { GRAPH ?g { ?s ?p ?o } }",
        "ASK FROM <http://g/1> FROM <file:///etc/passwd> { ?s ?p ?o }",
    ],
)
def test_from_of_unknown_graphs_is_refused(query: str) -> None:
    with pytest.raises(BadRequest, match="does not hold") as info:
        check(query, HELD)
    assert "<http://g/1>" in str(info.value)  # the message lists what is held


@pytest.mark.parametrize(
    "query",
    [
        'SELECT * { ?s ?p "service from" }',  # the words in a literal
        "PREFIX ex: <http://example.org/> SELECT ?service { ?service ex:from ?o }",
        "# SERVICE <http://example.org/>\nSELECT * { ?s ?p ?o }",  # in a comment
    ],
)
def test_words_that_are_not_clauses_pass(query: str) -> None:
    assert check(query, HELD) is None


def test_queries_without_trigger_words_are_not_parsed_here() -> None:
    # Such a query cannot hold SERVICE or FROM; the engine reports its syntax errors.
    assert check("SELECT * WHERE { ?s ?p", HELD) is None


def test_a_malformed_query_with_trigger_words_gets_the_parser_message() -> None:
    with pytest.raises(MalformedQuery, match="malformed query"):
        check("SELECT * FROM <http://g/1> WHERE { ?s ?p", HELD)


def test_an_update_in_place_of_a_query_is_forbidden() -> None:
    with pytest.raises(Forbidden):
        check("INSERT { ?s ?p ?o } WHERE { SERVICE <http://example.org/> { ?s ?p ?o } }", HELD)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("INSERT DATA { <http://a> <http://b> <http://c> }", True),
        ("LOAD <http://example.org/data.ttl>", True),
        ("CLEAR ALL", True),
        ("DROP GRAPH <http://g/1> ; CLEAR DEFAULT", True),
        ("SELECT * {}", False),
        ("", False),
        ("# only a comment", False),
    ],
)
def test_is_update(text: str, expected: bool) -> None:
    assert is_update(text) is expected


@pytest.mark.parametrize(
    ("query", "parsed"),
    [
        ("SELECT * WHERE { ?s prov:wasDerivedFrom ?o }", False),
        ("SELECT ?from WHERE { ?s ex:service ?from }", False),
        ('SELECT * WHERE { ?s ?p "SERVICE <x>" } # FROM <y>', False),
        ("SELECT * WHERE { <http://a#FROM> ?p ?o }", False),
        # After an operand a "<" may be "less than": a "#" in what follows may start a comment.
        ("SELECT * WHERE { ?s <http://a#FROM> ?o }", True),
        ('SELECT * WHERE { ?s ?p """SERVICE""" }', False),
        ("SELECT * FROM <http://x> WHERE {}", True),
        ("SELECT * FROM NAMED <g> {}", True),
        ("SELECT * WHERE {SERVICE<http://x>{}}", True),
        ('SELECT * WHERE { ?s ?p "x" . SERVICE <http://e> {} ?s ?p "y" }', True),
        ("SELECT * WHERE { ?s ?p 'a' . service <http://e> {} ?s ?p 'b' }", True),
        ("SELECT * WHERE { ?s ?p 'it\\'s' . SERVICE <http://e> {} }", True),
        ('SELECT * WHERE { ?s ?p """a "" b""" . SERVICE <http://e> {} }', True),
        ("SELECT * WHERE { ?s ?p ?o FILTER(?o < 3) SERVICE <http://e> {} }", True),
        ('SELECT * WHERE { ?s ?p "unterminated SERVICE <http://e> {} }', True),
        ("SELECT * WHERE { \\u0053ERVICE <http://e> {} }", True),
    ],
)
def test_only_queries_that_may_reach_out_are_parsed(query: str, parsed: bool) -> None:
    # The shortcut may skip the parse only where no SERVICE or FROM keyword can be hiding.
    assert passes_unparsed(query) is not parsed


def test_the_document_query_of_every_kind_of_resource_needs_no_parse() -> None:
    """Dereferencing sends one query per document: the lexer alone must clear it (no rdflib)."""
    from lima_lod.iris import Iris
    from lima_lod.web.resources import DESCRIBE, EXISTS

    iris = Iris()
    for iri in (
        iris.commitment(10),
        iris.report("mx-2021"),
        iris.observation("mx-2021", 10, "overall"),
        iris.organization("inai"),
    ):
        for template in (DESCRIBE, EXISTS):
            assert passes_unparsed(template.format(iri=iri)), (template, iri)


@pytest.mark.parametrize(
    ("query", "passes"),
    [
        ("SELECT ?s { ?s ?p 'from service' } # FROM <http://x/>", True),
        ("SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", False),
        ("SELECT * FROM <http://g/1> { ?s ?p ?o }", False),
        ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", False),
        ("SELECT * { ?s ?p '\\u0053ERVICE' }", False),
        ("SELECT * " + "{" * (MAX_DEPTH + 1) + "}" * (MAX_DEPTH + 1), False),
    ],
    ids=["plain", "service", "from", "update", "escape", "deep"],
)
def test_a_query_passes_unparsed_only_when_check_has_nothing_to_do(
    query: str, passes: bool
) -> None:
    # The forwarder sends a query that passes straight to the engine: check must agree.
    assert passes_unparsed(query) is passes
    if passes:
        assert check(query, HELD) is None


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * { ?s ?p 1SERVICE <http://e/> { ?a ?b ?c } }",
        "SELECT * { ?s ?p 1e5SERVICE <http://e/> { ?a ?b ?c } }",
        "SELECT * { ?s ?p trueSERVICE <http://e/> { ?a ?b ?c } }",
        "SELECT * { ?s ?p falseservice <http://e/> { ?a ?b ?c } }",
        "ASKFROM <http://e/> {}",
        "SELECT * { ?s ?p 1 } LIMIT 1FROM",
        "SELECT * { ?s ?p 1INSERT }",
        "SELECT * { ?s ?p \u017fERVICE <http://e/> {} }",  # a word of other than ASCII
    ],
)
def test_a_keyword_glued_to_a_word_is_never_passed_unparsed(query: str) -> None:
    # pyoxigraph reads "1SERVICE" as the number 1 and SERVICE (and called the service).
    assert not passes_unparsed(query)


def test_glued_service_is_what_pyoxigraph_reads_as_service() -> None:
    # The case above is real: pyoxigraph parses it, with a SERVICE call (refused for port 9).
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://s"), ox.NamedNode("http://p"), ox.Literal(1)))
    with pytest.raises(OSError, match="port 9"):
        list(store.query("SELECT * { ?s ?p 1SERVICE <http://127.0.0.1:9/> { ?a ?b ?c } }"))


# -- the shortcut before the lexer ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("query", "clear"),
    [
        ("ASK {}", True),
        ("# from, with, and service\n  # more: copy, add\r\nASK {}", True),  # opening comments
        ("  \t# a comment\r\n\n\tSELECT * { ?s ?p ?o }", True),
        ("ASK {} # with", False),  # a later comment: the lexer reads it
        ("SELECT * { ?s ?p 'service' }", False),  # in a string: the lexer reads it
        ("# a comment\rSERVICE <http://e/> {}\n", False),  # CR ends the comment
        ("# a comment\\u000ASERVICE <http://e/> {}\nASK {}", False),  # \u: the lexer decides
        ('# ok\nSELECT * { ?s ?p "é" }', False),  # other than ASCII: the lexer decides
        ("# ok\n" + "{" * (MAX_DEPTH + 1), False),
        ("# ok\n" + "{" * MAX_DEPTH + "}" * MAX_DEPTH, True),
    ],
)
def test_plainly_clear_reads_only_the_opening_comments_as_comments(query: str, clear: bool) -> None:
    assert plainly_clear(query) is clear


def test_a_plainly_clear_query_holds_no_service_and_no_from() -> None:
    # Whatever plainly_clear lets through, rdflib's parser finds no SERVICE and no FROM in.
    # Opening texts mix comments, line breaks of every kind and escapes; the queries after them
    # hold SERVICE and FROM, glued or not, or neither.
    opening = ["# service from", "# with", "#", " ", "\t", "\n", "\r", "\r\n", "\\u000A", "x"]
    queries = [
        "ASK {}",
        "SELECT * WHERE { ?s ?p ?o }",
        "SELECT * WHERE { SERVICE <http://e/> { ?s ?p ?o } }",
        "SELECT * FROM <http://e/> WHERE { ?s ?p ?o }",
        "SELECT * WHERE { ?s ?p 1SERVICE <http://e/> { ?a ?b ?c } }",
        "SELECT * WHERE { ?s ?p 'x' } # from",
    ]
    rng = random.Random(11)
    cleared = parsed = 0
    for _ in range(1500):
        query = "".join(rng.choices(opening, k=rng.randint(0, 8))) + rng.choice(queries)
        if not plainly_clear(query):
            continue
        cleared += 1
        try:
            algebra = _algebra(query)
        except (MalformedQuery, BadRequest, Forbidden):
            continue
        parsed += 1
        names = {node.name for node in _walk(algebra)}
        assert "ServiceGraphPattern" not in names, query
        assert not algebra.get("datasetClause"), query
    assert parsed > 100  # the shortcut was taken, on queries that mean something
