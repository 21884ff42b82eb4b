"""Render on first request: a document asked for is rendered once, in-process, and kept.

For a release too big to pre-render whole (``prerender.LAZY_ABOVE`` resources), ``rendered.py``
renders a document the first time it is asked for by calling the app behind it with the very
request ``prerender.plan`` would have made (the path, ``?lang=`` for another interface language,
the public host, no cookie), and keeps the bytes in a ``cache.Lru``, bounded in bytes, the least
recently served dropped first. Later requests take the pre-rendered path; a dropped document is
rendered again when next asked for.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from starlette.types import ASGIApp, Message

#: The user agent a document is rendered for (as the eager render's).
USER_AGENT = b"lima-lod-prerender"


async def render(
    app: ASGIApp, public: str, path: str, query: str, accept: bytes = b"*/*"
) -> tuple[int, dict[bytes, bytes], bytes]:
    """Call the app for ``path?query`` as the eager render does; (status, headers, body)."""
    url = urlsplit(public)
    port = url.port or (443 if url.scheme == "https" else 80)
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": url.scheme or "http",
        "root_path": "",
        "path": unquote(path),
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "headers": [
            (b"host", url.netloc.encode()),
            (b"accept", accept),
            (b"user-agent", USER_AGENT),
        ],
        "client": ("127.0.0.1", 0),
        "server": (url.hostname or "localhost", port),
        "state": {},
        "extensions": {},
    }
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    headers = {name.lower(): value for name, value in start.get("headers", [])}
    return int(start["status"]), headers, body
