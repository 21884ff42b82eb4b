"""Validate RDF against the SHACL shapes and report each result with where its data came from.

Third stage of the flow: built dataset (or another observatory's files) + ``shapes/`` ->
:class:`Report`, whose results are grouped by severity and point back to the YAML file and line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pyshacl
from rdflib import RDF, Dataset, Graph, Literal, URIRef
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Result as QueryResult
from rdflib.term import Node

from .errors import Location
from .iris import SH, Iris
from .rdfio import copy_prefixes, read_rdf_folder, union

SEVERITIES = ("Violation", "Warning", "Info")


@dataclass(frozen=True)
class Result:
    """One SHACL validation result, with the data's source location when known."""

    severity: str
    focus: Node
    path: Node | None
    value: Node | None
    messages: dict[str, str]  # language -> message
    shape: Node | None
    component: Node | None
    location: Location | None = None

    def message(self, lang: str = "en") -> str:
        """The message in one language, falling back to any."""
        return self.messages.get(lang) or next(iter(self.messages.values()), "")


@dataclass
class Report:
    """The outcome of one validation: conforms when there is no violation."""

    graph: Graph
    results: list[Result] = field(default_factory=list)

    @property
    def conforms(self) -> bool:
        return not self.by_severity("Violation")

    def by_severity(self, severity: str) -> list[Result]:
        """The results of one severity (``Violation``, ``Warning`` or ``Info``)."""
        return [r for r in self.results if r.severity == severity]

    def text(self, graph: Graph | None = None, lang: str = "en") -> str:
        """A readable report grouped by severity: source, focus node, path, value, message."""

        def name(node: Node | None) -> str:
            return node_name(node, graph)

        lines = [
            f"{'Conforms' if self.conforms else 'Does not conform'}: "
            + ", ".join(f"{len(self.by_severity(s))} {s.lower()}(s)" for s in SEVERITIES)
        ]
        for severity in SEVERITIES:
            results = sorted(
                self.by_severity(severity),
                key=lambda r: (str(r.location or ""), str(r.focus), str(r.path)),
            )
            if not results:
                continue
            lines.append(f"\n{severity}s ({len(results)})")
            for r in results:
                where = f"{r.location}  " if r.location else ""
                lines.append(
                    f"- {where}{name(r.focus)}  path {name(r.path)}  "
                    f"value {name(r.value)}\n    {r.message(lang)}"
                )
        return "\n".join(lines)


def node_name(node: Node | None, graph: Graph | None = None) -> str:
    """A node as a reader sees it: a prefixed name where the graph binds one, else N3."""
    if node is None:
        return "-"
    if graph is not None and isinstance(node, URIRef):
        try:
            return str(graph.namespace_manager.normalizeUri(node))
        except ValueError:
            return f"<{node}>"
    return node.n3()


def load_shapes(root: Path, iris: Iris | None = None) -> Graph:
    """Read every shapes file under ``root/shapes``, rebased to the deployment's base."""
    shapes = Graph()
    read_rdf_folder(root / "shapes", iris or Iris(), shapes)
    return shapes


@cache
def _prepared(text: str) -> Query:
    return prepareQuery(text)


class ParsedOnce(Graph):
    """A graph that parses each SPARQL text once: pyshacl sends a SPARQL constraint's query for
    every focus node, and rdflib parsing it each time was most of a validation's run time."""

    def query(self, query_object: str | Query, *args: Any, **kwargs: Any) -> QueryResult:
        if isinstance(query_object, str):
            query_object = _prepared(query_object)
        return super().query(query_object, *args, **kwargs)


def validate(
    data: Graph | Dataset, shapes: Graph, locations: dict[URIRef, Location] | None = None
) -> Report:
    """Validate data against shapes.

    Args:
        data: the data graph, or a dataset whose graphs are validated together.
        shapes: the shapes graph.
        locations: source file and line of subjects, to point results back to the data files.
    """
    # a copy of ours, so pyshacl may work in place (no rules, no inference)
    graph = union(data, copy_prefixes(data, ParsedOnce()))
    _, report_graph, _ = pyshacl.validate(
        graph,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        allow_warnings=True,
        inplace=True,
    )
    if not isinstance(report_graph, Graph):
        raise TypeError("pyshacl returned no report graph")
    return Report(report_graph, list(_results(report_graph, shapes, locations or {})))


def _templates(shapes: Graph, shape: Node | None) -> list[Literal]:
    """The language-tagged sh:message templates of a shape and of its SPARQL constraints."""
    if shape is None:
        return []
    nodes = [shape, *shapes.objects(shape, SH.sparql)]
    return [
        m
        for n in nodes
        for m in shapes.objects(n, SH.message)
        if isinstance(m, Literal) and m.language
    ]


def _language(message: Literal, templates: list[Literal]) -> str:
    """The language of a result message. pyshacl drops the tag of SPARQL-constraint messages,
    so an untagged one is matched against the shape's templates ({?var} filled in)."""
    if message.language:
        return message.language
    for template in templates:
        pattern = re.sub(r"\\\{\\[?$]\w+\\\}", ".*", re.escape(str(template)))
        if re.fullmatch(pattern, str(message), re.DOTALL):
            return str(template.language)
    return "en"


def _results(g: Graph, shapes: Graph, locations: dict[URIRef, Location]) -> Iterable[Result]:
    for node in g.subjects(RDF.type, SH.ValidationResult):
        focus = g.value(node, SH.focusNode)
        severity = g.value(node, SH.resultSeverity)
        templates = _templates(shapes, g.value(node, SH.sourceShape))
        messages: dict[str, str] = {}
        for m in g.objects(node, SH.resultMessage):
            if isinstance(m, Literal):
                messages.setdefault(_language(m, templates), str(m))
        yield Result(
            severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
            focus=focus if focus is not None else node,
            path=g.value(node, SH.resultPath),
            value=g.value(node, SH.value),
            messages=messages,
            shape=g.value(node, SH.sourceShape),
            component=g.value(node, SH.sourceConstraintComponent),
            location=locations.get(focus) if isinstance(focus, URIRef) else None,
        )
