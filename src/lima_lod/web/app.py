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

from ..errors import LimaLodError
from ..settings import Settings
from ..store import Store
from .cors import Cors, cors_headers
from .endpoint import Endpoint
from .forwarder import runner as runner_of
from .pages import YASGUI, yasgui_installed
from .queries import register as register_queries
from .rendered import serve_prerendered
from .resources import Resources
from .security import SecurityHeaders
from .site import Site
from .workers import RETRY_AFTER

log = logging.getLogger(__name__)


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


def guarded(
    handler: Callable[[Request], Awaitable[Response] | Response],
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


def create_app(settings: Settings, store: Store, prerendered: bool = True) -> FastAPI:
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

    app = FastAPI(
        title="lima-lod SPARQL endpoint",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.endpoint = endpoint

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        return error_response(exc.status_code, str(exc.detail))

    async def internal_error(request: Request, exc: Exception) -> Response:
        # Reached only by a bug: the trace goes to the log, the client gets a message.
        log.error("unexpected error on %s", request.url.path, exc_info=exc)
        return error_response(500, "internal error; the server log has the details")

    sparql = guarded(endpoint.__call__, endpoint.error_page)
    app.add_route("/sparql", sparql, methods=["GET", "HEAD", "POST", "OPTIONS"])
    resources = Resources(settings, store, runner, endpoint.pages, statistics)
    resources.site = site = Site(
        settings, runner, endpoint.pages, resources.release, resources.prefixes
    )
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
    ):
        app.add_route(path, guarded(handler), methods=["GET", "HEAD"])
    register_queries(app, endpoint, guarded)
    if yasgui_installed():  # npm's build of YASGUI, served here: never from a CDN
        app.mount("/static/vendor/yasgui", StaticFiles(directory=YASGUI), name="yasgui")
    app.mount("/static", StaticFiles(packages=[("lima_lod.web", "static")]), name="static")
    if prerendered:  # innermost: every other middleware wraps pre-rendered answers too
        serve_prerendered(app, settings, store)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(Exception, internal_error)
    app.add_middleware(Cors)
    app.add_middleware(SecurityHeaders)
    return app
