"""The cost of our layer over a remote engine: the same queries through ``lima-lod serve
--endpoint`` and sent to the engine directly, side by side.

    python bench/remote.py [--release DIR] [--repeat 5] [--engines oxigraph virtuoso]
                           [--baseline SRC_DIR]

Each engine is started on 127.0.0.1 with the release (bench/peers.py; both serve the union of
the named graphs as their default graph), then our server in front of it (answer cache off):
once as deployed by default (``--endpoint-dataset explicit``), once with ``--endpoint-dataset
union`` where the engine's default graph holds only the release (the Oxigraph server; Virtuoso's
also holds its system graphs), and once from ``--baseline`` (another checkout's ``src``, e.g. the
code before a change). Every query is sent ``--repeat`` times, each text made new by a comment,
one request at a time, the targets taking turns: to the engine with its own default graph, to the
engine with the dataset our server sends (``default-graph-uri``/``named-graph-uri`` = the
release's graphs: the cost of our layer alone), and to each of our servers. Prints the median
milliseconds and the ratios ours / engine with the same dataset (the union server's against the
engine's own default graph); the goal is <= 1.2 on queries that take the engine more than 10 ms.
Then, per server, the CPU time its processes (the server and its workers, from /proc) spent per
request over the whole table: a figure a busy machine disturbs less than wall time (it waits
for a core between the steps of a request, which the engine's one step does not).
Needs no load generator.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from peers import PEERS, Unavailable, cpu_seconds, free_port, process, serve_command
from run import queries, release_dist

ACCEPT = "application/sparql-results+json"
#: Engines whose default graph, as bench/peers.py starts them, is exactly the release's union.
UNION_DEFAULT = {"oxigraph"}


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


Target = Callable[[str], tuple[float, int]]


def medians(targets: dict[str, Target], query: str, repeat: int) -> dict[str, tuple[float, int]]:
    """The median milliseconds and the rows of each target, the targets taking turns."""
    runs: dict[str, list[tuple[float, int]]] = {name: [] for name in targets}
    for n in range(repeat):
        for name, target in targets.items():
            runs[name].append(target(f"{query}\n# {n} {time.time_ns()}"))
    return {
        name: (statistics.median(ms for ms, _ in spent), spent[0][1])
        for name, spent in runs.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--release", type=Path, help="a release folder (default dist/latest)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--engines", nargs="+", default=["oxigraph", "virtuoso"], choices=["oxigraph", "virtuoso"]
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        help="the src folder of another lima-lod checkout, served beside this one",
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
                    report(engine, engine_url, dist, dataset, folder, args)
            except Unavailable as why:
                print(f"skipped {engine}: {why}")


def report(
    engine: str,
    engine_url: str,
    dist: Path,
    dataset: list[tuple[str, str]],
    folder: Path,
    args: argparse.Namespace,
) -> None:
    servers: dict[str, tuple[tuple[str, ...], str | None]] = {}
    if args.baseline:
        servers["before"] = ((), str(args.baseline.resolve()))
    servers["ours"] = ((), None)
    if engine in UNION_DEFAULT:
        servers["union"] = (("--endpoint-dataset", "union"), None)
    with contextlib.ExitStack() as stack:
        urls, pids = {}, {}
        for name, (options, source) in servers.items():
            port = free_port()
            command = serve_command(
                dist, port, "--endpoint", engine_url, "--cache-mb", "0",
                "--query-timeout", "120", *options,
            )  # fmt: skip
            env = {"PYTHONPATH": source} if source else None
            url = f"http://127.0.0.1:{port}/sparql"
            _, pids[name] = stack.enter_context(
                process(command, url, folder / f"{name}.log", 120, env)
            )
            urls[name] = url
        table(engine, engine_url, urls, pids, dataset, args)


def table(
    engine: str,
    engine_url: str,
    urls: dict[str, str],
    pids: dict[str, int],
    dataset: list[tuple[str, str]],
    args: argparse.Namespace,
) -> None:
    spent = dict.fromkeys(urls, 0.0)
    calls = dict.fromkeys(urls, 0)

    def ours(name: str) -> Target:
        def target(query: str) -> tuple[float, int]:
            before = cpu_seconds(pids[name])
            result = timed(urls[name], query, [])
            spent[name] += cpu_seconds(pids[name]) - before
            calls[name] += 1
            return result

        return target

    print(f"\n== ours over {engine} ==  median ms of {args.repeat} unique requests, one at a time")
    columns = ["engine, own default", "engine, our dataset"]
    columns += [{"before": "before", "ours": "ours", "union": "ours, union"}[n] for n in urls]
    ratios = [f"{n}/engine" for n in urls]
    print(
        f"{'query':28} " + " ".join(f"{c:>20}" for c in columns) + " "
        + " ".join(f"{r:>15}" for r in ratios) + "  rows"
    )  # fmt: skip
    for label, query in queries().items():
        once, _ = timed(engine_url, query, dataset)  # warms the engine, sizes the run
        repeat = 1 if once > args.slow else args.repeat
        targets: dict[str, Target] = {
            "own": lambda q: timed(engine_url, q, []),
            "same": lambda q: timed(engine_url, q, dataset),
        }
        for name in urls:
            targets[name] = ours(name)
        got = medians(targets, query, repeat)
        rows = {n for _, n in got.values()}
        flag = "" if len(rows) == 1 else " (rows differ!)"
        cells = [got[n][0] for n in ("own", "same", *urls)]
        shares = [got[n][0] / got["own" if n == "union" else "same"][0] for n in urls]
        print(
            f"{label[:28]:28} " + " ".join(f"{c:20.1f}" for c in cells) + " "
            + " ".join(f"{r:15.2f}" for r in shares) + f"  {got['ours'][1]}{flag}"
        )  # fmt: skip
    print(
        "CPU ms per request (server and workers): "
        + ", ".join(f"{n} {1000 * spent[n] / max(calls[n], 1):.2f}" for n in urls)
    )


if __name__ == "__main__":
    os.environ.pop("LIMA_LOD_ENDPOINT_DATASET", None)
    main()
