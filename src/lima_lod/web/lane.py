"""The endpoint's own lane: requests to /sparql answered without FastAPI's layers.

A query to the endpoint is the one request whose cost is mostly the web framework's: FastAPI's
error, telemetry and body-limit layers, the middleware, the router and the request/response
adapters take more of the front's time than reading the query, negotiating and the hop to a
worker together. This layer, in front of the app (``app.App``), hands a request for /sparql
straight to the :class:`endpoint.Endpoint` and does itself what those layers would add to the
answer: the same error responses (a message, or a page for browsers), the CORS headers and the
security headers, in the same order, so that the answer is byte for byte the app's (tested
against the app behind this layer). Any other path goes on to the app.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import LimaLodError
from .cors import with_cors_headers
from .endpoint import Endpoint
from .security import with_security_headers

log = logging.getLogger(__name__)
PATH = "/sparql"
METHODS = ("GET", "HEAD", "POST")  # the route's, but OPTIONS (preflights are the CORS layer's)

ErrorResponse = Callable[[int, str, bytes | None], Response]


class Lane:
    """Answers /sparql itself; passes every other request to ``app``."""

    def __init__(self, app: ASGIApp, endpoint: Endpoint, error_response: ErrorResponse) -> None:
        self.app = app
        self.endpoint = endpoint
        self.error_response = error_response

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["path"] != PATH or scope["method"] not in METHODS:
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                with_cors_headers(message)  # in the order of the middleware: CORS innermost
                with_security_headers(message)
            await send(message)

        request = Request(scope, receive)
        try:
            try:
                response = await self.endpoint(request)
            except LimaLodError as exc:  # as app.guarded does for every route
                page = self.endpoint.error_page(request, exc)
                response = self.error_response(exc.status, str(exc), page)
            await response(scope, receive, send_with_headers)
        except Exception:
            # Reached only by a bug: the trace goes to the log, the client gets a message
            # (as Starlette's ServerErrorMiddleware and app.create_app's handler do).
            log.exception("unexpected error on %s", PATH)
            if started:
                raise
            response = self.error_response(
                500, "internal error; the server log has the details", None
            )
            await response(scope, receive, send_with_headers)
