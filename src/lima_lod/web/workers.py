"""Run queries where they can be stopped: worker processes with a deadline and a memory bound.

pyoxigraph cannot cancel a query from Python, and a runaway query keeps a core and gigabytes
busy after its client left. So the embedded store answers in a pool of worker processes (spawned,
not forked: the server has threads), each opening the release's database read-only and limiting
its own heap with ``RLIMIT_DATA``. A query past its deadline gets its worker killed (SIGKILL)
and replaced in the background; one past the memory bound dies on a failed allocation. Either
way the client gets 503 with a message, and the other workers go on serving.

A remote store needs no worker: :class:`InlineRunner` passes the deadline on as a timeout.
"""

from __future__ import annotations

import logging
import multiprocessing
import queue
import resource
import signal
import threading
import time
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Protocol

from ..errors import LimaLodError, QueryTimeout
from ..results import Answer
from ..store import Job, Store

log = logging.getLogger(__name__)
START_TIMEOUT = 120.0  # seconds a new worker may take to open the database


class Runner(Protocol):
    """Runs a job before a deadline (``time.monotonic()`` seconds) or raises QueryTimeout."""

    def start(self) -> None: ...
    def run(self, job: Job, deadline: float) -> Answer: ...
    def close(self) -> None: ...


class InlineRunner:
    """Runs jobs in the calling thread: for stores that enforce the deadline themselves."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def start(self) -> None:
        return None

    def run(self, job: Job, deadline: float) -> Answer:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise QueryTimeout("the query waited past its deadline")
        return self.store.run(job, remaining)

    def close(self) -> None:
        self.store.close()


def _limit_memory(megabytes: int) -> None:
    # RLIMIT_DATA bounds the heap and anonymous mappings, not the database's files or the
    # thread stacks' address space, which RLIMIT_AS would count and RocksDB needs.
    limit = megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))


def _work(conn: Connection, store: Store, memory_mb: int) -> None:
    """The loop of one worker process: answer jobs until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server stops its workers itself
    _limit_memory(memory_mb)
    store.graphs()  # opens the database before saying ready
    conn.send("ready")
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        try:
            conn.send(("ok", store.run(job, 0.0)))
        except LimaLodError as exc:
            conn.send(("error", exc))
        except MemoryError:
            conn.send(("error", QueryTimeout(f"the query went past the memory bound "
                                             f"({memory_mb} MiB) and was stopped")))
        except Exception as exc:  # a process boundary: logged here, told as 500
            log.exception("query failed in a worker")
            conn.send(("error", LimaLodError(f"the query failed: {exc}")))


class Worker:
    """One worker process and the parent's end of its pipe."""

    def __init__(self, process: BaseProcess, conn: Connection) -> None:
        self.process = process
        self.conn = conn

    def kill(self) -> None:
        """Stop the process now and reap it."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


class WorkerPool:
    """A fixed number of query worker processes over one store."""

    def __init__(self, store: Store, size: int, memory_mb: int) -> None:
        self.store = store
        self.size = size
        self.memory_mb = memory_mb
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[Worker] = queue.Queue()
        self._all: set[Worker] = set()
        self._lock = threading.Lock()
        self._closed = threading.Event()

    def _spawn(self) -> Worker | None:
        parent, child = self._context.Pipe()
        process = self._context.Process(target=_work, args=(child, self.store, self.memory_mb),
                                        name="lima-lod-query", daemon=True)
        process.start()
        child.close()
        worker = Worker(process, parent)
        if not parent.poll(START_TIMEOUT) or _receive(parent) != "ready":
            worker.kill()
            log.error("a query worker did not start (exit code %s)", process.exitcode)
            return None
        with self._lock:
            if self._closed.is_set():
                worker.kill()
                return None
            self._all.add(worker)
        self._idle.put(worker)
        return worker

    def start(self) -> None:
        """Start the workers (in parallel) and wait until each has opened the database."""
        threads = [threading.Thread(target=self._spawn) for _ in range(self.size)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if not self._all:
            raise LimaLodError("no query worker could start; see the log above")

    def _replace(self, worker: Worker) -> None:
        with self._lock:
            self._all.discard(worker)
        worker.kill()
        if not self._closed.is_set():
            threading.Thread(target=self._spawn, name="lima-lod-respawn", daemon=True).start()

    def run(self, job: Job, deadline: float) -> Answer:
        """Answer a job in a free worker before the deadline, or stop it and raise QueryTimeout."""
        try:
            worker = self._idle.get(timeout=max(deadline - time.monotonic(), 0.0))
        except queue.Empty:
            raise QueryTimeout("every query worker stayed busy until the deadline; "
                               "try again later") from None
        try:
            worker.conn.send(job)
            if not worker.conn.poll(max(deadline - time.monotonic(), 0.0)):
                self._replace(worker)
                raise QueryTimeout("the query ran past its deadline and was stopped; "
                                   "narrow it down or add a LIMIT")
            status, payload = worker.conn.recv()
        except (EOFError, OSError):
            code = worker.process.exitcode
            self._replace(worker)
            raise QueryTimeout(f"the query went past the memory bound ({self.memory_mb} MiB) "
                               f"and was stopped (worker exit code {code})") from None
        self._idle.put(worker)
        if status == "ok":
            assert isinstance(payload, Answer)
            return payload
        assert isinstance(payload, LimaLodError)
        raise payload

    def pids(self) -> set[int]:
        """The process ids of the live workers (for tests and monitoring)."""
        with self._lock:
            return {w.process.pid for w in self._all if w.process.pid is not None}

    def close(self) -> None:
        """Stop every worker."""
        self._closed.set()
        with self._lock:
            workers, self._all = self._all, set()
        for worker in workers:
            try:
                worker.conn.send(None)
            except OSError:
                pass
        for worker in workers:
            worker.process.join(1)
            worker.kill()


def _receive(conn: Connection) -> object:
    try:
        return conn.recv()
    except (EOFError, OSError):
        return None


def runner_for(store: Store, workers: int, memory_mb: int) -> Runner:
    """Worker processes for a store that needs them, else inline."""
    if store.isolated:
        return WorkerPool(store, workers, memory_mb)
    return InlineRunner(store)
