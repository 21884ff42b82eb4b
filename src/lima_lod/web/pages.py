"""HTML for people: the query page, with a query's results as a table, from package templates.

The page's form submits by GET to the endpoint itself; the browser's ``Accept: text/html`` brings
back this page with the results, so it works offline and without JavaScript. Where YASGUI is
installed (npm, ``assets/``, served under ``/static/vendor/yasgui/``) the page's script replaces
the form with it; where it is not, the page says so and the form stays.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
from jinja2 import Environment, PackageLoader, select_autoescape
from rdflib import namespace

from ..iris import Iris
from ..results import Answer, Kind
from .frame import Chrome, Link
from .i18n import TEXTS, Texts

if TYPE_CHECKING:
    from .queries import Example

XSD = str(namespace.XSD)
DEFAULT_QUERY = (
    "SELECT ?subject ?predicate ?object\nWHERE { ?subject ?predicate ?object }\nLIMIT 10"
)
#: The formats offered for download from the form (row names of the format table).
DOWNLOADS = ("json", "xml", "csv", "tsv", "turtle", "ntriples", "rdfxml", "jsonld")
#: Where ``make install`` puts YASGUI's built files (npm ci in ``assets/``); served as
#: ``/static/vendor/yasgui/`` when present.
YASGUI = (
    Path(__file__).resolve().parent / "assets" / "node_modules" / "@zazuko" / "yasgui" / "build"
)
#: The results views of the query page (YASR's plugins), the default first.
VIEWS = ("table", "response")


def yasgui_style_hashes() -> list[str]:
    """CSP sources allowing the ``<style>`` elements YASGUI writes itself, and nothing else.

    Its table's column resizer adds one fixed stylesheet as a ``<style>`` element; everything
    else it styles through the CSSOM, which CSP does not restrict. A policy of
    ``style-src 'self' <these>`` (no 'unsafe-inline') and ``script-src 'self'`` (no
    'unsafe-eval') is enough for the query page: tests/test_browser.py runs it under one.
    """
    path = YASGUI / "yasgui.min.js"
    if not path.is_file():
        return []
    code = path.read_text(encoding="utf-8")
    return [
        f"'sha256-{base64.b64encode(hashlib.sha256(m.encode()).digest()).decode()}'"
        for m in re.findall(r"createStyle\(\w,`([^`]*)`\)", code)
    ]


def yasgui_installed() -> bool:
    """Say whether YASGUI's files are there to serve (``make install`` puts them there)."""
    return (YASGUI / "yasgui.min.js").is_file() and (YASGUI / "yasgui.min.css").is_file()


#: Rows a results page shows at most: rendering costs CPU per row; the downloads have them all.
MAX_ROWS = 1000
#: Schemes an IRI in the results may be a link for: a ``javascript:`` or ``data:`` IRI is text.
LINKED = ("http://", "https://")


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
    total: int = 0  # rows in the answer; more than len(rows) when the page shows fewer


def _short(datatype: str) -> str:
    """An XML Schema datatype as people write it (``xsd:decimal``); others in full."""
    return datatype.replace(XSD, "xsd:", 1) if datatype.startswith(XSD) else datatype


def _iri(value: str) -> Cell:
    """An IRI: a link when it is a web address, else text (never a script to run)."""
    return Cell(value, link=value if value.lower().startswith(LINKED) else None)


def _cell(term: dict[str, object]) -> Cell:
    value = str(term.get("value"))
    kind = term.get("type")
    if kind == "uri":
        return _iri(value)
    if kind == "bnode":
        return Cell(f"_:{value}")
    if kind == "triple":
        return Cell(json.dumps(term.get("value")))
    note = term.get("xml:lang") or _short(str(term.get("datatype") or ""))
    return Cell(value, note=str(note))


def _term(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Cell:
    if isinstance(term, ox.NamedNode):
        return _iri(term.value)
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
            for q in islice(ox.parse(answer.body, format=ox.RdfFormat.N_TRIPLES), MAX_ROWS)
        ]
        return Table(["subject", "predicate", "object"], rows, total=answer.count)
    doc = json.loads(answer.body)
    if "boolean" in doc:
        return Table(boolean=bool(doc["boolean"]))
    columns = list(doc["head"]["vars"])
    bindings = doc["results"]["bindings"]
    rows = [[_cell(b[c]) if c in b else None for c in columns] for b in bindings[:MAX_ROWS]]
    return Table(columns, rows, total=len(bindings))


class Pages:
    """Renders the endpoint's HTML page from the package's templates."""

    def __init__(
        self,
        title: str,
        endpoint: str,
        iris: Iris | None = None,
        examples: list[Example] | None = None,
    ) -> None:
        self.environment = Environment(
            loader=PackageLoader("lima_lod.web", "templates"),
            autoescape=select_autoescape(["html"]),
        )
        self.title = title
        self.endpoint = endpoint
        self.iris = iris or Iris()
        self.examples = examples or []
        self.yasgui = yasgui_installed()
        self.environment.filters["local"] = self.local
        prefixes = {
            "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
            "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
            "xsd": XSD,
            "owl": "http://www.w3.org/2002/07/owl#",
            **self.iris.prefixes(),
        }
        self.prefixes = dict(sorted(prefixes.items()))

    def local(self, iri: str) -> str:
        """Where a link to an IRI goes: our own IRIs to this server's pages, others as they are."""
        return "/" + iri[len(self.iris.base) :] if iri.startswith(self.iris.base) else iri

    def editor_config(self, query: str | None, lang: str = "en") -> str:
        """What the page's script needs, as JSON for a ``data-`` attribute (no inline script)."""
        declared = ("rdf", "rdfs", "xsd", "skos", "dcterms", "qb", "cfu", "lima")
        prologue = "".join(
            f"PREFIX {p}: <{self.prefixes[p]}>\n" for p in declared if p in self.prefixes
        )
        return json.dumps(
            {
                "endpoint": "sparql",
                "base": self.iris.base,
                "prefixes": self.prefixes,
                "query": query,
                "default": prologue + "\n" + DEFAULT_QUERY,
                "views": list(VIEWS),
                "formats": {
                    "solutions": ["json", "xml", "csv", "tsv"],
                    "graph": ["turtle", "ntriples", "rdfxml", "jsonld"],
                },
                "labels": {
                    key.removeprefix("editor."): Texts(lang)(key)
                    for key in TEXTS
                    if key.startswith("editor.")
                },
            }
        )

    def query_page(
        self,
        chrome: Chrome,
        query: str | None = None,
        answer: Answer | None = None,
        error: str | None = None,
        status: int = 200,
    ) -> bytes:
        """The query page, with the query's results (or its error) below the form."""
        return self.render(
            chrome,
            "query.html",
            title=Link(chrome.t("query.title")),
            endpoint=self.endpoint,
            sparql=query or DEFAULT_QUERY,
            asked=query,
            table=table(answer) if answer is not None else None,
            answer=answer,
            error=error,
            status=status,
            downloads=DOWNLOADS,
            examples=self.examples,
            yasgui=self.yasgui,
            config=self.editor_config(query, chrome.lang),
        )

    def error_page(self, chrome: Chrome, status: int, message: str) -> bytes:
        """A refusal or a miss, for a browser: what happened, in the site's frame."""
        heading = chrome.t(f"error.{status}" if f"error.{status}" in TEXTS else "error.other")
        return self.render(
            chrome,
            "error.html",
            title=Link(heading),
            heading=heading,
            status=status,
            message=message,
        )

    def render(self, chrome: Chrome, template: str, **extra: Any) -> bytes:
        """A page of the site: a template in the frame of one request."""
        return self.environment.get_template(template).render(**chrome.context(**extra)).encode()
