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
from typing import TYPE_CHECKING

import pyoxigraph as ox
from jinja2 import Environment, PackageLoader, select_autoescape
from rdflib import namespace

from ..iris import Iris
from ..results import Answer, Kind

if TYPE_CHECKING:
    from starlette.requests import Request

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
LANGUAGES = ("en", "es")
#: The query page's interface text, per language: keys as the pages' i18n table uses them, so
#: the two tables can be merged.
TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "query.title": "SPARQL query",
        "query.endpoint": "Endpoint",
        "query.description": "service description as",
        "query.label": "Query",
        "query.run": "Run query",
        "query.as": "as",
        "query.as_table": "a table on this page",
        "query.no_editor": "The interactive editor (YASGUI) is not installed on this server "
        "(make install installs it); this plain form works without it.",
        "query.examples": "Example queries",
        "query.examples_intro": "Each runs with one click; each has its own address, which "
        "gives its text, its results or a page.",
        "query.run_example": "Run",
        "query.example_iri": "its page",
        "query.downloads": "Download the results",
        "query.permalink": "Permalink",
        "query.permalink_help": "reproduces this query and this view of its results",
        "query.results": "Results",
        "query.answer": "Answer",
        "query.error": "Error",
        "query.result": "result",
        "query.results_n": "results",
        "query.truncated": "cut at the limit of",
        "query.shown": "This page shows the first %d of %d; download them all with the form above.",
        "query.open": "Open in the query page",
        "query.text": "Query text",
        "query.formats": "This query as",
        "editor.editor": "SPARQL query editor",
        "editor.endpoint": "SPARQL endpoint",
        "editor.pageSize": "Rows per page",
        "editor.filter": "Filter the results",
        "nav.label": "Site",
        "nav.home": "Home",
        "nav.query": "Query",
        "nav.examples": "Example queries",
        "nav.language": "Language",
        "footer.licence": "Data and vocabulary under CC BY 4.0; code under the MIT licence.",
    },
    "es": {
        "query.title": "Consulta SPARQL",
        "query.endpoint": "Punto de acceso",
        "query.description": "descripción del servicio en",
        "query.label": "Consulta",
        "query.run": "Ejecutar la consulta",
        "query.as": "como",
        "query.as_table": "una tabla en esta página",
        "query.shown": "Esta página muestra los primeros %d de %d; descárguelos todos con el "
        "formulario de arriba.",
        "query.no_editor": "El editor interactivo (YASGUI) no está instalado en este servidor "
        "(make install lo instala); este formulario sencillo funciona sin él.",
        "query.examples": "Consultas de ejemplo",
        "query.examples_intro": "Cada una se ejecuta con un clic; cada una tiene su propia "
        "dirección, que da su texto, sus resultados o una página.",
        "query.run_example": "Ejecutar",
        "query.example_iri": "su página",
        "query.downloads": "Descargar los resultados",
        "query.permalink": "Enlace permanente",
        "query.permalink_help": "reproduce esta consulta y esta vista de sus resultados",
        "query.results": "Resultados",
        "query.answer": "Respuesta",
        "query.error": "Error",
        "query.result": "resultado",
        "query.results_n": "resultados",
        "query.truncated": "cortados en el límite de",
        "query.open": "Abrir en la página de consulta",
        "query.text": "Texto de la consulta",
        "query.formats": "Esta consulta en",
        "editor.editor": "Editor de consultas SPARQL",
        "editor.endpoint": "Punto de acceso SPARQL",
        "editor.pageSize": "Filas por página",
        "editor.filter": "Filtrar los resultados",
        "nav.label": "Sitio",
        "nav.home": "Inicio",
        "nav.query": "Consulta",
        "nav.examples": "Consultas de ejemplo",
        "nav.language": "Idioma",
        "footer.licence": "Datos y vocabulario bajo CC BY 4.0; código bajo la licencia MIT.",
    },
}


def texts(lang: str) -> dict[str, str]:
    """The interface text of a language (English for any other)."""
    return TEXTS.get(lang, TEXTS["en"])


def language(request: Request) -> str:
    """The reader's language: the ``lang`` parameter, else ``Accept-Language``, else English."""
    asked = request.query_params.get("lang", "").lower()
    if asked in LANGUAGES:
        return asked
    ranked = []
    for element in request.headers.get("accept-language", "").split(","):
        tag, _, param = element.strip().partition(";")
        try:
            q = float(param.strip()[2:]) if param.strip().startswith("q=") else 1.0
        except ValueError:
            q = 1.0
        primary = tag.strip().lower().split("-", 1)[0]
        if primary in LANGUAGES and q > 0:
            ranked.append((-q, primary))
    return min(ranked)[1] if ranked else "en"


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
                    key.removeprefix("editor."): value
                    for key, value in texts(lang).items()
                    if key.startswith("editor.")
                },
            }
        )

    def query_page(
        self,
        query: str | None = None,
        answer: Answer | None = None,
        error: str | None = None,
        status: int = 200,
        lang: str = "en",
    ) -> bytes:
        """The query page, with the query's results (or its error) below the form."""
        template = self.environment.get_template("query.html")
        return template.render(
            lang=lang,
            t=texts(lang),
            title=self.title,
            endpoint=self.endpoint,
            query=query or DEFAULT_QUERY,
            asked=query,
            table=table(answer) if answer is not None else None,
            answer=answer,
            error=error,
            status=status,
            downloads=DOWNLOADS,
            examples=self.examples,
            yasgui=self.yasgui,
            config=self.editor_config(query, lang),
        ).encode()
