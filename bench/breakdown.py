"""Where each millisecond of one /sparql request goes, stage by stage, per example query.

    python bench/breakdown.py [--release DIR] [--seconds 0.3] [--queries NAME ...]

Each stage is timed on its own, in this process, many times (for about ``--seconds`` each, at
least ``--min-runs`` times); the table gives the median of each, in microseconds:

- protocol:    ``protocol.read`` of the GET query string
- guard:       ``guard.passes_unparsed`` (and ``guard.check``, where the query must be parsed)
- negotiation: ``negotiation.choose`` and ``store_choice``
- evaluation:  ``Store.query`` in-process, every solution or triple drawn from the iterator
- writing:     ``store.run`` (evaluation + ``results.write``) minus evaluation
- IPC:         a round trip through one worker process (``WorkerPool.run``, awaited on an event
               loop as the server does) minus ``store.run``
- HTTP+ASGI:   a GET over a kept-alive connection to a real server (``lima-lod serve`` in its
               own process, as deployed: uvicorn + httptools, one worker, answer cache off)
               minus every stage above: the HTTP parser, the event loop, the endpoint's lane
               (web/lane.py: the response, its headers), the thread hops and the socket
- total:       that HTTP round trip, as a client sees it

Stages measured apart do not add up exactly to the whole (caches, the scheduler), and the HTTP
figure includes one client's own time; read the table as shares, not as a sum to the microsecond.
The release is ``--release``, else ``dist/latest``, else one built into a temporary folder. The
queries are the examples and the bench's CONSTRUCT (asked for as N-Triples), or ``--queries``.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import statistics
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pyoxigraph as ox
from peers import free_port, process
from run import accept_for, queries, release_dist

from lima_lod.settings import Settings, load_settings
from lima_lod.store import EmbeddedStore, Job
from lima_lod.web import guard, negotiation, protocol
from lima_lod.web.workers import WorkerPool

ROOT = Path(__file__).resolve().parent.parent
STAGES = ("protocol", "guard", "negotiation", "evaluation", "writing", "IPC", "HTTP+ASGI")


def medians_us(
    actions: dict[str, Callable[[], object]], seconds: float, min_runs: int
) -> dict[str, float]:
    """The median time of one call of each action, in microseconds.

    The actions take turns, one call each per round, for about ``seconds`` per action: on a
    shared machine a burst of load then hits every stage alike, not one of them.
    """
    for action in actions.values():
        action()  # warm up: first-call imports and caches do not count
    times: dict[str, list[float]] = {name: [] for name in actions}
    stop = time.perf_counter() + seconds * len(actions)
    rounds = 0
    while rounds < min_runs or time.perf_counter() < stop:
        for name, action in actions.items():
            started = time.perf_counter()
            action()
            times[name].append(time.perf_counter() - started)
        rounds += 1
    return {name: statistics.median(spent) * 1e6 for name, spent in times.items()}


def evaluate(store: EmbeddedStore, query: str) -> int:
    """Run a query in-process and draw every item, writing nothing."""
    result = store.handle.query(query, use_default_graph_as_union=True)
    if isinstance(result, ox.QueryBoolean):
        return 1
    return sum(1 for _ in result)


def through_worker(loop: asyncio.AbstractEventLoop, pool: WorkerPool, job: Job) -> int:
    """Answer a job through a worker, as the endpoint does, and give its bytes back."""
    lease = loop.run_until_complete(pool.run(job, time.monotonic() + 60))
    lease.release()
    return len(lease.answer.body)


def get(connection: http.client.HTTPConnection, path: str, accept: str) -> bytes:
    connection.request("GET", path, headers={"Accept": accept})
    response = connection.getresponse()
    body = response.read()
    if response.status != 200:
        raise SystemExit(f"{path}: HTTP {response.status}: {body[:200]!r}")
    return body


def breakdown(
    settings: Settings,
    store: EmbeddedStore,
    chosen: dict[str, str],
    seconds: float,
    min_runs: int,
    work: Path,
) -> dict[str, dict[str, float]]:
    """The median of each stage, per query."""
    table: dict[str, dict[str, float]] = {}
    held = store.graphs()
    pool = WorkerPool(store, 1, settings.query_memory_mb)
    pool.start()
    loop = asyncio.new_event_loop()
    port = free_port()
    # Served as deployed (``lima-lod serve`` binds its own socket): ``server.running`` serves a
    # socket made with protocol 0, on which asyncio does not set TCP_NODELAY, and every answer
    # on a kept-alive connection then waits ~40 ms for a delayed ACK (Nagle).
    command = [
        sys.executable,
        "-m",
        "lima_lod.cli",
        "serve",
        "--dist",
        str(settings.dist),
        "--port",
        str(port),
        "--store-dir",
        str(work / "served"),
        "--workers",
        "1",
        "--cache-mb",
        "0",
    ]
    try:
        with process(command, f"http://127.0.0.1:{port}/sparql", work / "serve.log", 120):
            url = f"http://127.0.0.1:{port}"
            address = urllib.parse.urlsplit(url)
            connection = http.client.HTTPConnection(address.hostname or "127.0.0.1", address.port)
            for name, query in chosen.items():
                accept = accept_for(query)
                query_string = urllib.parse.urlencode({"query": query})
                path = f"/sparql?{query_string}"
                choice = negotiation.store_choice(negotiation.choose(accept, None))
                job = Job(query, choice, settings.max_results)

                def check(query: str = query) -> object:
                    return not guard.passes_unparsed(query) and guard.check(query, held)

                measured = medians_us(
                    {
                        "protocol": lambda qs=query_string: protocol.read(  # type: ignore[misc]
                            "GET", qs, None, b""
                        ),
                        "guard": check,
                        "negotiation": lambda a=accept: negotiation.store_choice(  # type: ignore[misc]
                            negotiation.choose(a, None)
                        ),
                        "evaluation": lambda q=query: evaluate(store, q),  # type: ignore[misc]
                        "run": lambda j=job: store.run(j, 0.0),  # type: ignore[misc]
                        "pooled": lambda j=job: through_worker(loop, pool, j),  # type: ignore[misc]
                        "total": lambda p=path, a=accept: get(connection, p, a),  # type: ignore[misc]
                    },
                    seconds,
                    min_runs,
                )
                row = {
                    name: measured[name]
                    for name in ("protocol", "guard", "negotiation", "evaluation", "total")
                }
                run, pooled, total = measured["run"], measured["pooled"], measured["total"]
                row["writing"] = run - row["evaluation"]
                row["IPC"] = pooled - run
                row["HTTP+ASGI"] = (
                    total - pooled - row["protocol"] - row["guard"] - row["negotiation"]
                )
                row["total"] = total
                row["rows"] = float(store.run(job, 0.0).count)
                row["bytes"] = float(len(get(connection, path, accept)))
                table[name] = row
            connection.close()
    finally:
        pool.close()
        loop.close()
    return table


def print_table(table: dict[str, dict[str, float]]) -> None:
    print(
        "\nmicroseconds per request, median (Accept: JSON results, N-Triples for a graph); "
        "% of total in brackets"
    )
    columns = (*STAGES, "total")
    print(f"{'query':30} {'rows':>5} {'bytes':>7} " + " ".join(f"{c:>14}" for c in columns))
    for name, row in table.items():
        cells = [f"{row[c]:7.0f} ({100 * row[c] / row['total']:3.0f}%)" for c in STAGES]
        print(
            f"{name[:30]:30} {row['rows']:5.0f} {row['bytes']:7.0f} "
            + " ".join(f"{c:>14}" for c in cells)
            + f" {row['total']:14.0f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--release", type=Path, help="a release folder (default dist/latest)")
    parser.add_argument("--seconds", type=float, default=0.3, help="time spent on each stage")
    parser.add_argument("--min-runs", type=int, default=20)
    parser.add_argument(
        "--queries", nargs="+", metavar="NAME", help="only these queries (file names without .rq)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lima-lod-breakdown-") as tmp:
        dist = release_dist(args, Path(tmp))
        settings = load_settings(
            {
                "root": str(ROOT),
                "dist": str(dist),
                "workers": 1,
                "cache_mb": 0,
                "store_dir": str(Path(tmp) / "store"),
            },
            environ={},
        )
        store = EmbeddedStore.open(settings)
        chosen = queries(args.queries, graphs=True)
        print_table(breakdown(settings, store, chosen, args.seconds, args.min_runs, Path(tmp)))


if __name__ == "__main__":
    main()
