"""The app factory: ``create_app(settings, store)`` wires the endpoint, pages and middleware.

No module-level state: each call builds its own app, worker pool and cache, so tests build as
many as they need. The worker pool starts and stops with the app's lifespan.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from ..errors import LimaLodError
from ..settings import Settings
from ..store import Store
from .cors import Cors, cors_headers
from .endpoint import Endpoint, wants_page
from .forwarder import runner as runner_of
from .frame import Chrome
from .lane import Lane
from .pages import YASGUI, yasgui_installed
from .queries import register as register_queries
from .rendered import serve_prerendered
from .resources import Resources
from .security import SecurityHeaders
from .workers import RETRY_AFTER

log = logging.getLogger(__name__)


class App(FastAPI):
    """FastAPI, with layers that see HTTP requests before any of FastAPI's own layers (error
    handling, telemetry, body limit) and the middleware: the endpoint's ``lane`` (/sparql),
    then a ``front`` layer, which passes to :meth:`behind` what it does not answer itself."""

    front: ASGIApp | None = None
    lane: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
        elif self.lane is not None:
            await self.lane(scope, receive, send)
        elif self.front is not None:
            await self.front(scope, receive, send)
        else:
            await super().__call__(scope, receive, send)

    async def in_front(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The app without its lane: the front layer, if any, then the app."""
        if self.front is not None:
            await self.front(scope, receive, send)
        else:
            await super().__call__(scope, receive, send)

    async def behind(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The app without its front layer."""
        await super().__call__(scope, receive, send)


def error_response(status: int, message: str, page: bytes | None = None) -> Response:
    """An error as plain text (or a page for browsers): a message, never a stack trace."""
    headers = {**cors_headers(), "Vary": "Accept", "Cache-Control": "no-store"}
    if status == 503:  # a deadline or a lack of capacity: both pass
        headers["Retry-After"] = str(RETRY_AFTER)
    if page is not None:
        return Response(
            page, status_code=status, headers=headers, media_type="text/html; charset=utf-8"
        )
    return Response(
        f"{message}\n", status_code=status, headers=headers, media_type="text/plain; charset=utf-8"
    )


Handler = Callable[[Request], Awaitable[Response] | Response]


def guarded(
    handler: Handler,
    page: Callable[[Request, LimaLodError], bytes | None] | None = None,
) -> Callable[[Request], Awaitable[Response]]:
    """Run a route handler (sync ones in the thread pool); refusals become error responses.

    The one error path of every route: a message, or the ``page`` a browser gets for it.
    """

    async def route(request: Request) -> Response:
        try:
            if inspect.iscoroutinefunction(handler):
                return await handler(request)  # type: ignore[no-any-return]
            return await anyio.to_thread.run_sync(handler, request)  # type: ignore[arg-type]
        except LimaLodError as exc:
            return error_response(exc.status, str(exc), page(request, exc) if page else None)

    return route


def create_app(settings: Settings, store: Store, prerendered: bool = True) -> App:
    """Build the web app serving one store.

    Args:
        settings: limits, deadline, workers, public URL and cache size.
        store: where queries are answered (embedded release or remote engine).
        prerendered: answer documents from the release's pre-rendered site when it has one.
    """
    runner = runner_of(store, settings)
    statistics = store.statistics()  # the data is immutable per release: counted once
    endpoint = Endpoint(settings, store, runner, statistics)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await anyio.to_thread.run_sync(runner.start)
        try:
            yield
        finally:
            await anyio.to_thread.run_sync(runner.close)

    app = App(
        title="lima-lod SPARQL endpoint",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.endpoint = endpoint

    def page_for(request: Request, status: int, message: str) -> bytes | None:
        """The error page a person's browser gets, in the site's frame; None for programs."""
        if not wants_page(request):
            return None
        return endpoint.pages.error_page(Chrome(request), status, message)

    def browser_page(request: Request, error: LimaLodError) -> bytes | None:
        return page_for(request, error.status, str(error))

    def route(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        return guarded(handler, browser_page)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        message = str(exc.detail)
        return error_response(exc.status_code, message, page_for(request, exc.status_code, message))

    async def internal_error(request: Request, exc: Exception) -> Response:
        # Reached only by a bug: the trace goes to the log, the client gets a message.
        log.error("unexpected error on %s", request.url.path, exc_info=exc)
        return error_response(500, "internal error; the server log has the details")

    sparql = guarded(endpoint.__call__, endpoint.error_page)
    app.add_route("/sparql", sparql, methods=["GET", "HEAD", "POST", "OPTIONS"])
    resources = Resources(settings, store, runner, endpoint.pages, statistics)
    site = resources.site
    for path, handler in (
        ("/", resources.home),
        ("/id/{key:path}", resources.thing),
        ("/doc/{key:path}", resources.document),
        ("/def/{name:str}", resources.vocabulary_document),
        ("/def/{name:str}/{version:str}", resources.vocabulary_document),
        ("/def/cfu/{version:str}/context.jsonld", resources.vocabulary_document),
        ("/releases/{version:str}/{path:path}", resources.release_file),
        ("/search", site.search),
        ("/favicon.ico", site.favicon),
        ("/charts/{path:path}", site.chart),
        ("/term/{name:str}", site.term),
        ("/compare", site.compare),
        ("/compare/{path:path}", site.compare),
    ):
        app.add_route(path, route(handler), methods=["GET", "HEAD"])
    register_queries(app, endpoint, route)
    if yasgui_installed():  # npm's build of YASGUI, served here: never from a CDN
        app.mount("/static/vendor/yasgui", StaticFiles(directory=YASGUI), name="yasgui")
    app.mount("/static", StaticFiles(packages=[("lima_lod.web", "static")]), name="static")
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(Exception, internal_error)
    app.add_middleware(Cors)
    app.add_middleware(SecurityHeaders)
    if prerendered:  # in front: a document is answered before any other layer runs
        serve_prerendered(app, settings, store)
    app.lane = Lane(app.in_front, endpoint, error_response)
    return app
