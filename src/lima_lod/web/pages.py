"""HTML for people: the query form, with a query's results as a table, from package templates.

The form submits by GET to the endpoint itself; the browser's ``Accept: text/html`` brings back
this page with the results, so it works offline and without JavaScript.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pyoxigraph as ox
from jinja2 import Environment, PackageLoader, select_autoescape
from rdflib import namespace

from ..results import Answer, Kind

XSD = str(namespace.XSD)
DEFAULT_QUERY = "SELECT ?subject ?predicate ?object\nWHERE { ?subject ?predicate ?object }\nLIMIT 10"
#: The formats offered for download from the form (row names of the format table).
DOWNLOADS = ("json", "xml", "csv", "tsv", "turtle", "ntriples", "rdfxml", "jsonld")


@dataclass(frozen=True)
class Cell:
    """One value of the results table."""

    text: str
    link: str | None = None  # IRIs are links
    note: str = ""  # language tag or datatype


@dataclass
class Table:
    """Results ready to show: column names and rows of cells, or a boolean."""

    columns: list[str] = field(default_factory=list)
    rows: list[list[Cell | None]] = field(default_factory=list)
    boolean: bool | None = None


def _short(datatype: str) -> str:
    """An XML Schema datatype as people write it (``xsd:decimal``); others in full."""
    return datatype.replace(XSD, "xsd:", 1) if datatype.startswith(XSD) else datatype


def _cell(term: dict[str, object]) -> Cell:
    value = str(term.get("value"))
    kind = term.get("type")
    if kind == "uri":
        return Cell(value, link=value)
    if kind == "bnode":
        return Cell(f"_:{value}")
    if kind == "triple":
        return Cell(json.dumps(term.get("value")))
    note = term.get("xml:lang") or _short(str(term.get("datatype") or ""))
    return Cell(value, note=str(note))


def _term(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Cell:
    if isinstance(term, ox.NamedNode):
        return Cell(term.value, link=term.value)
    if isinstance(term, ox.BlankNode):
        return Cell(str(term))
    if isinstance(term, ox.Literal):
        return Cell(term.value, note=term.language or _short(term.datatype.value))
    return Cell(str(term))


def table(answer: Answer) -> Table:
    """Read an answer written for a page (JSON results or N-Triples) into a table."""
    if answer.kind is Kind.GRAPH:
        rows: list[list[Cell | None]] = [
            [_term(q.subject), _term(q.predicate), _term(q.object)]
            for q in ox.parse(answer.body, format=ox.RdfFormat.N_TRIPLES)]
        return Table(["subject", "predicate", "object"], rows)
    doc = json.loads(answer.body)
    if "boolean" in doc:
        return Table(boolean=bool(doc["boolean"]))
    columns = list(doc["head"]["vars"])
    rows = [[_cell(b[c]) if c in b else None for c in columns] for b in doc["results"]["bindings"]]
    return Table(columns, rows)


class Pages:
    """Renders the endpoint's HTML page from the package's templates."""

    def __init__(self, title: str, endpoint: str) -> None:
        self.environment = Environment(loader=PackageLoader("lima_lod.web", "templates"),
                                       autoescape=select_autoescape(["html"]))
        self.title = title
        self.endpoint = endpoint

    def query_page(self, query: str | None = None, answer: Answer | None = None,
                   error: str | None = None, status: int = 200) -> bytes:
        """The form, with the query's results (or its error) below it."""
        template = self.environment.get_template("query.html")
        return template.render(
            title=self.title, endpoint=self.endpoint, query=query or DEFAULT_QUERY,
            table=table(answer) if answer is not None else None, answer=answer, error=error,
            status=status, downloads=DOWNLOADS,
        ).encode()
