"""Run the endpoint with uvicorn: ``lima-lod serve`` calls :func:`serve`.

uvicorn's h11 parser, not httptools: httptools drops the body of a POST that carries
``Upgrade: h2c``, which Java's HTTP client (Jena's ``rsparql --post``) sends.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

import uvicorn

from ..errors import LimaLodError
from ..settings import Settings
from ..store import Store, open_store
from .app import create_app

GRACEFUL_SHUTDOWN = 3  # seconds; queries run in worker processes, which are killed at shutdown


def _config(settings: Settings, store: Store) -> uvicorn.Config:
    return uvicorn.Config(create_app(settings, store), host=settings.host, port=settings.port,
                          http="h11", lifespan="on", server_header=False, access_log=False,
                          timeout_graceful_shutdown=GRACEFUL_SHUTDOWN, limit_concurrency=1000,
                          h11_max_incomplete_event_size=settings.max_request_bytes + 16384)


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
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
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
