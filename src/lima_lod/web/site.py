"""Pages for people: the frame every page shares (language, search box, provenance, data links),
the generic page of any resource, and the routes of search, charts and the favicon.

``Resources`` hands each HTML document to :meth:`Site.document`, which picks the page of the
resource's kind (``views.BUILDERS``) and falls back to the generic page. Everything a page shows
is read with SPARQL through the runner (``lookup.Lookup``), never from the release files,
except the validation report, which the release ships beside the data.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import anyio.to_thread
from markupsafe import Markup
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.term import Node
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ..errors import NotFound
from ..formats import BY_NAME, Format
from ..layout import VALIDATION_REPORT, Release
from ..rdfio import new_graph
from ..settings import Settings
from . import search as searching
from .favicon import ico
from .frame import Chrome, Link
from .i18n import TEXTS, pick
from .lookup import Index, Lookup
from .pages import Pages
from .workers import Runner

if TYPE_CHECKING:
    from .compare import Cube

DOCUMENT_FORMATS: tuple[Format, ...] = tuple(
    BY_NAME[n] for n in ("turtle", "jsonld", "ntriples", "rdfxml")
)
DCTERMS = "http://purl.org/dc/terms/"
#: How many values of one incoming property a page shows at a time.
INCOMING_PAGE = 10
CC_BY = "https://creativecommons.org/licenses/by/4.0/"


def json_for_script(text: str) -> Markup:
    """JSON safe inside ``<script>``: ``<``, ``>`` and ``&`` as \\u escapes (all sit in strings)."""
    return Markup(text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e"))


class Frame(Chrome):
    """The frame of a resource page: ``Chrome`` plus labels and links of the data's resources."""

    def __init__(self, site: Site, request: Request) -> None:
        super().__init__(request)
        self.site = site
        self.index: Index = site.lookup.index()

    def link(self, iri: str) -> Link:
        """A resource by its name in the reader's language (its short form if it has none)."""
        found = self.index.label(iri, self.lang)
        vocab = str(self.site.iris.vocab)
        local = (
            f"/term/{iri[len(vocab) :]}"
            if iri.startswith(vocab) and iri != vocab
            else self.site.local(iri)
        )
        href = self.href(local) if local and local.startswith("/") else local
        if found:
            return Link(found[0], href, found[1], iri)
        parsed = self.site.iris.parse(iri)  # unnamed (a membership): its kind and keys
        text = f"{parsed[0]} {'/'.join(parsed[1])}" if parsed else self.site.qname(iri)
        return Link(text, href, "", iri)

    def value(self, node: Node) -> Link:
        if isinstance(node, Literal):
            note = node.language or ""
            return Link(str(node), None, note)
        return self.link(str(node))

    def render(self, template: str, **extra: Any) -> bytes:
        return self.site.pages.render(self, template, **extra)


class Site:
    """The pages for people of one app."""

    def __init__(
        self,
        settings: Settings,
        runner: Runner,
        pages: Pages,
        release: Release | None,
        prefixes: dict[str, str],
    ) -> None:
        self.settings = settings
        self.iris = settings.iris
        self.pages = pages
        self.release = release
        self.prefixes = prefixes
        self.lookup = Lookup(settings, runner)
        self._warnings: Graph | None = None
        self._cube: Cube | None = None

    def local(self, iri: str) -> str | None:
        if iri.startswith(self.iris.base):
            return "/" + iri[len(self.iris.base) :]
        return iri if iri.startswith(("http://", "https://")) else None

    def qname(self, iri: str) -> str:
        for prefix, namespace in sorted(self.prefixes.items(), key=lambda p: -len(p[1])):
            if iri.startswith(namespace) and "/" not in iri[len(namespace) :]:
                return f"{prefix}:{iri[len(namespace) :]}"
        return iri

    def cube(self, frame: Frame) -> Cube:
        """Every report's ratings and what each round used, read once: the release is immutable
        and the comparison pages all draw on it."""
        from .compare import read

        if self._cube is None:
            self._cube = read(frame)
        return self._cube

    def validation(self) -> Graph:
        """The release's validation report (its warnings are shown as notes), read once."""
        if self._warnings is None:
            graph = Graph()
            path = self.release.path / VALIDATION_REPORT if self.release else None
            if path is not None and path.is_file():
                graph.parse(path)
            self._warnings = graph
        return self._warnings

    # -- the document of a resource ---------------------------------------------------------
    async def document(
        self, request: Request, graph: Graph, iri: URIRef, key: str, headers: dict[str, str]
    ) -> Response:
        """The HTML page of one resource: the page of its kind, else the generic page."""
        return await anyio.to_thread.run_sync(self._document, request, graph, iri, key, headers)

    def _document(
        self, request: Request, graph: Graph, iri: URIRef, key: str, headers: dict[str, str]
    ) -> Response:
        from .views import BUILDERS

        frame = Frame(self, request)
        parsed = self.iris.parse(str(iri))
        kind = parsed[0] if parsed else ""
        common = self.common(frame, graph, iri, key)
        builder = BUILDERS.get(kind)
        if builder is not None:
            template, extra = builder(frame, graph, iri, parsed[1] if parsed else ())
            common.update(extra)
        else:
            template = "resource.html"
        return frame.respond(frame.render(template, **common), headers)

    def common(self, frame: Frame, graph: Graph, iri: URIRef, key: str) -> dict[str, Any]:
        """What every resource page shows: name, types, properties, incoming links, provenance."""
        from .compare import page_of

        title = frame.link(str(iri))
        own = new_graph(self.iris)
        for p, o in graph.predicate_objects(iri):
            own.add((iri, p, o))
        jsonld = own.serialize(format="json-ld", context=self.prefixes, auto_compact=True)
        rows: dict[str, tuple[Link, list[Link]]] = {}
        for p, o in sorted(graph.predicate_objects(iri), key=lambda po: (str(po[0]), str(po[1]))):
            if p != RDF.type:
                rows.setdefault(str(p), (frame.link(str(p)), []))[1].append(frame.value(o))
        return {
            "title": title,
            "iri": str(iri),
            "key": key,
            "jsonld": json_for_script(jsonld),
            "types": [frame.link(str(t)) for t in graph.objects(iri, RDF.type)],
            "rows": list(rows.values()),
            "incoming": self.incoming(frame, graph, iri),
            "formats": DOCUMENT_FORMATS,
            "canonical": f"{self.settings.public}/doc/{key}",
            "provenance": self.provenance(frame, graph, iri),
            "compare_href": page_of(frame, str(iri)),
        }

    def incoming(self, frame: Frame, graph: Graph, iri: URIRef) -> list[dict[str, Any]]:
        """Links pointing here, grouped by property, counted, ``INCOMING_PAGE`` per page."""
        try:
            page = max(int(frame.request.query_params.get("page", "1")), 1)
        except ValueError:
            page = 1
        groups: dict[str, list[Link]] = {}
        for s, p in graph.subject_predicates(iri):
            groups.setdefault(str(p), []).append(frame.link(str(s)))
        out = []
        for prop, links in sorted(groups.items(), key=lambda g: frame.link(g[0]).text.lower()):
            links.sort(key=lambda x: x.text.lower())
            start = (page - 1) * INCOMING_PAGE
            out.append(
                {
                    "property": frame.link(prop),
                    "count": len(links),
                    "links": links[start : start + INCOMING_PAGE],
                    "more": len(links) > start + INCOMING_PAGE,
                    "page": page,
                }
            )
        return out

    def provenance(self, frame: Frame, graph: Graph, iri: URIRef) -> dict[str, Any]:
        """Which report and where in it, the source document, the licence, how to cite."""
        vocab = self.iris.vocab
        return {
            "locations": [frame.value(o) for o in graph.objects(iri, vocab.sourceLocation)],
            "sources": [frame.value(o) for o in graph.objects(iri, URIRef(DCTERMS + "source"))],
            "reports": [frame.value(o) for o in graph.objects(iri, URIRef(DCTERMS + "isPartOf"))],
            "licence": CC_BY,
        }

    # -- other routes ---------------------------------------------------------------------
    def search(self, request: Request) -> Response:
        """``/search?q=``: HTML for browsers, JSON for ``Accept: application/json``."""
        frame = Frame(self, request)
        text = request.query_params.get("q", "")
        hits = searching.search(frame.index, text, frame.lang, self.kind_name(frame))
        accept = request.headers.get("accept", "")
        if ("application/json" in accept and "text/html" not in accept) or request.query_params.get(
            "format"
        ) == "json":
            return JSONResponse(
                {
                    "query": text,
                    "hits": [
                        {
                            "iri": h.iri,
                            "label": h.label,
                            "lang": h.lang,
                            "kind": h.kind,
                            "kind_iri": h.kind_iri,
                            "matched": h.matched,
                            "href": frame.link(h.iri).href,
                        }
                        for h in hits
                    ],
                },
                headers={"Vary": "Accept, Accept-Language, Cookie"},
            )
        rows = [(h, frame.link(h.iri).href or h.iri) for h in hits]
        return frame.respond(
            frame.render("search.html", hits=rows, text=text, title=Link(frame.t("search_results")))
        )

    def chart(self, request: Request) -> Response:
        """``/charts/report/{key}/summary.svg``, ``.../axis/{code}.svg``, ``/charts/commitment/{n}.svg``."""
        from . import charts, views

        frame = Frame(self, request)
        path = request.path_params["path"]
        parts = path.removesuffix(".svg").split("/")
        svg = None
        if path.endswith(".svg") and parts[0] == "report" and len(parts) in (3, 4):
            report = str(self.iris.report(parts[1]))
            axes = views.report_axes(frame, report)
            if parts[2] == "summary" and len(parts) == 3 and axes:
                svg = views.summary_chart(frame, axes)
            elif parts[2] == "axis" and len(parts) == 4:
                svg = next(
                    (views.axis_chart(frame, report, a) for a in axes if a.code == parts[3]), None
                )
        elif path.endswith(".svg") and parts[0] == "commitment" and len(parts) == 2:
            svg = views.commitment_chart(frame, str(self.iris.commitment(parts[1])), parts[1])
        if svg is None:
            raise NotFound(f"no chart {path}")
        return Response(
            charts.document(svg),
            media_type="image/svg+xml",
            headers={"Vary": "Accept-Language, Cookie", "Cache-Control": "public, max-age=3600"},
        )

    def compare(self, request: Request) -> Response:
        """``/compare`` and ``/compare/{kind}/{key}``: the ratings compared across reports."""
        from . import compare

        frame = Frame(self, request)
        context = compare.page(frame, request.path_params.get("path", ""))
        return frame.respond(
            frame.render("compare.html", **context), {"Cache-Control": "public, max-age=3600"}
        )

    def home(
        self, request: Request, meta: dict[str, Any], triples: int, graphs: list[tuple[str, int]]
    ) -> Response:
        """``/``: what is served here, in the reader's language."""
        frame = Frame(self, request)
        files = [f for f in meta.get("files", []) if isinstance(f, dict)]
        body = frame.render(
            "home.html",
            meta=meta,
            files=files,
            triples=triples,
            graphs=graphs,
            version=meta.get("version"),
            title=None,
        )
        return frame.respond(body, {"Cache-Control": "public, max-age=3600"})

    def term(self, request: Request) -> Response:
        """``/term/{name}``: a term of the cfu vocabulary, with examples from the data."""
        from .views import term

        frame = Frame(self, request)
        name = request.path_params["name"]
        context = term(frame, name) if name.isidentifier() else None
        if context is None:
            raise NotFound(f"no term {name} in the vocabulary")
        return frame.respond(
            frame.render("term.html", **context), {"Cache-Control": "public, max-age=3600"}
        )

    def kind_name(self, frame: Frame) -> searching.KindName:
        def name(iri: str) -> str:
            found = frame.index.label(iri, frame.lang)
            key = "kind:" + iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
            return found[0] if found else frame.t(key) if key in TEXTS else frame.site.qname(iri)

        return name

    def favicon(self, request: Request) -> Response:
        """``/favicon.ico``: our own drawing (``favicon.py``)."""
        return Response(
            ico(), media_type="image/x-icon", headers={"Cache-Control": "public, max-age=86400"}
        )


def pick_text(values: list[Literal], lang: str) -> Link | None:
    """One of several language versions of a text, by the fallback chain."""
    found = pick(((str(v), v.language or "") for v in values), lang)
    return Link(found[0], None, found[1]) if found else None


def dump(data: object) -> str:
    return json.dumps(data, ensure_ascii=False)
