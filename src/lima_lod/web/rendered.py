"""The hot path of dereferencing: pre-rendered documents answered without a query or a template.

A pure ASGI layer in front of the document routes. For a release rendered by
``prerender.py`` it answers ``/doc/{key}[.ext]``, ``/id/{key}`` (303) and ``/`` from the rendered
bytes (in memory for a small release; for a big one read from disk, or sent by the server itself
where it offers the ASGI ``http.response.pathsend`` extension), with the same negotiation
(:func:`negotiation.pick` over the same candidate tables) and the same headers as the routes,
plus an ETag per release and document and 304s. Everything else passes through to the app:
other paths, every request with a query string other than ``lang``, every 404 and 406 (the
routes write those, so they stay as they are), and HTML whose language it cannot tell.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.types import ASGIApp, Receive, Scope, Send

from ..errors import NotAcceptable
from ..formats import Format
from ..iris import DOCUMENT_PATH, THING_PATH, document_path
from ..prerender import Site
from ..settings import Settings
from ..store import Store
from .negotiation import pick
from .resources import CACHE_CONTROL, DOCUMENT_FORMATS

#: A site at most this big is held in memory; a bigger one is read from disk per request.
IN_MEMORY_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Entry:
    """One document as served: its file, type, validators, and its bytes when held in memory."""

    file: Path
    content_type: str
    etag: str
    body: bytes | None
    vary: str = ""  # as the route answered (pages: Accept, Accept-Language, Cookie)

    def read(self) -> bytes:
        return self.body if self.body is not None else self.file.read_bytes()


class Prerendered:
    """Answers documents of a pre-rendered release; passes everything else to the app."""

    def __init__(self, app: ASGIApp, site: Site, built: datetime) -> None:
        self.app = app
        self.site = site
        self.keys = site.keys
        self.languages = site.languages
        self.default = site.languages[0]
        self.modified = built.replace(microsecond=0)
        self.last_modified = format_datetime(built, usegmt=True)
        in_memory = site.size <= IN_MEMORY_BYTES
        self.entries: dict[tuple[str, str], Entry] = {}
        for document in site.documents:
            file = site.folder / document.file
            digest = hashlib.blake2b(
                f"{document.path}|{document.language}".encode(), digest_size=12
            ).hexdigest()
            self.entries[(document.path, document.language)] = Entry(
                file,
                document.content_type,
                f'W/"{site.fingerprint}-{digest}"',
                file.read_bytes() if in_memory else None,
                document.vary,
            )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] not in ("GET", "HEAD")
            or not await self._answer(scope, send)
        ):
            await self.app(scope, receive, send)

    # -- what a request asks for ------------------------------------------------------------
    def _language(self, scope: Scope, headers: dict[bytes, bytes]) -> str | None:
        """The interface language of an HTML answer; None if only the app can tell."""
        if len(self.languages) == 1:
            return self.default
        query: bytes = scope.get("query_string", b"")
        asked = dict(parse_qsl(query.decode("latin-1"))).get("lang")
        if asked in self.languages:
            return asked
        if asked is None and b"accept-language" not in headers and b"cookie" not in headers:
            return self.default
        return None

    def _plain_query(self, scope: Scope) -> bool:
        """Say whether the request's query string holds nothing but a known ``lang``."""
        query = scope.get("query_string", b"")
        if not query:
            return True
        pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True)
        return (
            len(self.languages) > 1
            and len(pairs) == 1
            and pairs[0][0] == "lang"
            and pairs[0][1] in self.languages
        )

    async def _answer(self, scope: Scope, send: Send) -> bool:
        """Answer the request if it is a pre-rendered document; False to pass it on."""
        if not self._plain_query(scope):
            return False
        raw: bytes = scope.get("raw_path") or scope["path"].encode()
        path = raw.decode("ascii", "replace").split("?", 1)[0]
        headers = dict(scope["headers"])
        accept = headers.get(b"accept", b"").decode("latin-1") or None
        if path.startswith(THING_PATH):
            key = path[len(THING_PATH) :]
            fmt = self._negotiate(accept) if key in self.keys else None
            if fmt is None:
                return False
            location = document_path(key, fmt.suffix)
            await self._send(
                send,
                303,
                [(b"location", location.encode()), (b"vary", b"Accept"), (b"content-length", b"0")],
                b"",
            )
            return True
        if path != "/" and not path.startswith(DOCUMENT_PATH):
            return False  # /def/ and /releases/ are files of the release, served as they are
        extra: list[tuple[bytes, bytes]] = []
        if path.startswith(DOCUMENT_PATH) and path[len(DOCUMENT_PATH) :] in self.keys:
            fmt = self._negotiate(accept)
            if fmt is None:
                return False
            path = document_path(path[len(DOCUMENT_PATH) :], fmt.suffix)
            extra = [(b"vary", b"Accept"), (b"content-location", path.encode())]
        entry = self.entries.get((path, ""))
        if entry is None or entry.content_type.startswith("text/html"):
            language = self._language(scope, headers)
            entry = None if language is None else self.entries.get((path, language))
        if entry is None:
            return False
        if entry.vary:  # the route's own Vary (pages vary by language too)
            extra = [(b"vary", entry.vary.encode()), *(h for h in extra if h[0] != b"vary")]
        common = [
            (b"cache-control", CACHE_CONTROL.encode()),
            *extra,
            (b"etag", entry.etag.encode()),
            (b"last-modified", self.last_modified.encode()),
        ]
        if self._not_modified(headers, entry.etag):
            await self._send(send, 304, common, b"")
            return True
        start = [(b"content-type", entry.content_type.encode()), *common]
        if (
            entry.body is None
            and scope["method"] == "GET"
            and "http.response.pathsend" in scope.get("extensions", {})
        ):
            # A server that can send a file itself (sendfile) gets the path, not the bytes.
            size = entry.file.stat().st_size
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [*start, (b"content-length", str(size).encode())],
                }
            )
            await send({"type": "http.response.pathsend", "path": str(entry.file)})
            return True
        body = entry.read()
        await self._send(
            send,
            200,
            [*start, (b"content-length", str(len(body)).encode())],
            b"" if scope["method"] == "HEAD" else body,
        )
        return True

    def _negotiate(self, accept: str | None) -> Format | None:
        try:
            return pick(accept, None, DOCUMENT_FORMATS)
        except NotAcceptable:
            return None  # the route writes the 406

    def _not_modified(self, headers: dict[bytes, bytes], etag: str) -> bool:
        if_none_match = headers.get(b"if-none-match")
        if if_none_match is not None:
            tags = {t.strip().removeprefix("W/") for t in if_none_match.decode().split(",")}
            return "*" in tags or etag.removeprefix("W/") in tags
        since = headers.get(b"if-modified-since")
        if since:
            try:
                return parsedate_to_datetime(since.decode()) >= self.modified
            except (TypeError, ValueError):
                return False
        return False

    @staticmethod
    async def _send(
        send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes
    ) -> None:
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def serve_prerendered(app: Starlette, settings: Settings, store: Store) -> bool:
    """Put the pre-rendered layer in front of the app if its release has a site rendered from
    the same data and IRI base; say whether it did."""
    release = store.release
    site = Site.read(release) if release is not None else None
    if release is None or site is None or site.base != settings.base:
        return False
    app.add_middleware(Prerendered, site=site, built=release.built)
    return True
