"""The servers the benchmark compares, each started on 127.0.0.1 over the same N-Quads.

Each peer is a context manager yielding the endpoint URL, or raising Unavailable (the bench then
skips it and says why). All of them serve the union of the named graphs as the default graph.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

BIN = Path(sys.executable).parent


class Unavailable(Exception):
    """A peer that cannot run here; the message says why."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def answers(url: str, query: str = "ASK {}", timeout: float = 5) -> bool:
    full = f"{url}?{urllib.parse.urlencode({'query': query})}"
    request = urllib.request.Request(full, headers={"Accept": "application/sparql-results+json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return "head" in json.loads(response.read())  # Virtuoso answers ASK {} as a table
    except (OSError, ValueError):
        return False


@contextlib.contextmanager
def process(
    command: list[str], url: str, log: Path, startup: float, env: dict[str, str] | None = None
) -> Iterator[tuple[str, int]]:
    """Run a server until it answers ASK {} (bounded by ``startup`` seconds); stop it after."""
    with log.open("wb") as sink:
        proc = subprocess.Popen(
            command,
            stdout=sink,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
            start_new_session=True,
        )
        try:
            give_up = time.monotonic() + startup
            while not answers(url):
                if proc.poll() is not None or time.monotonic() > give_up:
                    tail = log.read_text(errors="replace")[-600:]
                    raise Unavailable(f"did not answer within {startup:.0f} s: {tail}")
                time.sleep(0.5)
            yield url, proc.pid
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, 15)
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, 9)
                proc.wait(20)


def serve_command(dist: Path, port: int, *options: str) -> list[str]:
    """``lima-lod serve`` of a dist folder on 127.0.0.1:port, as a command line."""
    return [sys.executable, "-m", "lima_lod.cli", "serve", "--dist", str(dist),
            "--port", str(port), *options]  # fmt: skip


def oxigraph_command(dist: Path, work: Path, port: int) -> list[str]:
    """Load the latest release into an Oxigraph database; the command serving it read-only."""
    binary = BIN / "oxigraph"
    if not binary.exists():
        raise Unavailable("pip install oxigraph (the bench extra)")
    location = work / "oxigraph"
    nquads = dist / "latest" / "lima-lod.nq"
    subprocess.run(
        [str(binary), "load", "--location", str(location), "--file", str(nquads)],
        check=True,
        capture_output=True,
    )
    return [str(binary), "serve-read-only", "--location", str(location),
            "--bind", f"127.0.0.1:{port}", "--union-default-graph"]  # fmt: skip


@contextlib.contextmanager
def ours(dist: Path, work: Path) -> Iterator[tuple[str, int]]:
    port = free_port()
    command = serve_command(dist, port, "--store-dir", str(work / "store"))
    with process(command, f"http://127.0.0.1:{port}/sparql", work / "ours.log", 600) as peer:
        yield peer


@contextlib.contextmanager
def oxigraph(dist: Path, work: Path) -> Iterator[tuple[str, int]]:
    port = free_port()
    command = oxigraph_command(dist, work, port)
    with process(command, f"http://127.0.0.1:{port}/query", work / "oxigraph.log", 120) as peer:
        yield peer


@contextlib.contextmanager
def rdflib_endpoint(dist: Path, work: Path) -> Iterator[tuple[str, int]]:
    binary = BIN / "rdflib-endpoint"
    if not binary.exists():
        raise Unavailable("pip install rdflib-endpoint (the bench extra)")
    port = free_port()
    command = [
        str(binary),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        str(dist / "latest" / "lima-lod.nq"),
    ]
    # its command line serves the endpoint at the root path
    with process(command, f"http://127.0.0.1:{port}/", work / "rdflib.log", 900) as peer:
        yield peer


VIRTUOSO_INI = """[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{isql}
DisableUnixSocket = 1
DirsAllowed = ., {data}, /usr/share/virtuoso-opensource-7/vad
NumberOfBuffers = 170000
MaxDirtyBuffers = 130000
MaxQueryMem = 2G
ThreadsPerQuery = 2
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = /var/lib/virtuoso-opensource-7/vsp
MaxClientConnections = 16
ServerThreads = 16
[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 60
"""


@contextlib.contextmanager
def virtuoso(dist: Path, work: Path) -> Iterator[tuple[str, int]]:
    server, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    if server is None or isql is None:
        raise Unavailable("apt-get install virtuoso-opensource")
    db, data = work / "virtuoso", work / "virtuoso-data"
    db.mkdir()
    data.mkdir()
    shutil.copy(dist / "latest" / "lima-lod.nq", data / "lima-lod.nq")
    isql_port, http_port = free_port(), free_port()
    ini = db / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(db=db, data=data, isql=isql_port, http=http_port))
    url = f"http://127.0.0.1:{http_port}/sparql"
    with process([server, "-f", "-c", str(ini)], url, work / "virtuoso.out", 180) as peer:
        script = (
            f"ld_dir('{data}', '*.nq', 'urn:lima-lod:default');\nrdf_loader_run();\ncheckpoint;\n"
        )
        loaded = subprocess.run(
            [isql, str(isql_port), "dba", "dba"],
            input=script,
            text=True,
            check=False,
            capture_output=True,
            timeout=1800,
        )
        if loaded.returncode != 0 or re.search(r"\*\*\* Error", loaded.stdout):
            raise Unavailable(f"could not load the data: {loaded.stdout[-400:]}")
        yield peer


PEERS = {
    "ours": ours,
    "oxigraph": oxigraph,
    "rdflib-endpoint": rdflib_endpoint,
    "virtuoso": virtuoso,
}


def cpu_seconds(pid: int) -> float:
    """CPU seconds a process and its descendants have run so far: the scheduler's nanosecond
    count of each thread (/proc/*/task/*/schedstat, Linux), not the 10 ms ticks of /stat."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        with contextlib.suppress(OSError):
            for task in Path(f"/proc/{current}/task").iterdir():
                total += int((task / "schedstat").read_text().split()[0])
                pending += [int(c) for c in (task / "children").read_text().split()]
    return total / 1e9
