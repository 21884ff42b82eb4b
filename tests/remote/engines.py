"""Real SPARQL engines for the tests: the Oxigraph server and Virtuoso, started on 127.0.0.1 with
their own temporary data directories, stopped when the session ends.

Each ``start_*`` returns an :class:`Engine` (or raises :class:`Unavailable` saying why the engine
cannot run here, which the fixtures turn into a skip). Nothing is left running: ``Engine.stop``
terminates the process and waits for it.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from webkit import make_settings

from lima_lod.settings import Settings

STARTUP = 120.0  # seconds an engine may take to answer its first request
#: Virtuoso's administrator in a fresh database (its documented default).
VIRTUOSO_USER = "dba"
VIRTUOSO_PASSWORD = "dba"


class Unavailable(Exception):
    """The engine cannot run on this machine; the message says why."""


@dataclass
class Engine:
    """A running engine: where to query it, where to load into it, and its process."""

    name: str
    query_url: str  # the SPARQL query endpoint (what ``lima-lod serve --endpoint`` gets)
    store_url: str  # what ``lima-lod load --store`` gets
    process: subprocess.Popen[bytes]
    log: Path
    user: str = ""
    password: str = ""

    def stop(self) -> None:
        """Stop the engine and wait for it (kill it if it does not stop in time)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_http(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    """Wait until ``url`` answers HTTP (any status) or the process dies."""
    give_up = time.monotonic() + STARTUP
    while time.monotonic() < give_up:
        if process.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise Unavailable(f"the engine exited with {process.returncode}: {tail}")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise Unavailable(f"{url} did not answer within {STARTUP:.0f} s")


def oxigraph_command() -> str:
    """The ``oxigraph`` CLI of this environment (PyPI ``oxigraph``, in the ``[test]`` extra)."""
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if not found:
        raise Unavailable("the Oxigraph server is not installed (pip install oxigraph)")
    return found


def start_oxigraph(folder: Path, timeout_s: int = 30, union: bool = False) -> Engine:
    """Start ``oxigraph serve`` on a free port with its database in ``folder``.

    No ``--union-default-graph`` unless ``union``: lima-lod sets the dataset of every query
    itself, so the tests prove it does not depend on the engine's setting (``union`` is for
    ``--endpoint-dataset union``, which relies on it).
    """
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = folder / "oxigraph.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                oxigraph_command(),
                "serve",
                "--location",
                str(folder / "db"),
                "--bind",
                f"127.0.0.1:{port}",
                "--timeout-s",
                str(timeout_s),
                *(["--union-default-graph"] if union else []),
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    _wait_http(f"{base}/", process, log)
    return Engine("oxigraph", f"{base}/query", base, process, log)


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DisableTcpSocket = 0
MaxClientConnections = 10
CheckpointInterval = 60
O_DIRECT = 0
CaseMode = 2
MaxStaticCursorRows = 5000
AllowOSCalls = 0
DirsAllowed = ., {d}
ThreadCleanupInterval = 0
ThreadThreshold = 10
ResourcesCleanupInterval = 0
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
MaxQueryMem = 256M
ThreadsPerQuery = 2
AsyncQueueMaxThreads = 4

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {d}/vsp
MaxClientConnections = 10
DavRoot = DAV
EnabledDavVSP = 0
HTTPProxyEnabled = 0
ServerThreads = 10
MaxKeepAlives = 10
KeepAliveTimeout = 10
HTTPThreadSize = 280000
Charset = UTF-8
EnabledGzipContent = 0

[Client]
SQL_PREFETCH_ROWS = 100
SQL_PREFETCH_BYTES = 16000
SQL_QUERY_TIMEOUT = 0
SQL_TXN_TIMEOUT = 0

[SPARQL]
; above lima-lod's result cap + 1, so a cut result is seen as cut (Virtuoso cuts silently)
ResultSetMaxRows = 1000000
MaxQueryCostEstimationTime = 400
MaxQueryExecutionTime = 60
DeferInferenceRulesInit = 1
"""


def start_virtuoso(folder: Path) -> Engine:
    """Start ``virtuoso-t`` in the foreground with a fresh database in ``folder``.

    Loads go to the authenticated endpoints (HTTP Digest, the fresh database's ``dba``), so
    the anonymous SPARQL user keeps no update right.
    """
    binary = shutil.which("virtuoso-t")
    if binary is None:
        raise Unavailable(
            "Virtuoso is not installed (Debian package virtuoso-opensource; "
            "tests/tools/install.sh installs it where it can)"
        )
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vsp").mkdir(exist_ok=True)
    http_port, sql_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(
        VIRTUOSO_INI.format(d=folder, sql_port=sql_port, http_port=http_port), encoding="utf-8"
    )
    log = folder / "virtuoso.out"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [binary, "+foreground", "+configfile", str(ini)],
            cwd=folder,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{http_port}"
    _wait_http(f"{base}/sparql?query=ASK%7B%7D", process, log)
    return Engine(
        "virtuoso", f"{base}/sparql", base, process, log, VIRTUOSO_USER, VIRTUOSO_PASSWORD
    )


STARTERS: dict[str, Callable[[Path], Engine]] = {
    "oxigraph": start_oxigraph,
    "virtuoso": start_virtuoso,
}
#: The Graph Store endpoint of each engine, as ``lima-lod load --store`` is given it.
GSP_PATHS = {"oxigraph": "/store", "virtuoso": "/sparql-graph-crud-auth"}


def store_url(engine: Engine) -> str:
    """The engine's Graph Store endpoint."""
    return engine.store_url + GSP_PATHS[engine.name]


def engine_fixture(
    name: str, request: pytest.FixtureRequest, factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """Start an engine for a fixture (skip, saying why, where it cannot run); stop it after."""
    try:
        engine = STARTERS[name](factory.mktemp(name))
    except Unavailable as exc:
        pytest.skip(str(exc))
    request.addfinalizer(engine.stop)
    yield engine


def remote_settings(engine: Engine, dist: Path, **overrides: object) -> Settings:
    """Settings of ``lima-lod serve --endpoint`` over an engine."""
    # Virtuoso takes seconds on some example queries over an explicit dataset (docs/deploy.md).
    values: dict[str, object] = {"endpoint": engine.query_url, "query_timeout": 60.0}
    return make_settings(dist, **{**values, **overrides})
