"""The /sparql endpoint: read the request, check the query, answer from the cache or a worker.

The order of a request: protocol (400/403/413/414/415) -> negotiation (406) -> revalidation
(304, before any work) -> answer cache -> runner, where a worker checks the query (400 for
SERVICE, unknown FROM graphs, 403 for updates) and answers it under the deadline and memory
bound (503) -> response with ETag, Last-Modified, Vary and the result cap's headers:
``X-Result-Limit: N`` always, ``X-Result-Truncated: true`` when cut.

Nothing of unbounded cost runs on the event loop: parsing and checking happen in the worker,
HTML tables are rendered in a thread (a few at a time), and answers are sent in chunks that
wait for the client to read (see :class:`Sent`).
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Callable
from email.utils import format_datetime, parsedate_to_datetime

import anyio
import anyio.to_thread
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from ..errors import BadRequest, LimaLodError, PayloadTooLarge, URITooLong
from ..formats import W3C_FORMATS, Format
from ..iris import DCTERMS, SD, VOID
from ..results import Answer, Choice
from ..settings import Settings
from ..store import GraphSelection, Job, Statistics, Store
from . import negotiation, protocol
from .cache import AnswerCache
from .frame import PAGE_VARY, Chrome
from .pages import Pages
from .queries import read_examples
from .service_description import endpoint_url, serialize, service_graph
from .workers import Lease, Runner

CACHE_CONTROL = "public, max-age=300"
ALLOW = "GET, HEAD, POST, OPTIONS"
CHUNK = 65536  # bytes sent at a time: the next chunk waits until the client has read
SEND_TIMEOUT = 60.0  # seconds a client may leave a chunk unread before it is dropped
RENDERERS = 2  # HTML tables rendered at once, each in a thread
BODY_TIMEOUT = 30.0  # seconds a client may take to send a request body


class Sent(Response):
    """A response whose body is sent in chunks, each after the client read the last one.

    The body is not copied (memoryview slices); ``release`` runs once it is sent or the
    client is gone, giving the answer's bytes back to the budget.
    """

    def __init__(
        self, content: bytes, release: Callable[[], None] = lambda: None, **kwargs: object
    ) -> None:
        self.release = release
        super().__init__(content, **kwargs)  # type: ignore[arg-type]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await send(
                {
                    "type": "http.response.start",
                    "status": self.status_code,
                    "headers": self.raw_headers,
                }
            )
            if len(self.body) <= CHUNK:  # most answers: one send, nothing to wait for
                await send({"type": "http.response.body", "body": self.body})
                return
            view = memoryview(self.body)
            for start in range(0, len(view), CHUNK):
                last = start + CHUNK >= len(view)
                await asyncio.wait_for(
                    send(
                        {
                            "type": "http.response.body",
                            "more_body": not last,
                            "body": view[start : start + CHUNK],
                        }
                    ),
                    SEND_TIMEOUT,
                )
        finally:
            self.release()


def wants_page(request: Request) -> bool:
    """Say whether a person's browser asked (its Accept puts HTML first)."""
    return negotiation.wants_html(request.headers.get("accept"))


class Endpoint:
    """Answers the SPARQL protocol for one store; one per app."""

    def __init__(
        self, settings: Settings, store: Store, runner: Runner, statistics: Statistics
    ) -> None:
        self.settings = settings
        self.store = store
        self.runner = runner
        self.url = endpoint_url(settings.public)
        self.pages = Pages(
            "lima-lod",
            self.url,
            settings.iris,
            read_examples(settings.root / "queries", settings.iris),
        )
        self.held = store.graphs()
        self.cache = AnswerCache(settings.cache_mb * 1024 * 1024)
        self._renderers = anyio.CapacityLimiter(RENDERERS)
        release = store.release
        self.last_modified = format_datetime(release.built, usegmt=True) if release else None
        self.modified = release.built.replace(microsecond=0) if release else None
        self.tag = (
            release.fingerprint
            if release
            else hashlib.sha256(str(time.time()).encode()).hexdigest()[:16]
        )
        self.description = service_graph(settings.public, settings.iris, statistics, release)
        self._descriptions: dict[str, bytes] = {}
        self.prefixes = {
            "sd": str(SD),
            "void": str(VOID),
            "dcterms": str(DCTERMS),
            "formats": W3C_FORMATS,
        }

    # -- helpers ---------------------------------------------------------------------------
    def _validators(self, key: str, chrome: Chrome | None = None) -> dict[str, str]:
        """ETag and caching headers; a page's name its language, and vary on what chose it."""
        if chrome is not None:
            key += f" page {chrome.lang}"
        digest = hashlib.blake2b(key.encode(), digest_size=12).hexdigest()
        headers = {
            "ETag": f'W/"{self.tag}-{digest}"',
            "Cache-Control": CACHE_CONTROL,
            "Vary": PAGE_VARY if chrome is not None else "Accept",
        }
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
        try:
            async with asyncio.timeout(BODY_TIMEOUT):  # a slow body holds a task: bound it
                async for chunk in request.stream():
                    size += len(chunk)
                    if size > limit:
                        raise PayloadTooLarge(
                            f"the request body is over the limit of {limit} bytes"
                        )
                    chunks.append(chunk)
        except TimeoutError:
            raise BadRequest(f"the request body did not arrive within {BODY_TIMEOUT:g} s") from None
        return b"".join(chunks)

    # -- the endpoint ----------------------------------------------------------------------
    async def __call__(self, request: Request) -> Response:
        """Answer one request to /sparql; refusals become error responses upstream."""
        if request.method == "OPTIONS":
            return Response(status_code=204, headers={"Allow": ALLOW})
        query_string = request.scope["query_string"].decode("latin-1")
        if len(query_string) > self.settings.max_request_bytes:
            raise URITooLong(
                f"the query string is over the limit of "
                f"{self.settings.max_request_bytes} bytes; POST the query instead"
            )
        body = await self._body(request) if request.method == "POST" else b""
        operation = protocol.read(
            request.method, query_string, request.headers.get("content-type"), body
        )
        if operation.query is None:
            return self._describe(
                request,
                negotiation.description_format(request.headers.get("accept"), operation.format),
            )
        return await self.respond(request, operation)

    def _key(self, query: str, dataset: GraphSelection | None, choice: Choice) -> bytes:
        # A digest names the query, its dataset, the formats written and the release, so the
        # cache holds a few bytes per query whatever its length (the query's text as it is, its
        # length first: repr would copy a long query once more, escaping it).
        digest = hashlib.sha256(f"{len(query)}:".encode())
        digest.update(query.encode("utf-8", "surrogatepass"))
        digest.update(repr((dataset, choice, self.tag)).encode())
        return digest.digest()

    async def respond(self, request: Request, operation: protocol.Operation) -> Response:
        """Answer a query read from a request (or an example query's IRI, web/queries.py)."""
        assert operation.query is not None
        chosen = negotiation.choose(request.headers.get("accept"), operation.format)
        choice = negotiation.store_choice(chosen)
        key = self._key(operation.query, operation.dataset, choice)
        # The ETag names the representation: an HTML page and the JSON it shows differ.
        served = tuple(fmt.name if fmt else "" for fmt in chosen.values())
        chrome = Chrome(request) if "html" in served else None
        headers = self._validators(f"{key.hex()} {served}", chrome)
        if self._not_modified(request, headers):
            return Response(status_code=304, headers=headers)
        lease = await self._lease(key, operation.query, operation.dataset, choice)
        answer = lease.answer
        fmt = chosen[answer.kind]
        assert fmt is not None  # the store wrote it, so it was chosen
        headers["X-Result-Limit"] = str(self.settings.max_results)
        if answer.truncated:
            headers["X-Result-Truncated"] = "true"
        if fmt.name == "html":
            assert chrome is not None
            try:
                page = await anyio.to_thread.run_sync(
                    self._page, chrome, operation.query, answer, limiter=self._renderers
                )
            finally:
                lease.release()
            return chrome.respond(page, headers)
        return Sent(answer.body, lease.release, headers=headers, media_type=fmt.content_type)

    def _page(self, chrome: Chrome, query: str, answer: Answer) -> bytes:
        return self.pages.query_page(chrome, query, answer)

    async def _lease(
        self, key: bytes, query: str, dataset: GraphSelection | None, choice: Choice
    ) -> Lease:
        """A query's answer from the cache, else from a worker (guard, deadline, limits)."""
        answer = self.cache.get(key)
        if answer is not None:
            return Lease(answer)
        deadline = time.monotonic() + self.settings.query_timeout
        job = Job(query, choice, self.settings.max_results, dataset, self.url)
        lease = await self.runner.run(job, deadline)
        self.cache.put(key, lease.answer)
        return lease

    async def answer(self, query: str, dataset: GraphSelection | None, choice: Choice) -> Answer:
        """A query's answer, held only while the caller reads it (example query pages)."""
        lease = await self._lease(self._key(query, dataset, choice), query, dataset, choice)
        lease.release()  # the caller renders it at once; the budget is for answers in flight
        return lease.answer

    def _describe(self, request: Request, fmt: Format) -> Response:
        chrome = Chrome(request) if fmt.name == "html" else None
        headers = self._validators(f"service-description {fmt.name}", chrome)
        if self._not_modified(request, headers):
            return Response(status_code=304, headers=headers)
        if chrome is not None:
            return chrome.respond(self.pages.query_page(chrome), headers)
        if fmt.name not in self._descriptions:
            self._descriptions[fmt.name] = serialize(self.description, fmt, self.prefixes)
        return Response(self._descriptions[fmt.name], headers=headers, media_type=fmt.content_type)

    def error_page(self, request: Request, error: LimaLodError) -> bytes | None:
        """The HTML page for an error, when a browser asked; None otherwise."""
        if not wants_page(request):
            return None
        query = request.query_params.get("query")
        return self.pages.query_page(Chrome(request), query, error=str(error), status=error.status)
