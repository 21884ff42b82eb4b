"""The "under attack" row: a cheap query's p99 while runaway queries and a slow-loris run.

Our server only (the peers have no deadline to compare). The cheap query is an ASK made unique
per request (no cache); it is measured with wrk idle, then again while two clients keep a
runaway query running (each is stopped at the deadline and sent again) and a slow-loris holds
``LORIS`` connections from another loopback address, sending a byte a second.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
CHEAP = "ASK { ?s ?p ?o }"
LORIS = 1100  # more than uvicorn's limit_concurrency (1000)


def _runaway(url: str, stop: threading.Event, number: int) -> None:
    counter = 0
    while not stop.is_set():
        counter += 1
        query = f"{RUNAWAY} # {number} {counter}"
        request = urllib.request.Request(f"{url}?{urllib.parse.urlencode({'query': query})}")
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                response.read()
        except OSError:
            time.sleep(0.2)


def _loris(url: str, stop: threading.Event) -> None:
    parts = urllib.parse.urlsplit(url)
    held: list[socket.socket] = []
    for _ in range(LORIS):
        sock = socket.socket()
        try:
            sock.bind(("127.0.0.2", 0))
            sock.settimeout(2)
            sock.connect((parts.hostname or "127.0.0.1", parts.port or 80))
            sock.send(b"GET / HTTP/1.1\r\n")
            held.append(sock)
        except OSError:
            sock.close()
    while not stop.is_set():
        for sock in held:
            with contextlib.suppress(OSError):
                sock.send(b"X")
        stop.wait(1)
    for sock in held:
        sock.close()


def under_attack(url: str, measure: Any, args: Any, work: Path) -> None:
    """Print the cheap query's p99 idle and under attack, side by side."""
    idle = measure(url, CHEAP, True, args.duration, args.connections, work)
    stop = threading.Event()
    threads = [
        threading.Thread(target=_runaway, args=(url, stop, n), daemon=True) for n in range(2)
    ]
    threads.append(threading.Thread(target=_loris, args=(url, stop), daemon=True))
    for thread in threads:
        thread.start()
    time.sleep(3)  # the runaways reach the workers, the loris its connections
    attacked = measure(url, CHEAP, True, args.duration, args.connections, work)
    stop.set()
    for thread in threads:
        thread.join(5)
    print("\n== under attack (ours; cheap unique ASK; 2 runaway queries + slow-loris) ==")
    print(f"{'':12} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}")
    for label, figure in (("idle", idle), ("under attack", attacked)):
        print(
            f"{label:12} {figure.rps:8.0f} {figure.p50_ms:8.2f} {figure.p99_ms:8.1f} "
            f"{figure.errors:8d}"
        )
