"""Benchmark the SPARQL endpoint against its peers on the same data and queries, side by side.

    python bench/run.py [--release DIR] [--triples 1000000] [--duration 5] [--peers ...]

Peers (bench/peers.py): our server (``lima-lod serve``), the Oxigraph server, rdflib-endpoint
and Virtuoso, all on 127.0.0.1; a peer that cannot start is skipped with the reason. Datasets:
the release (default ``dist/latest``; built with ``lima-lod build`` into a temp dir if absent)
and a synthetic scale-up to about ``--triples`` made at run time (bench/synthetic.py), never kept.
Queries: the example queries in queries/*.rq and the bench's own in bench/queries/*.rq (a
CONSTRUCT, asked for as N-Triples), or those named with ``--queries``, each run ``repeated`` (the
same text every time) and ``unique`` (a comment with a counter makes every request's text new).
The load generator is wrk (apt-get install wrk): GET requests, ``--connections`` connections,
``--duration`` s each. ``--cpus`` gives the core settings to run each server on, one after the
other (``0``: the server's whole process tree pinned to core 0, wrk on the others; ``0,1``: two
cores, wrk beside them).
Prints requests/s and p50/p99 latency per query and the ratio of ours to each peer, and the
memory (PSS of the whole process tree, workers included) of each peer after its runs; then, for
ours on the release, the "under attack" row (bench/attack.py): a cheap query's p99 idle and
while two runaway queries and a slow-loris run.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent))
from attack import under_attack
from peers import PEERS, Unavailable
from synthetic import scale

ROOT = Path(__file__).resolve().parent.parent
ACCEPT = "application/sparql-results+json"
GRAPH_ACCEPT = "application/n-triples"
LUA = """
local path = "{path}"
local unique = {unique}
local counter = 0
request = function()
  counter = counter + 1
  local p = path
  if unique then p = path .. "%0A%23%20" .. counter end
  return wrk.format("GET", p, {{["Accept"] = "{accept}"}})
end
"""


@dataclass
class Figure:
    """One measured run."""

    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    rows: int | None  # rows of one answer checked beforehand (None: failed)
    single: bool = False  # too slow for a load run: one request measured


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def accept_for(query: str) -> str:
    """The media type to ask a query's answer in: N-Triples for a graph, else JSON results."""
    text = "\n".join(line for line in query.splitlines() if not line.lstrip().startswith("#"))
    return GRAPH_ACCEPT if re.search(r"\b(CONSTRUCT|DESCRIBE)\b", text, re.I) else ACCEPT


def rows_of(url: str, query: str) -> int | None:
    """Ask once and count the rows (or triples), to check each peer answers the same."""
    accept = accept_for(query)
    request = urllib.request.Request(
        f"{url}?{urllib.parse.urlencode({'query': query})}", headers={"Accept": accept}
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            body = response.read()
        if accept == GRAPH_ACCEPT:
            return sum(1 for _ in ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
        return len(json.loads(body)["results"]["bindings"])
    except (OSError, ValueError, KeyError, SyntaxError):
        return None


def wrk_command(*options: str, cpus: str | None = None) -> list[str]:
    """wrk, on the cores the servers do not use when they are pinned (``cpus``)."""
    command = ["wrk", *options]
    others = sorted(set(range(os.cpu_count() or 1)) - _cores(cpus)) if cpus else []
    if others and shutil.which("taskset"):
        command = ["taskset", "-c", ",".join(map(str, others)), *command]
    return command


def _cores(cpus: str | None) -> set[int]:
    return {int(c) for c in cpus.split(",")} if cpus else set()


def pin(pid: int, cpus: str) -> None:
    """Pin a process tree (every thread of it) to cores; new children inherit the pinning."""
    if shutil.which("taskset") is None:
        sys.exit("--cpus needs taskset (util-linux)")
    stack = [pid]
    while stack:
        current = stack.pop()
        subprocess.run(["taskset", "-a", "-p", "-c", cpus, str(current)], capture_output=True)
        with contextlib.suppress(OSError):
            for task in Path(f"/proc/{current}/task").iterdir():
                stack += [int(c) for c in (task / "children").read_text().split()]


def measure(
    url: str,
    query: str,
    unique: bool,
    duration: int,
    connections: int,
    work: Path,
    cpus: str | None = None,
) -> Figure:
    parts = urllib.parse.urlsplit(url)
    path = f"{parts.path}?{urllib.parse.urlencode({'query': query})}"
    script = work / "request.lua"
    accept = accept_for(query)
    script.write_text(LUA.format(path=path, unique="true" if unique else "false", accept=accept))
    output = subprocess.run(
        wrk_command(
            "-t1",
            f"-c{connections}",
            f"-d{duration}s",
            "--timeout",
            "30s",
            "--latency",
            "-s",
            str(script),
            f"{parts.scheme}://{parts.netloc}",
            cpus=cpus,
        ),
        capture_output=True,
        text=True,
        timeout=duration + 60,
        check=False,
    ).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p50 = re.search(r"^\s+50%\s+([\d.]+(?:us|ms|s))\s*$", output, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+([\d.]+(?:us|ms|s))\s*$", output, re.MULTILINE)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return Figure(
        float(rps.group(1)) if rps else 0.0,
        _ms(p50.group(1)) if p50 else 0.0,
        _ms(p99.group(1)) if p99 else 0.0,
        int(errors.group(1)) if errors else 0,
        None,
    )


def pss_mb(pid: int) -> float:
    """Proportional set size of a process and all its descendants, in MB."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            rollup = Path(f"/proc/{current}/smaps_rollup").read_text()
            total += int(re.search(r"^Pss:\s+(\d+)", rollup, re.MULTILINE).group(1))  # type: ignore[union-attr]
            for task in Path(f"/proc/{current}/task").iterdir():
                stack += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, AttributeError):
            continue
    return total / 1024


def queries(only: list[str] | None = None, graphs: bool = False) -> dict[str, str]:
    """The example queries by name, with the bench's own (``graphs``: a CONSTRUCT) after them;
    ``only`` keeps those named."""
    paths = sorted((ROOT / "queries").glob("*.rq"))
    if graphs or only:
        paths += sorted((ROOT / "bench" / "queries").glob("*.rq"))
    found = {path.stem: path.read_text(encoding="utf-8") for path in paths}
    unknown = sorted(set(only or ()) - set(found))
    if unknown:
        sys.exit(f"no such query: {', '.join(unknown)}; there are {', '.join(found)}")
    return {name: text for name, text in found.items() if not only or name in only}


def run_dataset(
    name: str, dist: Path, peers: list[str], args: argparse.Namespace, work: Path
) -> None:
    results: dict[str, dict[tuple[str, str], Figure]] = {}
    memory: dict[str, float] = {}
    settings: list[str | None] = args.cpus or [None]
    for peer in peers:
        folder = work / f"{name}-{peer}"
        folder.mkdir()
        try:
            with PEERS[peer](dist, folder) as (url, pid):
                figures = {}
                print(f"[{name}] {peer} answers at {url}", flush=True)
                for cpus in settings:
                    if cpus:
                        pin(pid, cpus)
                    for label, query in queries(args.queries, graphs=True).items():
                        started = time.perf_counter()
                        rows = rows_of(url, query)
                        once = time.perf_counter() - started
                        for mode in ("repeated", "unique"):
                            if once > args.slow:  # a load run would queue minutes of work
                                figure = Figure(1 / once, once * 1000, once * 1000, 0, rows, True)
                            else:
                                figure = measure(
                                    url,
                                    query,
                                    mode == "unique",
                                    args.duration,
                                    args.connections,
                                    folder,
                                    cpus,
                                )
                                figure.rows = rows
                            figures[(label, _mode(mode, cpus))] = figure
                results[peer] = figures
                memory[peer] = pss_mb(pid)
                if peer == "ours" and not args.skip_attack and name == "release":
                    under_attack(url, measure, args, folder)
        except Unavailable as why:
            print(f"[{name}] skipped {peer}: {why}", flush=True)
    report(name, results, memory)


def _mode(mode: str, cpus: str | None) -> str:
    """A run's mode, with the cores the server ran on when pinned (``unique@0``)."""
    return f"{mode}@{cpus}" if cpus else mode


def report(
    name: str, results: dict[str, dict[tuple[str, str], Figure]], memory: dict[str, float]
) -> None:
    print(f"\n== {name} ==  req/s | p50 ms | p99 ms | rows  (x = ours / peer, req/s)")
    if "ours" not in results:
        print("our server did not run")
        return
    peers = list(results)
    print(f"{'query':34} {'mode':12} " + " ".join(f"{p:>30}" for p in peers))
    for key, ours in results["ours"].items():
        cells = []
        for peer in peers:
            f = results[peer].get(key)
            if f is None:
                cells.append(f"{'-':>30}")
                continue
            ratio = f"x{ours.rps / f.rps:.2f}" if peer != "ours" and f.rps else ""
            flag = "!" if f.errors or f.rows != ours.rows else "*" if f.single else " "
            cells.append(
                f"{f.rps:8.0f} {f.p50_ms:7.2f} {f.p99_ms:7.1f} {f.rows!s:>4}{flag}{ratio:>6}"
            )
        print(f"{key[0][:34]:34} {key[1]:12} " + " ".join(cells))
    print(
        "memory (PSS, MB, process tree): "
        + ", ".join(f"{peer} {mb:.0f}" for peer, mb in memory.items())
    )
    print(
        "! = non-2xx answers or a row count different from ours; "
        "* = slower than --slow s: one request timed instead of a load run"
    )


def release_dist(args: argparse.Namespace, work: Path) -> Path:
    if args.release:
        dist = work / "release"
        (dist / "releases").mkdir(parents=True)
        (dist / "releases" / "given").symlink_to(args.release.resolve())
        (dist / "latest").symlink_to("releases/given")
        return dist
    if (ROOT / "dist" / "latest" / "lima-lod.nq").exists():
        return ROOT / "dist"
    dist = work / "built"
    subprocess.run(
        [sys.executable, "-m", "lima_lod.cli", "build", "--dist", str(dist)], check=True, cwd=ROOT
    )
    return dist


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--release", type=Path, help="a release folder (default dist/latest)")
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--peers", nargs="+", default=list(PEERS), choices=list(PEERS))
    parser.add_argument(
        "--queries", nargs="+", metavar="NAME", help="only these queries (file names without .rq)"
    )
    parser.add_argument(
        "--cpus",
        nargs="+",
        default=["0", "0,1"],
        metavar="LIST",
        help="core settings to pin each server to, one run each (taskset lists; default 0 and 0,1)",
    )
    parser.add_argument("--skip-synthetic", action="store_true")
    parser.add_argument(
        "--skip-attack",
        action="store_true",
        help="no 'under attack' row (cheap p99 with runaways and a slow-loris)",
    )
    parser.add_argument(
        "--skip-deref", action="store_true", help="no dereferencing rows (bench/deref.py)"
    )
    parser.add_argument(
        "--skip-breakdown",
        action="store_true",
        help="do not print the per-stage breakdown of one request first",
    )
    parser.add_argument(
        "--slow",
        type=float,
        default=5.0,
        help="seconds one answer may take before a peer gets no load run",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("the bench needs wrk: apt-get install wrk")
    with tempfile.TemporaryDirectory(prefix="lima-lod-bench-") as tmp:
        work = Path(tmp)
        work.chmod(0o755)  # nginx's worker (bench/deref.py) drops privileges and reads the site
        dist = release_dist(args, work)
        if not args.skip_breakdown:  # where the time of one request goes (bench/breakdown.py)
            subprocess.run(
                [
                    sys.executable,
                    str(ROOT / "bench" / "breakdown.py"),
                    "--release",
                    str((dist / "latest").resolve()),
                    *(["--queries", *args.queries] if args.queries else []),
                ],
                check=False,
                cwd=ROOT,
            )
        run_dataset("release", dist, args.peers, args, work)
        if not args.skip_deref:
            import deref

            deref.run(dist, work, "commitment/1", min(args.duration, 3), args.connections)
        if not args.skip_synthetic:
            synthetic = work / "synthetic"
            scale(dist / "latest", synthetic, args.triples)
            run_dataset(f"synthetic ~{args.triples} triples", synthetic, args.peers, args, work)


if __name__ == "__main__":
    main()
