"""Write SPARQL query results in a chosen format, cut at a result cap that always says so.

Sits between the store (which evaluates) and the web layer (which negotiates): both the embedded
store, inside its worker processes, and the remote store call :func:`write`. Every result goes
through pyoxigraph's own serialisers (Rust): solutions are cut at the cap on the written bytes
(rows.py), graphs before they are written (a CONSTRUCT's LIMIT bounds solutions, not triples).

The cap's signal: :attr:`Answer.truncated` (the web layer turns it into the
``X-Result-Truncated`` header) and, in SPARQL JSON results, a top-level ``"truncated": true``
with ``"limit": N`` placed between ``head`` and ``results`` (parsers that read the standard
members ignore it).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from itertools import islice

import pyoxigraph as ox

from . import rows
from .errors import NotAcceptable
from .formats import BY_NAME, Format


class Kind(StrEnum):
    """What a query returns: decides which family of formats can carry it."""

    SOLUTIONS = "solutions"  # SELECT
    BOOLEAN = "boolean"  # ASK
    GRAPH = "graph"  # CONSTRUCT, DESCRIBE


@dataclass(frozen=True)
class Choice:
    """The format (a row name of the format table) to write each kind in; None: not acceptable."""

    solutions: str | None
    boolean: str | None
    graph: str | None

    def for_kind(self, kind: Kind) -> Format:
        """The format for one kind of result, or NotAcceptable."""
        name: str | None = getattr(self, kind.value)
        if name is None:
            raise NotAcceptable(f"no acceptable format for the result of this query ({kind.value})")
        return BY_NAME[name]


@dataclass(frozen=True)
class Answer:
    """A written result: the bytes and what they hold."""

    body: bytes
    format: str  # row name in the format table
    kind: Kind
    count: int  # solutions or triples written
    truncated: bool


Result = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples | Iterator[ox.Triple]


def write(result: Result, choice: Choice, limit: int, prefixes: dict[str, str]) -> Answer:
    """Write a pyoxigraph query result in the chosen format, keeping at most ``limit`` items."""
    if isinstance(result, ox.QueryBoolean):
        fmt = choice.for_kind(Kind.BOOLEAN)
        body = result.serialize(format=getattr(ox.QueryResultsFormat, str(fmt.oxigraph)))
        return Answer(body or b"", fmt.name, Kind.BOOLEAN, 1, False)
    if isinstance(result, ox.QuerySolutions):
        fmt = choice.for_kind(Kind.SOLUTIONS)
        written = rows.serialize(result, fmt, limit)
        return Answer(written.body, fmt.name, Kind.SOLUTIONS, written.count, written.truncated)
    fmt = choice.for_kind(Kind.GRAPH)
    triples = list(islice(result, limit + 1))
    cut = len(triples) > limit
    triples = triples[:limit]
    rdf_format = getattr(ox.RdfFormat, str(fmt.oxigraph))
    body = ox.serialize(
        triples,
        format=rdf_format,
        prefixes=_used_prefixes(triples, prefixes)
        if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG)
        else None,
    )
    return Answer(body or b"", fmt.name, Kind.GRAPH, len(triples), cut)


def _used_prefixes(triples: Iterable[ox.Triple], prefixes: dict[str, str]) -> dict[str, str]:
    """Keep the prefixes some IRI of the result starts with, so small answers stay small."""
    iris = {
        t.value
        for triple in triples
        for t in (triple.subject, triple.predicate, triple.object)
        if isinstance(t, ox.NamedNode)
    }
    return {name: ns for name, ns in prefixes.items() if any(i.startswith(ns) for i in iris)}
