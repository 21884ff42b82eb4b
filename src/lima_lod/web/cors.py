"""CORS on every response, errors included, and answers to preflight requests.

A pure ASGI middleware: the endpoint is public and read-only, so any origin may read it; no
credentials are involved. It also lets scripts read the headers that carry meaning here.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

ALLOW_METHODS = "GET, HEAD, POST, OPTIONS"
EXPOSE = "ETag, Last-Modified, Vary, X-Result-Limit, X-Result-Truncated"
MAX_AGE = "86400"
HEADERS = [
    (b"access-control-allow-origin", b"*"),
    (b"access-control-expose-headers", EXPOSE.encode()),
]


def cors_headers() -> dict[str, str]:
    """The CORS headers every response carries, for responses built outside the middleware."""
    return {name.decode(): value.decode() for name, value in HEADERS}


def with_cors_headers(start: Message) -> None:
    """Add the CORS headers a response start lacks."""
    present = {name.lower() for name, _ in start.get("headers", [])}
    start["headers"] = [*start.get("headers", []), *(h for h in HEADERS if h[0] not in present)]


class Cors:
    """Adds CORS headers to every HTTP response and answers preflight requests itself."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_headers = dict(scope["headers"])
        if scope["method"] == "OPTIONS" and b"access-control-request-method" in request_headers:
            asked = request_headers.get(b"access-control-request-headers", b"")
            await send(
                {
                    "type": "http.response.start",
                    "status": 204,
                    "headers": [
                        *HEADERS,
                        (b"access-control-allow-methods", ALLOW_METHODS.encode()),
                        (b"access-control-allow-headers", asked or b"*"),
                        (b"access-control-max-age", MAX_AGE.encode()),
                        (b"vary", b"Origin"),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": b""})
            return

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                with_cors_headers(message)
            await send(message)

        await self.app(scope, receive, send_with_cors)
