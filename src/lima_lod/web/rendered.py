"""The hot path of dereferencing: pre-rendered documents answered without a query or a template.

A pure ASGI layer in front of the document routes. For a release rendered by
``prerender.py`` it answers ``/doc/{key}[.ext]``, ``/id/{key}`` (303) and ``/`` from the rendered
bytes (in memory for a small release; for a big one read from disk, or sent by the server itself
where it offers the ASGI ``http.response.pathsend`` extension), with the same negotiation
(:func:`negotiation.pick` over the same candidate tables) and the same headers as the routes,
plus an ETag per release and document and 304s. Everything else passes through to the app:
other paths, every request with a query string other than ``lang``, every 404 and 406 (the
routes write those, so they stay as they are), and HTML whose language it cannot tell.

It is the app's ``front`` (``app.App``): a document is answered before any of FastAPI's layers
and the CORS and security middleware run, with the headers those would add written in already (:func:`cors.HEADERS`,
:func:`security.security_headers`), each answer's header list made once per document. A release
pre-rendered lazily (``site.lazy``) has no documents yet: the first request for one renders it
through the app behind this layer (``lazy.py``) and keeps it for the requests after.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Receive, Scope, Send

if TYPE_CHECKING:
    from .app import App

from ..errors import NotAcceptable
from ..formats import BY_NAME, Format
from ..iris import DOCUMENT_PATH, THING_PATH, document_path
from ..linked import LINKED, variant
from ..prerender import KEPT_HEADERS, Site
from ..settings import Settings
from ..store import Store
from .cache import Lru
from .cors import HEADERS as CORS_HEADERS
from .frame import remembering
from .lazy import render
from .negotiation import pick
from .resources import CACHE_CONTROL, DOCUMENT_FORMATS
from .security import security_headers

log = logging.getLogger(__name__)

#: A site at most this big is held in memory; a bigger one is read from disk per request.
IN_MEMORY_BYTES = 64 * 1024 * 1024
#: Distinct Accept headers whose negotiated format is remembered (crawlers send a handful).
ACCEPTS_REMEMBERED = 256
PAGE_SUFFIX = BY_NAME["html"].suffix
Headers = list[tuple[bytes, bytes]]


@dataclass(frozen=True)
class Entry:
    """One document as served: its file, type, validators, and its bytes when held in memory."""

    file: Path
    content_type: str
    etag: str
    body: bytes | None
    vary: str = ""  # as the route answered (pages: Accept, Accept-Language, Cookie)
    #: The route's other headers, as it sent them (``prerender.KEPT_HEADERS``).
    route_headers: dict[str, str] = field(default_factory=dict, compare=False)
    #: The answer's header lists, made on first use: (200 headers, 304 headers) per request
    #: kind (the document's own path, or negotiated from ``/doc/{key}``).
    made: dict[bool, tuple[Headers, Headers]] = field(default_factory=dict, compare=False)

    @property
    def size(self) -> int:
        return len(self.body) if self.body is not None else 0

    def read(self) -> bytes:
        return self.body if self.body is not None else self.file.read_bytes()


class Prerendered:
    """Answers documents of a pre-rendered release; passes everything else to the app."""

    def __init__(
        self,
        app: ASGIApp,
        site: Site,
        built: datetime,
        public: str = "",
        keep_bytes: int = 0,
        negotiated: dict[str, tuple[Format, ...]] | None = None,
    ) -> None:
        self.app = app
        #: The linked pages negotiated by Accept (``/queries``, ``/queries/{name}``): their
        #: candidates, each format by the ``?format=`` its variant is rendered under.
        self.negotiated = negotiated or {}
        self.site = site
        self.public = public
        self.kept: Lru[tuple[str, str], Entry] = Lru(keep_bytes, lambda _, entry: entry.size)
        self.rendering: dict[tuple[str, str], asyncio.Task[Entry | None]] = {}
        self.accepts: dict[str | None, Format | None] = {}
        #: Linked pages of a lazy site whose route did not answer 200 (remembered, bounded).
        self.missing: set[str] = set()
        self.suffixes = {fmt.suffix: fmt for fmt in DOCUMENT_FORMATS}
        self.keys = site.keys
        self.languages = site.languages
        self.default = site.languages[0]
        self.cookies = {code: remembering(code) for code in site.languages if code}
        self.modified = built.replace(microsecond=0)
        self.last_modified = format_datetime(built, usegmt=True)
        in_memory = site.size <= IN_MEMORY_BYTES
        self.entries: dict[tuple[str, str], Entry] = {}
        for document in site.documents:
            file = site.folder / document.file
            self.entries[(document.path, document.language)] = Entry(
                file,
                document.content_type,
                self._etag(document.path, document.language),
                file.read_bytes() if in_memory else None,
                document.vary,
                document.headers,
            )

    def _etag(self, path: str, language: str) -> str:
        digest = hashlib.blake2b(f"{path}|{language}".encode(), digest_size=12).hexdigest()
        return f'W/"{self.site.fingerprint}-{digest}"'

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

    def _variant(self, scope: Scope, path: str) -> str | None:
        """The variant (``name=value``, :data:`prerender.VARIANTS`) a request asks for, ``""``
        if none; None if its query string holds anything else than that and a known ``lang``
        (the app answers it)."""
        query = scope.get("query_string", b"")
        if not query:
            return ""
        params = []
        for name, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
            if name == "lang" and len(self.languages) > 1 and value in self.languages:
                continue
            params.append((name, value))
        return variant(path, params)

    async def _answer(self, scope: Scope, send: Send) -> bool:
        """Answer the request if it is a pre-rendered document; False to pass it on."""
        raw: bytes = scope.get("raw_path") or scope["path"].encode()
        path = raw.decode("ascii", "replace").split("?", 1)[0]
        wanted = self._variant(scope, path)
        if wanted is None:
            return False
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
                [
                    (b"location", location.encode()),
                    (b"vary", b"Accept"),
                    (b"content-length", b"0"),
                    *CORS_HEADERS,
                    *security_headers(None),
                ],
                b"",
            )
            return True
        if path != "/" and not path.startswith((DOCUMENT_PATH, *LINKED)):
            return False  # /def/ and /releases/ are files of the release, served as they are
        negotiated = False
        if path.startswith(DOCUMENT_PATH) and path[len(DOCUMENT_PATH) :] in self.keys:
            fmt = self._negotiate(accept)
            if fmt is None or wanted:
                return False  # the route writes the 406; a later page of it, the route too
            path = document_path(path[len(DOCUMENT_PATH) :], fmt.suffix)
            negotiated = True
        if wanted:
            path = f"{path}?{wanted}"
        elif path in self.negotiated:
            try:
                chosen = pick(accept, None, self.negotiated[path])
            except NotAcceptable:
                return False  # the route writes the 406
            if chosen.name != "html":
                path = f"{path}?format={chosen.name}"
        entry = await self._entry(scope, headers, path)
        if entry is None:
            return False
        made = entry.made.get(negotiated) or self._make(entry, path, negotiated)
        if self._not_modified(headers, entry.etag):
            await self._send(send, 304, made[1], b"")
            return True
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
                    "headers": self._with_length(made[0], size) + self._remembering(scope, entry),
                }
            )
            await send({"type": "http.response.pathsend", "path": str(entry.file)})
            return True
        body = entry.read()
        await self._send(
            send,
            200,
            self._with_length(made[0], len(body)) + self._remembering(scope, entry),
            b"" if scope["method"] == "HEAD" else body,
        )
        return True

    def _remembering(self, scope: Scope, entry: Entry) -> Headers:
        """The cookie a page asked for in a language by ``?lang=`` sets, as the route's."""
        if not scope.get("query_string") or not entry.content_type.startswith("text/html"):
            return []
        asked = dict(parse_qsl(scope["query_string"].decode("latin-1"))).get("lang")
        return [self.cookies[asked]] if asked in self.cookies else []

    @staticmethod
    def _with_length(headers: Headers, length: int) -> Headers:
        """The 200 headers with Content-Length put where the routes put it (before CORS)."""
        at = next(i for i, (name, _) in enumerate(headers) if name == CORS_HEADERS[0][0])
        return [*headers[:at], (b"content-length", str(length).encode()), *headers[at:]]

    def _make(self, entry: Entry, path: str, negotiated: bool) -> tuple[Headers, Headers]:
        """The 200 (without Content-Length) and 304 headers of a document, as the app's layers
        would write them: the route's, then CORS's, then the security headers."""
        extra: Headers = (
            [(b"vary", b"Accept"), (b"content-location", path.encode())] if negotiated else []
        )
        if entry.vary:  # the route's own Vary (pages vary by language too)
            extra = [(b"vary", entry.vary.encode()), *(h for h in extra if h[0] != b"vary")]
        own = {k: v for k, v in entry.route_headers.items() if k != "cache-control"}
        if own:  # the route's own (an example query's chosen format, its results' limit)
            extra = [
                *(h for h in extra if h[0].decode() not in own),
                *((k.encode(), v.encode()) for k, v in own.items()),
            ]
        common = [
            (b"cache-control", entry.route_headers.get("cache-control", CACHE_CONTROL).encode()),
            *extra,
            (b"etag", entry.etag.encode()),
            (b"last-modified", self.last_modified.encode()),
        ]
        content_type = entry.content_type.encode()
        made = (
            [
                (b"content-type", content_type),
                *common,
                *CORS_HEADERS,
                *security_headers(content_type),
            ],
            [*common, *CORS_HEADERS, *security_headers(None)],
        )
        entry.made[negotiated] = made
        return made

    async def _entry(self, scope: Scope, headers: dict[bytes, bytes], path: str) -> Entry | None:
        """The rendered document at ``path`` in the language asked, rendered now if lazy."""
        # a document in no interface language is kept under "" (pre-rendered or rendered now)
        entry = self.entries.get((path, "")) or self.kept.get((path, ""))
        if entry is not None and not entry.content_type.startswith("text/html"):
            return entry
        if entry is None and self.site.lazy and not self._is_page(path):
            return await self._render(path, "")
        language = self._language(scope, headers)
        if language is None:
            return None
        entry = self.entries.get((path, language)) or self.kept.get((path, language))
        if entry is None and self.site.lazy:
            entry = await self._render(path, language)
        return entry

    @staticmethod
    def _is_page(path: str) -> bool:
        """Say whether a document not rendered yet is a page or chart (in an interface
        language); an example query's other formats are not."""
        path, _, wanted = path.partition("?")
        if path.startswith("/queries"):
            return wanted in ("", "format=html")
        return path == "/" or path.endswith(PAGE_SUFFIX) or path.startswith(LINKED)

    async def _render(self, path: str, language: str) -> Entry | None:
        """Render a document of a lazy site once (concurrent first requests share the render)."""
        if not self._renderable(path) or path in self.missing:
            return None
        key = (path, language)
        task = self.rendering.get(key)
        if task is None:
            task = asyncio.ensure_future(self._render_now(path, language))
            self.rendering[key] = task
            task.add_done_callback(lambda _: self.rendering.pop(key, None))
        return await asyncio.shield(task)

    def _renderable(self, path: str) -> bool:
        """Say whether the eager render would have rendered this path (``prerender.plan``)."""
        if path == "/" or path.startswith(LINKED):
            return True  # a linked page: rendered if the app answers it (else the app's 404)
        path = path.partition("?")[0]
        stem, dot, suffix = path.rpartition(".")
        fmt = self.suffixes.get(dot + suffix)
        return (
            fmt is not None
            and stem.startswith(DOCUMENT_PATH)
            and stem[len(DOCUMENT_PATH) :] in self.keys
        )

    async def _render_now(self, path: str, language: str) -> Entry | None:
        query = f"lang={language}" if language and language != self.default else ""
        plain, _, variant = path.partition("?")
        query = "&".join(q for q in (variant, query) if q)
        # A linked page is rendered as a browser asks for it (``prerender.follow``).
        accept = b"text/html" if plain.startswith(LINKED) else b"*/*"
        try:
            status, headers, body = await render(self.app, self.public, plain, query, accept)
        except Exception:  # the request itself then meets the same failure in the route
            log.exception("rendering %s on first request", path)
            return None
        if status != 200:
            if len(self.missing) >= ACCEPTS_REMEMBERED:
                self.missing.clear()
            self.missing.add(path)  # not rendered again: the route answers it from now on
            return None  # the route answers it (404, 406...), as the eager render would fail
        content_type = headers.get(b"content-type", b"").decode("latin-1")
        vary = headers.get(b"vary", b"").decode("latin-1")
        html = content_type.startswith("text/html") or "accept-language" in vary.lower()
        entry = Entry(
            self.site.folder / path.lstrip("/"),
            content_type,
            self._etag(path, language if html else ""),
            body,
            vary,
            {
                name: headers[name.encode()].decode("latin-1")
                for name in KEPT_HEADERS
                if name.encode() in headers
            },
        )
        self.kept.put((path, language if html else ""), entry)
        return entry

    def _negotiate(self, accept: str | None) -> Format | None:
        if accept in self.accepts:
            return self.accepts[accept]
        try:
            fmt: Format | None = pick(accept, None, DOCUMENT_FORMATS)
        except NotAcceptable:
            fmt = None  # the route writes the 406
        if len(self.accepts) >= ACCEPTS_REMEMBERED:
            self.accepts.clear()
        self.accepts[accept] = fmt
        return fmt

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


def serve_prerendered(app: App, settings: Settings, store: Store) -> bool:
    """Put the pre-rendered layer in front of the app if its release has a site rendered from
    the same data and IRI base, eagerly or lazily; say whether it did."""
    release = store.release
    site = Site.read(release) if release is not None else None
    if release is None or site is None or site.base != settings.base:
        return False
    app.front = Prerendered(
        app.behind,
        site,
        release.built,
        public=settings.public,
        keep_bytes=settings.render_cache_mb * 1024 * 1024,
        negotiated=negotiated_pages(app),
    )
    return True


def negotiated_pages(app: App) -> dict[str, tuple[Format, ...]]:
    """The example queries' candidates by path (as ``queries.Queries`` negotiates them), each
    format named by the ``?format=`` its pre-rendered variant answers."""
    from .queries import LIST_FORMATS, Queries

    examples = app.state.endpoint.pages.examples
    out = {e.path: Queries.formats(e) for e in examples}
    out["/queries"] = LIST_FORMATS
    return out
