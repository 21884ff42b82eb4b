"""Run the endpoint with uvicorn: ``lima-lod serve`` calls :func:`serve`.

Two HTTP/1.1 parsers, chosen by the ``http_parser`` setting: httptools (llhttp, in C; about
twice h11's requests per second on small answers, see ``bench/deref.py``'s front rows), the
default, and h11 (pure Python). httptools alone drops the body of a POST that carries
``Upgrade: h2c``, which Java's HTTP client (Jena's ``rsparql --post``) sends: llhttp ends the
message at its head and hands the rest over as "upgraded" bytes. :class:`NoUpgradeHttpTools`
declines every upgrade (we serve neither websockets nor h2c; RFC 9110 lets a server ignore
``Upgrade``) and parses those bytes as the body they are.

uvicorn bounds connections in all (``limit_concurrency``) but neither the time a client may take
to send a request's head, nor its size (under httptools), nor the connections one client may
hold: a slow-loris client (many connections, a byte a second) would take every slot.
:func:`guarded_protocol` adds all three, below the app, where the head is read, for either parser.
"""

from __future__ import annotations

import asyncio
import gc
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from ..errors import ConfigError, LimaLodError
from ..settings import Settings
from ..store import Store, open_store
from .app import create_app

GRACEFUL_SHUTDOWN = 3  # seconds; queries run in worker processes, which are killed at shutdown
HEAD_TIMEOUT = 10.0  # seconds a client may take to send a request's line and headers
PER_CLIENT = 64  # connections one address may hold at once (of limit_concurrency=1000)
HEAD_SLACK = 16384  # bytes of a head besides its query string (max_request_bytes)
#: The HTTP/1.1 parsers ``http_parser`` may name.
PARSERS = ("httptools", "h11")


def _httptools_protocol() -> type[Any]:
    """uvicorn's httptools protocol, declining upgrades (imported only when chosen)."""
    try:
        import httptools
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
    except ImportError:
        raise ConfigError(
            "http_parser is 'httptools' but httptools is not installed; "
            "pip install httptools, or set http_parser to 'h11'"
        ) from None

    class AfterDeclinedUpgrade:
        """Parser callbacks that skip the head written to resume a message's body, then pass
        everything to the protocol (the body, then any later request on the connection)."""

        def __init__(self, protocol: Any) -> None:
            self.protocol = protocol
            self.resumed = False

        def on_message_begin(self) -> None:
            if self.resumed:
                self.protocol.on_message_begin()

        def on_url(self, url: bytes) -> None:
            if self.resumed:
                self.protocol.on_url(url)

        def on_header(self, name: bytes, value: bytes) -> None:
            if self.resumed:
                self.protocol.on_header(name, value)

        def on_headers_complete(self) -> None:
            if self.resumed:
                self.protocol.on_headers_complete()
            self.resumed = True

        def on_body(self, body: bytes) -> None:
            self.protocol.on_body(body)

        def on_message_complete(self) -> None:
            self.protocol.on_message_complete()

    class NoUpgradeHttpTools(HttpToolsProtocol):
        """httptools, with a request asking for an upgrade answered as plain HTTP/1.1."""

        def data_received(self, data: bytes) -> None:
            self._unset_keepalive_if_required()
            try:
                self.parser.feed_data(data)
            except httptools.HttpParserError:
                self.send_400_response("Invalid HTTP request received.")
            except httptools.HttpParserUpgrade as upgrade:
                self._decline_upgrade(data[upgrade.args[0] :])

        def _decline_upgrade(self, rest: bytes) -> None:
            # llhttp took the head for the whole message (on_message_complete has run, the
            # app's task not yet): reopen the body, and let a fresh parser read it with the
            # request's own framing, then every request after it.
            self.cycle.body = bytearray()
            self.cycle.more_body = True
            framing = b"".join(
                name + b": " + value + b"\r\n"
                for name, value in self.headers
                if name in (b"content-length", b"transfer-encoding")
            )
            self.parser = httptools.HttpRequestParser(AfterDeclinedUpgrade(self))
            self.parser.set_dangerous_leniencies(lenient_data_after_close=True)
            try:
                self.parser.feed_data(b"POST / HTTP/1.1\r\n" + framing + b"\r\n")
            except httptools.HttpParserError:
                self.send_400_response("Invalid HTTP request received.")
                return
            if rest:
                self.data_received(rest)

    return NoUpgradeHttpTools


def base_protocol(parser: str) -> type[Any]:
    """The uvicorn protocol class of an HTTP parser named in :data:`PARSERS`."""
    if parser == "h11":
        return H11Protocol
    if parser == "httptools":
        return _httptools_protocol()
    raise ConfigError(f"setting 'http_parser' is {parser!r}; expected one of {', '.join(PARSERS)}")


def guarded_protocol(
    head_timeout: float, per_client: int, parser: str, head_bytes: int
) -> type[Any]:
    """uvicorn's protocol for ``parser``, closing connections whose head is late or longer than
    ``head_bytes``, or whose client has ``per_client`` connections open already. Each call
    makes a class with its own counts."""
    open_by_client: Counter[str] = Counter()
    base = base_protocol(parser)

    class Guarded(base):  # type: ignore[valid-type,misc]
        _head_timer: asyncio.TimerHandle | None = None
        _counted: str | None = None
        _head_read = 0

        def connection_made(self, transport: asyncio.Transport) -> None:
            super().connection_made(transport)
            address = self.client[0] if self.client else ""
            if open_by_client[address] >= per_client:
                transport.abort()
                return
            open_by_client[address] += 1
            self._counted = address
            self._wait_for_head()

        def connection_lost(self, exc: Exception | None) -> None:
            self._head_arrived()
            if self._counted is not None:
                open_by_client[self._counted] -= 1
                if open_by_client[self._counted] <= 0:
                    del open_by_client[self._counted]
                self._counted = None
            super().connection_lost(exc)

        def data_received(self, data: bytes) -> None:
            if self.cycle is None or self.cycle.response_complete:
                self._wait_for_head()  # a new request begins on a kept-alive connection
            self._head_read += len(data)
            super().data_received(data)
            if self.cycle is not None and not self.cycle.response_complete:
                self._head_arrived()
            elif self._head_read > head_bytes and not self.transport.is_closing():
                self._head_arrived()
                self.send_400_response("Request head too large.")

        def _wait_for_head(self) -> None:
            if self._head_timer is None:
                self._head_read = 0
                self._head_timer = self.loop.call_later(head_timeout, self._head_is_late)

        def _head_arrived(self) -> None:
            if self._head_timer is not None:
                self._head_timer.cancel()
                self._head_timer = None

        def _head_is_late(self) -> None:
            self._head_timer = None
            if not self.transport.is_closing():
                self.transport.abort()

    return Guarded


class Server(uvicorn.Server):
    """uvicorn's server; with ``freeze``, what start-up made is moved out of the collector's
    sight once the server listens.

    Start-up leaves about 100,000 long-lived objects (the app, its templates and tables,
    rdflib's namespaces); a full collection walks them all, 20-70 ms in which no request is
    answered, a p99 of its own. Frozen (``gc.freeze``), they are never walked again; what
    requests make is collected as before.
    """

    def __init__(self, config: uvicorn.Config, freeze: bool = False) -> None:
        super().__init__(config)
        self.freeze = freeze

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.freeze and self.started:
            gc.collect()
            gc.freeze()


def _config(settings: Settings, store: Store) -> uvicorn.Config:
    return uvicorn.Config(
        create_app(settings, store),
        host=settings.host,
        port=settings.port,
        http=guarded_protocol(
            HEAD_TIMEOUT,
            PER_CLIENT,
            settings.http_parser,
            settings.max_request_bytes + HEAD_SLACK,
        ),
        lifespan="on",
        loop="asyncio",  # whatever else is installed (uvloop): the loop the tests ran on
        server_header=False,
        access_log=False,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN,
        limit_concurrency=1000,
        h11_max_incomplete_event_size=settings.max_request_bytes + HEAD_SLACK,
    )


def serve(settings: Settings) -> None:
    """Serve the latest release (or the remote engine) on settings.host:settings.port.

    Args:
        settings: host, port, public URL, store and query limits.
    """
    store = open_store(settings)
    try:
        Server(_config(settings, store), freeze=True).run()
    finally:
        store.close()


@contextmanager
def running(settings: Settings, store: Store, startup: float = 60.0) -> Iterator[str]:
    """Serve in a background thread on 127.0.0.1 and a free port; yield the base URL.

    For tests and embedding: the same app, parser and limits as :func:`serve`; without a
    configured public URL, the URL served is the public one (as in :func:`serve`).
    """
    # With IPPROTO_TCP named, asyncio sets TCP_NODELAY (no 40 ms delayed-ACK wait per answer).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    if not settings.public_url:  # as serve() does, the address served is the public one
        settings = replace(settings, public_url=url)
    server = Server(_config(settings, store))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    give_up = time.monotonic() + startup
    while not server.started:
        if not thread.is_alive() or time.monotonic() > give_up:
            raise LimaLodError("the server did not start; see the log")
        time.sleep(0.05)
    try:
        yield url
    finally:
        server.should_exit = True
        thread.join(GRACEFUL_SHUTDOWN + 10)
        sock.close()
