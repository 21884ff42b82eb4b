"""Write SPARQL query results in a chosen format, cut at a result cap that always says so.

Sits between the store (which evaluates) and the web layer (which negotiates): both the embedded
store, inside its worker processes, and the remote store call :func:`write`. RDF results and
booleans go through pyoxigraph's own serialisers; solutions are written here, because pyoxigraph
can only serialise a whole, uncut iterator.

The cap's signal: :attr:`Answer.truncated` (the web layer turns it into the
``X-Result-Truncated`` header) and, in SPARQL JSON results, a top-level ``"truncated": true``
with ``"limit": N`` placed between ``head`` and ``results`` (parsers that read the standard
members ignore it).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from itertools import islice
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox
from rdflib.namespace import RDF, XSD

from .errors import NotAcceptable
from .formats import BY_NAME, Format
from .iris import SPARQL_RESULTS

XSD_STRING = str(XSD.string)
RDF_LANG_STRING = str(RDF.langString)
SRX_NS = str(SPARQL_RESULTS)


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
        variables = [v.value for v in result.variables]
        rows = list(islice(result, limit + 1))
        cut = len(rows) > limit
        rows = rows[:limit]
        body = SOLUTION_WRITERS[fmt.name](variables, rows, cut, limit)
        return Answer(body, fmt.name, Kind.SOLUTIONS, len(rows), cut)
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


# -- solutions --------------------------------------------------------------------------------
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


def _json_term(term: Term) -> dict[str, Any]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {
        "type": "triple",
        "value": {
            "subject": _json_term(term.subject),
            "predicate": _json_term(term.predicate),
            "object": _json_term(term.object),
        },
    }


def _json(variables: list[str], rows: list[ox.QuerySolution], cut: bool, limit: int) -> bytes:
    bindings = []
    for row in rows:
        binding = {}
        for name in variables:
            term = row[name]
            if term is not None:
                binding[name] = _json_term(term)
        bindings.append(binding)
    doc: dict[str, Any] = {"head": {"vars": variables}}
    if cut:
        doc["truncated"] = True
        doc["limit"] = limit
    doc["results"] = {"bindings": bindings}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()


def _xml_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return (
                f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
            )
        return f"<literal>{escape(term.value)}</literal>"
    return (
        f"<triple><subject>{_xml_term(term.subject)}</subject><predicate>"
        f"{_xml_term(term.predicate)}</predicate><object>{_xml_term(term.object)}</object>"
        "</triple>"
    )


def _xml(variables: list[str], rows: list[ox.QuerySolution], cut: bool, limit: int) -> bytes:
    out = [f'<?xml version="1.0"?>\n<sparql xmlns="{SRX_NS}"><head>']
    out.extend(f"<variable name={quoteattr(name)}/>" for name in variables)
    out.append("</head><results>")
    for row in rows:
        out.append("<result>")
        for name in variables:
            term = row[name]
            if term is not None:
                out.append(f"<binding name={quoteattr(name)}>{_xml_term(term)}</binding>")
        out.append("</result>")
    out.append("</results></sparql>\n")
    return "".join(out).encode()


def _csv_value(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Triple):
        return str(term)
    return term.value


def _csv(variables: list[str], rows: list[ox.QuerySolution], cut: bool, limit: int) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(variables)
    for row in rows:
        writer.writerow([_csv_value(row[name]) for name in variables])
    return buffer.getvalue().encode()


def _tsv_value(term: Term | None) -> str:
    # pyoxigraph writes terms in N-Triples syntax, which escapes newlines but not tabs.
    return "" if term is None else str(term).replace("\t", "\\t")


def _tsv(variables: list[str], rows: list[ox.QuerySolution], cut: bool, limit: int) -> bytes:
    lines = ["\t".join(f"?{name}" for name in variables)]
    lines.extend("\t".join(_tsv_value(row[name]) for name in variables) for row in rows)
    return ("\n".join(lines) + "\n").encode()


SOLUTION_WRITERS = {"json": _json, "xml": _xml, "csv": _csv, "tsv": _tsv}
