"""The cost of our layer over a remote engine: the same queries through ``lima-lod serve
--endpoint`` and sent to the engine directly, side by side.

    python bench/remote.py [--release DIR] [--repeat 5] [--engines oxigraph virtuoso]

Each engine is started on 127.0.0.1 with the release (bench/peers.py), then our server in front
of it (answer cache off). Every query is sent ``--repeat`` times, one at a time, each text made
new by a comment: to our server, to the engine with the dataset our server sends
(``default-graph-uri``/``named-graph-uri`` = the release's graphs: the cost of our layer alone),
and to the engine with its own default graph (what the explicit dataset costs on that engine).
Prints the median milliseconds and the ratio ours / engine (same dataset); the goal is <= 1.2
on queries that take the engine more than 10 ms. Needs no load generator.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from peers import PEERS, Unavailable, free_port, process, serve_command
from run import queries, release_dist

ACCEPT = "application/sparql-results+json"


def timed(url: str, query: str, params: list[tuple[str, str]]) -> tuple[float, int]:
    """Milliseconds of one request, and the rows it answered."""
    body = urllib.parse.urlencode([("query", query), *params]).encode()
    request = urllib.request.Request(
        url,
        data=body,
        headers={"Accept": ACCEPT, "Content-Type": "application/x-www-form-urlencoded"},
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=300) as response:
        rows = len(json.loads(response.read())["results"]["bindings"])
    return (time.perf_counter() - started) * 1000, rows


def median(url: str, query: str, params: list[tuple[str, str]], repeat: int) -> tuple[float, int]:
    runs = [timed(url, f"{query}\n# {n} {time.time_ns()}", params) for n in range(repeat)]
    return statistics.median(ms for ms, _ in runs), runs[0][1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--release", type=Path, help="a release folder (default dist/latest)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--engines", nargs="+", default=["oxigraph", "virtuoso"], choices=["oxigraph", "virtuoso"]
    )
    parser.add_argument(
        "--slow",
        type=float,
        default=3000.0,
        help="ms; a query slower than this on the engine is timed once",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lima-lod-bench-remote-") as tmp:
        work = Path(tmp)
        dist = release_dist(args, work)
        meta = json.loads((dist / "latest" / "release.json").read_text(encoding="utf-8"))
        dataset = [("default-graph-uri", g) for g in sorted(meta["graphs"])] + [
            ("named-graph-uri", g) for g in sorted(meta["graphs"])
        ]
        for engine in args.engines:
            folder = work / engine
            folder.mkdir()
            try:
                with PEERS[engine](dist, folder) as (engine_url, _):
                    port = free_port()
                    options = ("--endpoint", engine_url, "--cache-mb", "0")
                    command = serve_command(dist, port, *options, "--query-timeout", "120")
                    ours_url = f"http://127.0.0.1:{port}/sparql"
                    with process(command, ours_url, folder / "ours.log", 120):
                        report(engine, engine_url, ours_url, dataset, args)
            except Unavailable as why:
                print(f"skipped {engine}: {why}")


def report(
    engine: str,
    engine_url: str,
    ours_url: str,
    dataset: list[tuple[str, str]],
    args: argparse.Namespace,
) -> None:
    print(f"\n== ours over {engine} ==  median ms of {args.repeat} unique requests, one at a time")
    print(
        f"{'query':28} {'engine, own default':>20} {'engine, our dataset':>20} "
        f"{'ours':>10} {'ours/engine':>12}  rows"
    )
    for label, query in queries().items():
        once, _ = timed(engine_url, query, dataset)  # warms the engine, sizes the run
        repeat = 1 if once > args.slow else args.repeat
        own, own_rows = median(engine_url, query, [], repeat)
        same, rows = median(engine_url, query, dataset, repeat)
        ours, our_rows = median(ours_url, query, [], repeat)
        flag = "" if rows == our_rows == own_rows else " (rows differ!)"
        print(
            f"{label[:28]:28} {own:20.1f} {same:20.1f} {ours:10.1f} {ours / same:12.2f}"
            f"  {our_rows}{flag}"
        )


if __name__ == "__main__":
    main()
