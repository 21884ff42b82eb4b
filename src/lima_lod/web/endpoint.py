"""The /sparql endpoint: read the request, check the query, answer from the cache or a worker.

The order of a request: protocol (400/403/413/414/415) -> negotiation (406) -> revalidation
(304, before any work) -> answer cache -> guard (400 for SERVICE, unknown FROM graphs) ->
runner (deadline and memory bound: 503) -> response with ETag, Last-Modified, Vary and the
result cap's headers: ``X-Result-Limit: N`` always, ``X-Result-Truncated: true`` when cut.
"""

from __future__ import annotations

import hashlib
import time
from email.utils import format_datetime, parsedate_to_datetime

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import Response

from ..errors import Forbidden, LimaLodError, MalformedQuery, PayloadTooLarge, URITooLong
from ..formats import W3C_FORMATS, Format
from ..iris import DCTERMS, SD, VOID
from ..results import Answer, Choice
from ..settings import Settings
from ..store import GraphSelection, Job, Statistics, Store
from . import guard, negotiation, protocol
from .cache import AnswerCache
from .pages import Pages
from .service_description import endpoint_url, serialize, service_graph
from .workers import Runner

CACHE_CONTROL = "public, max-age=300"
ALLOW = "GET, HEAD, POST, OPTIONS"


def wants_page(request: Request) -> bool:
    """Say whether a person's browser asked (its Accept puts HTML first)."""
    return negotiation.wants_html(request.headers.get("accept"))


class Endpoint:
    """Answers the SPARQL protocol for one store; one per app."""

    def __init__(self, settings: Settings, store: Store, runner: Runner,
                 statistics: Statistics) -> None:
        self.settings = settings
        self.store = store
        self.runner = runner
        self.url = endpoint_url(settings.public)
        self.pages = Pages("lima-lod", self.url)
        self.held = store.graphs()
        self.cache = AnswerCache(settings.cache_mb * 1024 * 1024)
        release = store.release
        self.last_modified = format_datetime(release.built, usegmt=True) if release else None
        self.modified = release.built.replace(microsecond=0) if release else None
        self.tag = release.fingerprint if release else hashlib.sha256(
            str(time.time()).encode()).hexdigest()[:16]
        self.description = service_graph(settings.public, settings.iris, statistics, release)
        self._descriptions: dict[str, bytes] = {}
        self.prefixes = {"sd": str(SD), "void": str(VOID), "dcterms": str(DCTERMS),
                         "formats": W3C_FORMATS}

    # -- helpers ---------------------------------------------------------------------------
    def _validators(self, key: str) -> dict[str, str]:
        digest = hashlib.blake2b(key.encode(), digest_size=12).hexdigest()
        headers = {"ETag": f'W/"{self.tag}-{digest}"', "Cache-Control": CACHE_CONTROL,
                   "Vary": "Accept"}
        if self.last_modified:
            headers["Last-Modified"] = self.last_modified
        return headers

    def _not_modified(self, request: Request, headers: dict[str, str]) -> bool:
        if request.method not in ("GET", "HEAD"):
            return False
        if_none_match = request.headers.get("if-none-match")
        if if_none_match is not None:
            tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
            return "*" in tags or headers["ETag"].removeprefix("W/") in tags
        since = request.headers.get("if-modified-since")
        if since and self.modified is not None:
            try:
                return parsedate_to_datetime(since) >= self.modified
            except (TypeError, ValueError):
                return False
        return False

    async def _body(self, request: Request) -> bytes:
        limit = self.settings.max_request_bytes
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise PayloadTooLarge(f"the request body is over the limit of {limit} bytes")
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise PayloadTooLarge(f"the request body is over the limit of {limit} bytes")
            chunks.append(chunk)
        return b"".join(chunks)

    # -- the endpoint ----------------------------------------------------------------------
    async def __call__(self, request: Request) -> Response:
        """Answer one request to /sparql; refusals become error responses upstream."""
        if request.method == "OPTIONS":
            return Response(status_code=204, headers={"Allow": ALLOW})
        query_string = request.scope["query_string"].decode("latin-1")
        if len(query_string) > self.settings.max_request_bytes:
            raise URITooLong(f"the query string is over the limit of "
                             f"{self.settings.max_request_bytes} bytes; POST the query instead")
        body = await self._body(request) if request.method == "POST" else b""
        operation = protocol.read(request.method, query_string,
                                  request.headers.get("content-type"), body)
        accept = request.headers.get("accept")
        if operation.query is None:
            return self._describe(request, negotiation.description_format(accept, operation.format))
        chosen = negotiation.choose(accept, operation.format)
        choice = negotiation.store_choice(chosen)
        key = (operation.query, operation.dataset, choice)
        # The ETag names the representation: an HTML page and the JSON it shows differ.
        served = tuple(fmt.name if fmt else "" for fmt in chosen.values())
        headers = self._validators(repr((key, served)))
        if self._not_modified(request, headers):
            return Response(status_code=304, headers=headers)
        answer = self.cache.get(key)
        if answer is None:
            answer = await self._run(operation.query, operation.dataset, choice)
            self.cache.put(key, answer)
        fmt = chosen[answer.kind]
        assert fmt is not None  # the store wrote it, so it was chosen
        headers["X-Result-Limit"] = str(self.settings.max_results)
        if answer.truncated:
            headers["X-Result-Truncated"] = "true"
        if fmt.name == "html":
            page = self.pages.query_page(operation.query, answer)
            return Response(page, headers=headers, media_type=fmt.content_type)
        return Response(answer.body, headers=headers, media_type=fmt.content_type)

    async def _run(self, query: str, dataset: GraphSelection | None, choice: Choice) \
            -> Answer:
        deadline = time.monotonic() + self.settings.query_timeout
        if guard.may_reach_out(query):  # parsing takes milliseconds
            from_clause = await anyio.to_thread.run_sync(guard.check, query, self.held)
        else:
            from_clause = guard.check(query, self.held)
        job = Job(query, choice, self.settings.max_results, dataset or from_clause, self.url)
        try:
            return await anyio.to_thread.run_sync(self.runner.run, job, deadline)
        except MalformedQuery:
            if guard.is_update(query):
                raise Forbidden("this endpoint is read-only: SPARQL updates are not accepted") \
                    from None
            raise

    def _describe(self, request: Request, fmt: Format) -> Response:
        headers = self._validators(f"service-description {fmt.name}")
        if self._not_modified(request, headers):
            return Response(status_code=304, headers=headers)
        if fmt.name == "html":
            return Response(self.pages.query_page(), headers=headers, media_type=fmt.content_type)
        if fmt.name not in self._descriptions:
            self._descriptions[fmt.name] = serialize(self.description, fmt, self.prefixes)
        return Response(self._descriptions[fmt.name], headers=headers,
                        media_type=fmt.content_type)

    def error_page(self, request: Request, error: LimaLodError) -> bytes | None:
        """The HTML page for an error, when a browser asked; None otherwise."""
        if not wants_page(request):
            return None
        query = request.query_params.get("query")
        return self.pages.query_page(query, error=str(error), status=error.status)
