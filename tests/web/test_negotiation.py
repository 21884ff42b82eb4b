"""Accept parsing and format choice, as a table of cases."""

from __future__ import annotations

import pytest

from lima_lod.errors import NotAcceptable
from lima_lod.formats import BY_NAME
from lima_lod.results import Kind
from lima_lod.web.negotiation import (
    CANDIDATES,
    DESCRIPTION,
    MediaRange,
    choose,
    description_format,
    negotiate,
    parse_accept,
    pick,
    store_choice,
    wants_html,
)

SELECT = CANDIDATES[Kind.SOLUTIONS]
GRAPH = CANDIDATES[Kind.GRAPH]

# (Accept header, candidates, expected row name or None for 406)
CASES = [
    (None, SELECT, "json"),
    ("", SELECT, "json"),
    ("*/*", SELECT, "json"),
    ("*/*", GRAPH, "turtle"),
    ("application/sparql-results+xml", SELECT, "xml"),
    ("application/sparql-results+xml, application/rdf+xml", SELECT, "xml"),
    ("application/sparql-results+xml, application/rdf+xml", GRAPH, "rdfxml"),
    ("text/csv;q=0.5, text/tab-separated-values", SELECT, "tsv"),
    ("text/csv;q=0.5, text/tab-separated-values;q=0.4", SELECT, "csv"),
    ("text/*", SELECT, "csv"),
    ("text/*", GRAPH, "turtle"),
    ("application/json", SELECT, "json"),
    ("application/xml", SELECT, "xml"),
    ("application/ld+json", GRAPH, "jsonld"),
    ("application/n-triples", GRAPH, "ntriples"),
    ("application/n-quads", GRAPH, "nquads"),
    ("application/trig", GRAPH, "trig"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", SELECT, "html"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", GRAPH, "html"),
    # q=0 excludes, even when a wildcard would admit it
    ("application/sparql-results+json;q=0, */*", SELECT, "xml"),
    ("*/*;q=0.1, text/turtle;q=0", GRAPH, "ntriples"),
    # the most specific range decides a type's q, whatever the order
    ("text/csv;q=0.2, text/*;q=0.9", SELECT, "tsv"),
    ("text/turtle;q=0.2, text/*;q=0.9", GRAPH, "ntriples"),  # N-Triples is also text/plain
    ("TEXT/CSV", SELECT, "csv"),
    ("image/png", SELECT, None),
    ("application/sparql-results+json;q=0", SELECT, None),
    # malformed elements are skipped, a bad q counts as 1
    ("garbage, text/csv", SELECT, "csv"),
    ("text/csv;q=abc", SELECT, "csv"),
    ("garbage", SELECT, "json"),
    # accept-extensions after q do not change the range
    ("text/tab-separated-values;q=0.9;foo=bar, text/csv;q=0.8", SELECT, "tsv"),
]


@pytest.mark.parametrize(("accept", "candidates", "expected"), CASES)
def test_negotiate(accept: str | None, candidates: tuple, expected: str | None) -> None:
    chosen = negotiate(accept, candidates)
    assert (chosen.name if chosen else None) == expected


def test_parse_accept_reads_q_values_and_wildcards() -> None:
    assert parse_accept("text/*;q=0.3, */*;q=0, application/json") == [
        MediaRange("text", "*", 0.3),
        MediaRange("*", "*", 0.0),
        MediaRange("application", "json", 1.0),
    ]


def test_query_kind_decides_the_family() -> None:
    chosen = choose("application/sparql-results+xml, application/rdf+xml", None)
    assert chosen[Kind.SOLUTIONS] == BY_NAME["xml"]
    assert chosen[Kind.BOOLEAN] == BY_NAME["xml"]
    assert chosen[Kind.GRAPH] == BY_NAME["rdfxml"]


@pytest.mark.parametrize(
    ("param", "kind", "expected"),
    [
        ("csv", Kind.SOLUTIONS, "csv"),
        ("text/csv", Kind.SOLUTIONS, "csv"),
        ("turtle", Kind.GRAPH, "turtle"),
        ("csv", Kind.GRAPH, None),
        ("application/ld+json", Kind.GRAPH, "jsonld"),
        ("JSON", Kind.SOLUTIONS, "json"),
    ],
)
def test_format_parameter_overrides_accept(param: str, kind: Kind, expected: str | None) -> None:
    chosen = choose("application/sparql-results+xml", param)[kind]
    assert (chosen.name if chosen else None) == expected


def test_nothing_acceptable_is_406() -> None:
    with pytest.raises(NotAcceptable) as info:
        choose("image/png", None)
    assert info.value.status == 406
    with pytest.raises(NotAcceptable):
        choose(None, "no-such-format")


def test_pages_are_written_as_data_first() -> None:
    choice = store_choice(choose("text/html", None))
    assert (choice.solutions, choice.boolean, choice.graph) == ("json", "json", "ntriples")


def test_service_description_formats() -> None:
    assert description_format(None, None).name == "turtle"
    assert description_format("application/ld+json", None).name == "jsonld"
    assert description_format("application/rdf+xml", None).name == "rdfxml"
    assert description_format("text/html", None).name == "html"
    assert description_format("*/*", "jsonld").name == "jsonld"
    with pytest.raises(NotAcceptable):
        description_format("application/sparql-results+json", None)
    assert all(f.rdflib or f.name == "html" for f in DESCRIPTION)


def test_pick_takes_the_format_parameter_then_accept_and_lists_what_is_available() -> None:
    candidates = (BY_NAME["html"], BY_NAME["turtle"], BY_NAME["jsonld"])
    assert pick(None, None, candidates).name == "html"
    assert pick("text/turtle", None, candidates).name == "turtle"
    assert pick("text/turtle", "application/ld+json", candidates).name == "jsonld"
    with pytest.raises(NotAcceptable) as info:
        pick("image/png", None, candidates, "the vocabulary")
    assert info.value.status == 406
    assert str(info.value) == (
        "the vocabulary is available as text/html, text/turtle, application/ld+json"
    )
    with pytest.raises(NotAcceptable, match=r"^available as text/html"):
        pick(None, "csv", candidates)


def test_wants_html_only_when_a_browser_puts_html_first() -> None:
    assert wants_html("text/html,application/xhtml+xml,*/*;q=0.8")
    assert not wants_html(None) and not wants_html("*/*")
    assert not wants_html("application/sparql-results+json")


# (format value, Accept, expected row per kind: solutions, graph; None for 406 of that kind)
COMMON_NAMES = [
    ("json-ld", None, ("json", "jsonld")),
    ("jsonld", "*/*", ("json", "jsonld")),
    ("JSON-LD", None, ("json", "jsonld")),
    ("application/x-json+ld", None, ("json", "jsonld")),
    ("n3", None, ("json", "turtle")),
    ("text/n3", None, ("json", "turtle")),
    ("text/rdf+n3", None, ("json", "turtle")),
    ("application/n3", None, ("json", "turtle")),
    ("application/turtle", None, ("json", "turtle")),
    ("application/x-turtle", None, ("json", "turtle")),
    ("ttl", None, ("json", "turtle")),
    ("turtle", None, ("json", "turtle")),
    ("nt", None, ("json", "ntriples")),
    ("ntriples", None, ("json", "ntriples")),
    ("text", None, ("json", "ntriples")),
    ("rdf", None, ("json", "rdfxml")),
    ("rdf+xml", None, ("json", "rdfxml")),
    ("xml", None, ("xml", "rdfxml")),
    ("json", None, ("json", "jsonld")),
    ("csv", None, ("csv", "turtle")),
    ("tsv", None, ("tsv", "turtle")),
    # a value that fits one kind leaves the other to Accept
    ("csv", "application/rdf+xml", ("csv", "rdfxml")),
    ("json-ld", "application/sparql-results+xml", ("xml", "jsonld")),
    ("csv", "application/sparql-results+xml", ("csv", None)),
    # SPARQLWrapper's lists: its short name, then its Accept list (or nothing for */*)
    ("tsv,text/tab-separated-values", None, ("tsv", "turtle")),
    ("application/ld+json,application/x-json+ld", None, ("json", "jsonld")),
    ("application/rdf+xml", "*/*", ("json", "rdfxml")),
    ("", "*/*", ("json", "turtle")),
    (" , ", "application/sparql-results+xml", ("xml", None)),
    # the first item a candidate fits wins
    ("nt, turtle", None, ("json", "ntriples")),
    ("turtle, nt", None, ("json", "turtle")),
    ("no-such-format, csv", None, ("csv", "turtle")),
]


@pytest.mark.parametrize(("value", "accept", "expected"), COMMON_NAMES)
def test_common_names_and_lists(
    value: str, accept: str | None, expected: tuple[str | None, str | None]
) -> None:
    chosen = choose(accept, value)
    names = tuple(
        chosen[kind].name if chosen[kind] else None  # type: ignore[union-attr]
        for kind in (Kind.SOLUTIONS, Kind.GRAPH)
    )
    assert names == expected
    assert chosen[Kind.BOOLEAN] == chosen[Kind.SOLUTIONS]


@pytest.mark.parametrize("value", ["no-such-format", "n4, text/n4", "gzip", "csvw"])
def test_a_value_naming_no_answer_format_is_406_whatever_accept_says(value: str) -> None:
    with pytest.raises(NotAcceptable):
        choose("*/*", value)


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        # SPARQLWrapper's Accept lists for N3 and JSON-LD
        (
            "application/turtle,text/turtle,text/rdf+n3,application/n-triples,application/n3,text/n3",
            "turtle",
        ),
        ("text/rdf+n3", "turtle"),
        ("application/x-json+ld", "jsonld"),
    ],
)
def test_common_media_types_in_accept(accept: str, expected: str) -> None:
    chosen = negotiate(accept, GRAPH)
    assert chosen is not None and chosen.name == expected


def test_pick_reads_lists_and_names_but_does_not_fall_back() -> None:
    candidates = (BY_NAME["html"], BY_NAME["turtle"], BY_NAME["jsonld"])
    assert pick(None, "json-ld", candidates).name == "jsonld"
    assert pick(None, "application/rdf+xml, n3", candidates).name == "turtle"
    assert pick("application/ld+json", "", candidates).name == "jsonld"
    with pytest.raises(NotAcceptable):
        pick("text/turtle", "rdf", candidates)
