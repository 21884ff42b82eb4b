"""Security headers on every response, and a 400 for paths no route could serve.

A pure ASGI middleware, like cors.py. HTML pages get a Content-Security-Policy that allows
scripts, styles, fonts and images from this server only (the front-end packages are served from
/static), no framing, no plugins, and forms posting back here; inline styles stay allowed for the
widgets that set them, inline scripts do not. Every response says ``nosniff`` and sends no
referrer to other sites. A NUL or other control character in the path is refused with 400
before routing: file paths cannot hold one, and Python raises ValueError for it deep down.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
EVERY = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
]
PAGES = [(b"content-security-policy", CSP.encode()), (b"x-frame-options", b"DENY")]


def security_headers(content_type: bytes | None) -> list[tuple[bytes, bytes]]:
    """The headers added to a response of this type (pages get the CSP and no framing)."""
    html = content_type is not None and content_type.startswith(b"text/html")
    return EVERY + PAGES if html else EVERY


def with_security_headers(start: Message) -> None:
    """Add the security headers a response start lacks (by its content type)."""
    headers = list(start.get("headers", []))
    present = {name.lower() for name, _ in headers}
    content_type = next((v for n, v in headers if n.lower() == b"content-type"), None)
    start["headers"] = headers + [h for h in security_headers(content_type) if h[0] not in present]


class SecurityHeaders:
    """Adds the security headers to every HTTP response; refuses control characters in paths."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                with_security_headers(message)
            await send(message)

        if any(ord(c) < 0x20 or c == "\x7f" for c in scope["path"]):
            await send_with_headers(
                {
                    "type": "http.response.start",
                    "status": 400,
                    "headers": [
                        (b"content-type", b"text/plain; charset=utf-8"),
                        (b"cache-control", b"no-store"),
                    ],
                }
            )
            await send(
                {
                    "type": "http.response.body",
                    "body": b"the path holds a control character (NUL, line break...)\n",
                }
            )
            return
        await self.app(scope, receive, send_with_headers)
