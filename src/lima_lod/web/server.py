"""Run the endpoint with uvicorn: ``lima-lod serve`` calls :func:`serve`.

uvicorn's h11 parser, not httptools: httptools drops the body of a POST that carries
``Upgrade: h2c``, which Java's HTTP client (Jena's ``rsparql --post``) sends.

uvicorn bounds connections in all (``limit_concurrency``) but neither the time a client may take
to send a request's head nor the connections one client may hold: a slow-loris client (many
connections, a byte a second) would take every slot. :func:`guarded_protocol` adds both, below
the app, where the head is read.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from ..errors import LimaLodError
from ..settings import Settings
from ..store import Store, open_store
from .app import create_app

GRACEFUL_SHUTDOWN = 3  # seconds; queries run in worker processes, which are killed at shutdown
HEAD_TIMEOUT = 10.0  # seconds a client may take to send a request's line and headers
PER_CLIENT = 64  # connections one address may hold at once (of limit_concurrency=1000)


def guarded_protocol(
    head_timeout: float = HEAD_TIMEOUT, per_client: int = PER_CLIENT
) -> type[H11Protocol]:
    """uvicorn's h11 protocol, closing connections whose head is late or whose client has
    ``per_client`` connections open already. Each call makes a class with its own counts."""
    open_by_client: Counter[str] = Counter()

    class Guarded(H11Protocol):
        _head_timer: asyncio.TimerHandle | None = None
        _counted: str | None = None

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
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
            super().data_received(data)
            if self.cycle is not None and not self.cycle.response_complete:
                self._head_arrived()

        def _wait_for_head(self) -> None:
            if self._head_timer is None:
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


def _config(settings: Settings, store: Store) -> uvicorn.Config:
    return uvicorn.Config(
        create_app(settings, store),
        host=settings.host,
        port=settings.port,
        http=guarded_protocol(HEAD_TIMEOUT, PER_CLIENT),
        lifespan="on",
        server_header=False,
        access_log=False,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN,
        limit_concurrency=1000,
        h11_max_incomplete_event_size=settings.max_request_bytes + 16384,
    )


def serve(settings: Settings) -> None:
    """Serve the latest release (or the remote engine) on settings.host:settings.port.

    Args:
        settings: host, port, public URL, store and query limits.
    """
    store = open_store(settings)
    try:
        uvicorn.Server(_config(settings, store)).run()
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
    server = uvicorn.Server(_config(settings, store))
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
