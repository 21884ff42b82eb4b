"""Dereferenceable IRIs: every resource, the vocabulary and the release files, for people and
machines.

``/id/{key}`` is a slash IRI of a thing, so it answers ``303 See Other`` to a document about it,
``/doc/{key}.{html,ttl,jsonld,nt,rdf}``, chosen by ``Accept`` (Cool URIs for the Semantic Web).
``/def/cfu`` and ``/def/cfu/{version}`` serve the vocabulary (HTML documentation for browsers),
``/def/shapes`` the shapes, ``/releases/{version}/{file}`` the release files the DCAT catalogue
links to, and ``/`` a home page. Documents are read through the same worker runner as SPARQL
queries, so they are bounded by the same deadline and result cap.
"""

from __future__ import annotations

import functools
import json
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from rdflib import OWL, Graph
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response

from ..context import build_context
from ..errors import NotAcceptable, NotFound
from ..formats import BY_NAME, Format, of_file
from ..iris import DOCUMENT_PATH, THING_PATH, document_path, is_key
from ..layout import CONTEXT_FILE, VOCABULARY_FOLDER, file_in, in_folder
from ..rdfio import bind, prefixes
from ..results import Choice
from ..settings import Settings
from ..store import Job, Statistics, Store
from .negotiation import pick
from .pages import Pages
from .site import Site
from .workers import Runner

#: What a document about a resource can be had in, the default first.
DOCUMENT_FORMATS: tuple[Format, ...] = tuple(
    BY_NAME[n] for n in ("html", "turtle", "jsonld", "ntriples", "rdfxml")
)
#: What the vocabulary and the shapes are published in (see the release's files).
TERM_FORMATS: tuple[Format, ...] = tuple(
    BY_NAME[n] for n in ("html", "turtle", "jsonld", "rdfxml", "ntriples")
)
CACHE_CONTROL = "public, max-age=3600"
EXISTS = "ASK {{ {{ <{iri}> ?p ?o }} UNION {{ ?s ?p <{iri}> }} }}"
#: The labels are named by prefixed names: the guard's lexer then proves the query holds no
#: SERVICE or FROM without parsing it (an IRI with ``#`` right after another term is "unsure").
DESCRIBE = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
CONSTRUCT {{ <{iri}> ?p ?o . ?o ?label ?ol . ?s ?ip <{iri}> . ?s ?label ?sl }}
WHERE {{
  {{ <{iri}> ?p ?o
     OPTIONAL {{ VALUES ?label {{ rdfs:label skos:prefLabel }} ?o ?label ?ol }} }}
  UNION
  {{ ?s ?ip <{iri}>
     OPTIONAL {{ VALUES ?label {{ rdfs:label skos:prefLabel }} ?s ?label ?sl }} }}
}}"""


class Resources:
    """Answers the linked-data routes of one app."""

    def __init__(
        self, settings: Settings, store: Store, runner: Runner, pages: Pages, statistics: Statistics
    ) -> None:
        self.settings = settings
        self.store = store
        self.statistics = statistics
        self.runner = runner
        self.pages = pages
        self.iris = settings.iris
        self.release = store.release
        self.meta: dict[str, Any] = self.release.summary if self.release else {}
        self.vocabulary = Graph()
        vocab_file = self.release.vocabulary_file() if self.release else None
        if vocab_file is not None:
            self.vocabulary.parse(vocab_file)
        self.shapes_version = ""
        shapes_file = self.release.shapes_file() if self.release else None
        if shapes_file is not None:
            shapes = Graph().parse(shapes_file)
            self.shapes_version = str(shapes.value(self.iris.shapes, OWL.versionInfo))
        self.prefixes = prefixes(self.iris)
        self.context = build_context(self.vocabulary, self.iris, self.prefixes)
        self.site = Site(settings, runner, pages, self.release, self.prefixes)  # HTML documents

    # -- documents about resources ----------------------------------------------------------
    def key(self, request: Request, prefix: str) -> str:
        """The resource key of a request, as percent-encoded in the IRI (the raw path)."""
        raw = request.scope.get("raw_path") or request.url.path.encode()
        key = raw.decode("ascii", "replace").split("?", 1)[0][len(prefix) :]
        if not is_key(key):
            raise NotFound(f"no resource {request.url.path}")
        return key

    async def run(self, job: Job) -> bytes:
        deadline = time.monotonic() + self.settings.query_timeout
        lease = await self.runner.run(job, deadline, page=True)
        lease.release()  # the body is parsed at once, and the budget is for answers in flight
        return lease.answer.body

    async def resource_graph(self, iri: str) -> Graph:
        """What the store knows of a resource: its triples, the triples pointing to it, labels."""
        query = DESCRIBE.format(iri=iri)
        body = await self.run(Job(query, Choice(None, None, "ntriples"), self.settings.max_results))
        graph = bind(Graph(), self.iris)
        graph.parse(data=body, format="nt")
        if not len(graph):
            raise NotFound(f"nothing is known about <{iri}>")
        return graph

    async def thing(self, request: Request) -> Response:
        """``/id/{key}``: 303 See Other to the document in the negotiated format."""
        key = self.key(request, THING_PATH)
        fmt = self.negotiate(request, DOCUMENT_FORMATS)
        iri = self.iris.resource_from_key(key)
        body = await self.run(Job(EXISTS.format(iri=iri), Choice(None, "json", None), 1))
        if not json.loads(body).get("boolean"):
            raise NotFound(f"nothing is known about <{iri}>")
        location = document_path(key, fmt.suffix)
        if request.query_params.get("lang"):  # the language switch's choice follows the link
            location += "?" + urlencode({"lang": request.query_params["lang"]})
        return RedirectResponse(location, status_code=303, headers={"Vary": "Accept"})

    async def document(self, request: Request) -> Response:
        """``/doc/{key}[.ext]``: the document about one resource."""
        key = self.key(request, DOCUMENT_PATH)
        fmt = None
        for candidate in DOCUMENT_FORMATS:
            if key.endswith(candidate.suffix):
                key, fmt = key[: -len(candidate.suffix)], candidate
                break
        headers = {"Cache-Control": CACHE_CONTROL}
        if fmt is None:
            fmt = self.negotiate(request, DOCUMENT_FORMATS)
            headers["Vary"] = "Accept"
            headers["Content-Location"] = document_path(key, fmt.suffix)
        iri = self.iris.resource_from_key(key)
        graph = await self.resource_graph(iri)
        if fmt.name == "html":  # pages by kind (web/site.py)
            return await self.site.document(request, graph, iri, key, headers)
        if fmt.name == "jsonld":
            # compacted with the vocabulary's context, embedded (short keys, typed values)
            body = graph.serialize(
                format="json-ld", context=self.context, auto_compact=True
            ).encode()
        else:
            body = graph.serialize(format=fmt.rdflib or "turtle", encoding="utf-8")
        return Response(body, media_type=fmt.content_type, headers=headers)

    # -- vocabulary, shapes, release files --------------------------------------------------
    def release_file(self, request: Request) -> Response:
        """``/releases/{version}/{path}``: a file of a published release, never outside it."""
        version, path = request.path_params["version"], request.path_params["path"]
        target = file_in(self.settings.dist, version, path)
        if target is None:
            raise NotFound(f"no release file {version}/{path}")
        fmt, compression = of_file(path)  # a .nt.gz file is served as the gzip it is
        return FileResponse(
            target,
            media_type=(compression or fmt).content_type,
            headers={"Cache-Control": CACHE_CONTROL},
        )

    def vocabulary_document(self, request: Request) -> Response:
        """``/def/cfu``, ``/def/cfu/{version}``, ``/def/shapes``, ``/def/shapes/{version}``, by
        content negotiation; ``/def/cfu[/{version}]/context.jsonld``, the JSON-LD context."""
        if self.release is None:
            raise NotFound("no release is served here")
        name = request.path_params.get("name", "cfu")
        version = request.path_params.get("version")
        if name == "cfu" and (
            version == CONTEXT_FILE or request.url.path.endswith("/" + CONTEXT_FILE)
        ):
            return self.context_document(None if version == CONTEXT_FILE else version)
        if name == "shapes":
            served = self.shapes_version
        elif name == "cfu":
            served = str(self.release.vocabulary_version)
        else:
            raise NotFound(f"no vocabulary {name}")
        if version is not None and version != served:
            raise NotFound(f"no {name} version {version} in the served release")
        fmt = self.negotiate(request, TERM_FORMATS[1:] if name == "shapes" else TERM_FORMATS)
        target = (
            self.release.shapes_file(fmt) if name == "shapes" else self.release.vocabulary_file(fmt)
        )
        if target is None:
            raise NotAcceptable(f"{request.url.path} is not available as {fmt.media_type}")
        headers = {"Vary": "Accept", "Cache-Control": CACHE_CONTROL}
        if fmt.name == "html":
            return Response(
                self.vocabulary_page(target), media_type=fmt.content_type, headers=headers
            )
        return FileResponse(target, media_type=fmt.content_type, headers=headers)

    @functools.cache  # noqa: B019 - one per app, as long as the app: the release is immutable
    def vocabulary_page(self, target: Path) -> bytes:
        """The vocabulary's page, read once: it links to its release's files from vocabulary/,
        so from ``/def/cfu`` those links go to ``/releases/<version>/``."""
        assert self.release is not None
        return target.read_bytes().replace(
            b'href="../', f'href="/releases/{self.release.version}/'.encode()
        )

    def context_document(self, version: str | None) -> Response:
        """The vocabulary's JSON-LD context, the latest or that of the served version."""
        assert self.release is not None
        if version is not None and version != self.meta.get("vocabulary_version"):
            raise NotFound(f"no context of vocabulary version {version} in the served release")
        target = self.release.file(in_folder(VOCABULARY_FOLDER, CONTEXT_FILE))
        if target is None:
            raise NotFound("this release has no JSON-LD context")
        return FileResponse(
            target, media_type="application/ld+json", headers={"Cache-Control": CACHE_CONTROL}
        )

    def home(self, request: Request) -> Response:
        """``/``: what is served here, with links to the endpoint, the data and the documents."""
        return self.site.home(
            request, self.meta, self.statistics.triples, sorted(self.statistics.graphs.items())
        )

    def negotiate(self, request: Request, candidates: tuple[Format, ...]) -> Format:
        return pick(request.headers.get("accept"), request.query_params.get("format"), candidates)
