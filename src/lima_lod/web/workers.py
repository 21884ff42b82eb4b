"""Run queries where they can be stopped: worker processes with a deadline and a memory bound.

pyoxigraph cannot cancel a query from Python, and a runaway query keeps a core and gigabytes
busy after its client left. So the embedded store answers in a pool of worker processes (spawned,
not forked: the server has threads), each opening the release's database read-only and limiting
its own heap with ``RLIMIT_DATA``. A query past its deadline gets its worker killed (SIGKILL)
and replaced in the background; one past the memory bound dies on a failed allocation. Either
way the client gets 503 with a message, and the other workers go on serving.

Everything of unbounded cost about a query happens in the worker, under that deadline: the
guard's parse (rdflib's parser takes seconds on crafted input and is not thread-safe: one
parser per process), the evaluation, the writing. A worker first moves itself into a network
namespace of its own where the platform allows (root, or user namespaces): SERVICE then cannot
reach anything even if the guard were fooled (pyoxigraph's sockets are Rust's, so patching
Python's ``socket`` would not do).

The front never blocks a thread waiting: it waits for a free worker and for the answer on the
event loop, a bounded number of requests for a bounded time (then 503 with ``Retry-After``).
One extra worker is held in reserve: pages (/id/, /doc/) use it first, and a query finding
every other worker busy may use it for :data:`RESERVE_SECONDS` only, so runaway queries cannot
starve cheap work. Answers are received only within a byte budget (:class:`Budget`), released
once the response has been sent: what the front holds is bounded. The answer's bytes are copied
once, from the worker's pipe into the front, and read on the event loop when that cannot block:
an answer of up to :data:`INLINE_BYTES` travels in its head's message, which the pipe takes in
one write; one of up to :data:`PIPED_BYTES` follows its head in the same write and is read once
the pipe holds all of it; a larger one is read in a thread (a thread hop costs more than the whole hop to a worker
for a fast query).

A remote store needs no worker to run its queries in: ``forwarder.Forwarder`` sends them from
the event loop, and a pool of these workers (with no store) checks the queries that need it.
"""

from __future__ import annotations

import array
import asyncio
import contextlib
import ctypes
import fcntl
import logging
import multiprocessing
import os
import resource
import signal
import struct
import termios
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from multiprocessing.reduction import ForkingPickler
from typing import Protocol

import anyio.to_thread

from ..errors import BadRequest, LimaLodError, MalformedQuery, QueryTimeout
from ..results import Answer
from ..store import MAX_ANSWER_BYTES, Job, Store
from . import guard

log = logging.getLogger(__name__)
START_TIMEOUT = 120.0  # seconds a new worker may take to open the database
QUEUE_WAIT = 3.0  # seconds a request may wait for a free worker before 503
MAX_WAITING = 64  # requests waiting for a worker at once; more get 503 at once
RESERVE_SECONDS = 2.0  # how long a query may hold the reserve worker
RETRY_AFTER = 5  # seconds, told to clients refused for lack of capacity
ANSWER_BUDGET = MAX_ANSWER_BYTES  # bytes of answers the front holds at once
CLONE_NEWNET = 0x40000000
# multiprocessing writes a message of up to 16 KiB in one os.write (larger ones in two): an answer
# that fits with its head is wholly in the pipe when the front wakes up to read it
INLINE_BYTES = 16 * 1024 - 512
PIPED_BYTES = 60 * 1024  # an answer the pipe (64 KiB) holds whole
PIPE_POLL = 0.0002  # seconds between looks at a pipe the worker is still writing into
PIPE_WAIT = 0.05  # seconds of such looks before a thread waits instead


class Busy(QueryTimeout):
    """Every worker stayed busy: try again later (503 with Retry-After)."""


@dataclass
class Lease:
    """An answer and the release of the memory it holds; call release once it is sent."""

    answer: Answer
    release: Callable[[], None] = lambda: None


class Runner(Protocol):
    """Runs a job before a deadline (``time.monotonic()`` seconds) or raises QueryTimeout."""

    def start(self) -> None: ...
    async def run(self, job: Job, deadline: float, page: bool = False) -> Lease: ...
    def close(self) -> None: ...


class Wakeups:
    """Requests waiting on the event loop for something another thread may free.

    ``wake`` wakes every waiter (bytes of the budget: a small answer may fit where a large one
    does not); ``wake_one`` wakes the longest-waiting one only (a worker: any waiter can use it),
    so requests are served in the order they came and none waits out many rounds of others. A
    waiter that was woken but leaves without what freed it passes the wake-up on.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        # in arrival order; the value says whether a wake-up was sent and not yet used
        self._waiting: dict[tuple[asyncio.AbstractEventLoop, asyncio.Event], bool] = {}

    def __len__(self) -> int:
        return len(self._waiting)

    async def until(self, ready: Callable[[], bool], timeout: float) -> bool:
        """Wait until ``ready()`` (tried again at each wake-up), at most ``timeout`` seconds."""
        end = time.monotonic() + timeout
        entry = (asyncio.get_running_loop(), asyncio.Event())
        with self._lock:
            self._waiting[entry] = False
        try:
            while True:
                entry[1].clear()
                with self._lock:
                    self._waiting[entry] = False  # a wake-up that finds nothing is used up
                if ready():
                    return True
                try:
                    await asyncio.wait_for(entry[1].wait(), max(end - time.monotonic(), 0.0))
                except TimeoutError:
                    return ready()
        finally:
            with self._lock:
                woken = self._waiting.pop(entry, False)
            if woken:  # woken again after its last look: what freed it may still be free
                self.wake_one()  # (a wake-up that finds nothing costs one look)

    def wake(self) -> None:
        """Wake every waiting request (from any thread)."""
        with self._lock:
            waiting = list(self._waiting)
            for entry in waiting:
                self._waiting[entry] = True
        for loop, event in waiting:
            loop.call_soon_threadsafe(event.set)

    def wake_one(self) -> None:
        """Wake the longest-waiting request not already woken (from any thread)."""
        with self._lock:
            entry = next((e for e, woken in self._waiting.items() if not woken), None)
            if entry is None:
                return
            self._waiting[entry] = True
        entry[0].call_soon_threadsafe(entry[1].set)


class Budget:
    """Bytes the front may hold in answers, shared by every request."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.used = 0
        self._lock = threading.Lock()
        self._wakeups = Wakeups()

    def _take(self, size: int) -> bool:
        with self._lock:
            if self.used + size > self.total:
                return False
            self.used += size
            return True

    async def acquire(self, size: int, timeout: float) -> bool:
        """Take ``size`` bytes, waiting at most ``timeout`` seconds; say whether it was taken."""
        if not len(self._wakeups) and self._take(size):  # nobody waits before this request
            return True
        return await self._wakeups.until(lambda: self._take(size), timeout)

    def release(self, size: int) -> None:
        """Give ``size`` bytes back."""
        with self._lock:
            self.used -= size
        self._wakeups.wake()


def isolate_network() -> bool:
    """Leave the host's network for a new, empty namespace (no route, not even loopback);
    say whether that was allowed (root or user namespaces)."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(CLONE_NEWNET) != 0:
        log.warning(
            "query worker keeps the network (unshare: errno %d); the guard alone keeps SERVICE out",
            ctypes.get_errno(),
        )
        return False
    return True


def _limit_memory(megabytes: int) -> None:
    # RLIMIT_DATA bounds the heap and anonymous mappings, not the database's files or the
    # thread stacks' address space, which RLIMIT_AS would count and RocksDB needs.
    limit = megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))


def execute(store: Store, job: Job, held: frozenset[str]) -> Answer:
    """Check a job and answer it (in a worker): every client mistake is a 4xx with a message."""
    job = guard.checked(job, held)
    try:
        return store.run(job, 0.0)
    except MalformedQuery:
        if guard.is_update(job.query):
            raise guard.read_only() from None
        raise
    except (RuntimeError, ValueError) as exc:
        # pyoxigraph tells evaluation errors (an unknown function...) as RuntimeError.
        raise BadRequest(f"the query cannot be evaluated: {exc}") from None


def send_together(conn: Connection, head: object, body: bytes) -> None:
    """Send a head and then a body as ``conn.send`` and ``conn.send_bytes`` frame them, in one
    write: the front, woken by the head, finds the body whole in the pipe (which holds 64 KiB)
    and reads it at once. Sent apart, the body came a moment later, and the front's first look
    missed it: the next one waited a whole millisecond of the event loop's clock."""
    pickled = ForkingPickler.dumps(head)
    framed = b"".join(
        (struct.pack("!i", len(pickled)), pickled, struct.pack("!i", len(body)), body)
    )
    view = memoryview(framed)
    while view:  # one write for a pipe with room; the loop is for an interrupted one
        view = view[os.write(conn.fileno(), view) :]


def _work(
    conn: Connection,
    store: Store | None,
    held: frozenset[str],
    memory_mb: int,
    max_answer: int,
    inline: int = INLINE_BYTES,
) -> None:
    """The loop of one worker process: answer (or only check) jobs until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server stops its workers itself
    isolate_network()  # first: before any thread starts, and before the database opens
    _limit_memory(memory_mb)
    if store is not None:
        held = store.graphs()  # opens the database before saying ready
    conn.send("ready")
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        try:
            if store is None:
                conn.send(("checked", guard.checked(job, held)))
                continue
            answer = execute(store, job, held)
            if len(answer.body) > max_answer:
                raise QueryTimeout(
                    f"the answer is {len(answer.body) // 2**20} MiB, over the "
                    f"{max_answer // 2**20} MiB this endpoint sends; "
                    f"add a LIMIT or ask for less"
                )
            meta = (answer.format, answer.kind, answer.count, answer.truncated)
            if len(answer.body) <= inline:
                conn.send(("answer", meta, len(answer.body), answer.body))
            elif len(answer.body) <= PIPED_BYTES:
                send_together(conn, ("answer", meta, len(answer.body)), answer.body)
            else:
                conn.send(("answer", meta, len(answer.body)))
                conn.send_bytes(answer.body)
        except LimaLodError as exc:
            conn.send(("error", exc))
        except MemoryError:
            conn.send(
                (
                    "error",
                    QueryTimeout(
                        f"the query went past the memory bound ({memory_mb} MiB) and was stopped"
                    ),
                )
            )
        except RecursionError:
            conn.send(("error", BadRequest("the query nests too deeply")))
        except Exception as exc:  # a process boundary: logged here, told as 500
            log.exception("query failed in a worker")
            conn.send(("error", LimaLodError(f"the query failed: {exc}")))


class Worker:
    """One worker process, the parent's end of its pipe, and its lane."""

    def __init__(self, process: BaseProcess, conn: Connection, reserve: bool) -> None:
        self.process = process
        self.conn = conn
        self.reserve = reserve

    def kill(self) -> None:
        """Stop the process now and reap it."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


async def _readable(conn: Connection, timeout: float) -> bool:
    """Wait on the event loop (no thread) until the worker has written, or the timeout."""
    loop = asyncio.get_running_loop()
    ready: asyncio.Future[bool] = loop.create_future()
    fd = conn.fileno()

    def settle(readable: bool) -> None:
        if not ready.done():
            ready.set_result(readable)

    loop.add_reader(fd, settle, True)
    late = loop.call_later(max(timeout, 0.0), settle, False)  # wait_for's timer, without its task
    try:
        return await ready
    finally:
        late.cancel()
        loop.remove_reader(fd)


def _waiting_bytes(conn: Connection) -> int:
    """How many bytes the pipe holds for us to read."""
    count = array.array("i", [0])
    fcntl.ioctl(conn.fileno(), termios.FIONREAD, count, True)
    return count[0]


async def _piped(conn: Connection, size: int) -> bool:
    """Wait a moment for a message of ``size`` bytes to be wholly in the pipe (the worker is
    writing it); say whether it is (if not, a thread waits for it: the worker may be gone)."""
    give_up = time.monotonic() + PIPE_WAIT
    while _waiting_bytes(conn) < size + 4:  # 4: the message's length, before it
        if time.monotonic() > give_up:
            return False
        await asyncio.sleep(PIPE_POLL)
    return True


class WorkerPool:
    """A fixed number of query worker processes over one store, plus one in reserve.

    With ``store`` None the workers only check queries (for a remote store): they answer a
    checked :class:`Job`, its FROM clauses as its dataset.
    """

    def __init__(
        self,
        store: Store | None,
        size: int,
        memory_mb: int,
        held: frozenset[str] = frozenset(),
        budget: int | None = None,
        inline: int = INLINE_BYTES,
    ) -> None:
        self.store = store
        self.inline = inline
        self.size = size
        self.memory_mb = memory_mb
        self.held = held
        self.budget = Budget(ANSWER_BUDGET if budget is None else budget)
        self._context = multiprocessing.get_context("spawn")
        self._idle: list[Worker] = []
        self._all: set[Worker] = set()
        self._lock = threading.Lock()
        self._wakeups = Wakeups()
        self._closed = threading.Event()

    # -- processes ---------------------------------------------------------------------------
    def _spawn(self, reserve: bool) -> Worker | None:
        parent, child = self._context.Pipe()
        process = self._context.Process(
            target=_work,
            args=(child, self.store, self.held, self.memory_mb, self.budget.total, self.inline),
            name="lima-lod-query",
            daemon=True,
        )
        process.start()
        child.close()
        worker = Worker(process, parent, reserve)
        if not parent.poll(START_TIMEOUT) or _receive(parent) != "ready":
            worker.kill()
            log.error("a query worker did not start (exit code %s)", process.exitcode)
            return None
        with self._lock:
            if self._closed.is_set():
                worker.kill()
                return None
            self._all.add(worker)
        self._give_back(worker)
        return worker

    def start(self) -> None:
        """Start the workers (in parallel) and wait until each has opened the database."""
        threads = [
            threading.Thread(target=self._spawn, args=(i == self.size,))
            for i in range(self.size + 1)
        ]
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
            threading.Thread(
                target=self._spawn, args=(worker.reserve,), name="lima-lod-respawn", daemon=True
            ).start()

    # -- lanes -------------------------------------------------------------------------------
    def _give_back(self, worker: Worker) -> None:
        """Make a worker idle again and wake the waiting requests (from any thread)."""
        with self._lock:
            self._idle.append(worker)
        self._wakeups.wake_one()

    def _take(self, page: bool) -> Worker | None:
        """An idle worker: pages take the reserve first, queries the others first."""
        with self._lock:
            for worker in sorted(self._idle, key=lambda w: w.reserve != page):
                self._idle.remove(worker)
                return worker
        return None

    async def _acquire(self, page: bool, deadline: float) -> Worker:
        if not len(self._wakeups):  # nobody waits before this request: an idle worker is its
            worker = self._take(page)
            if worker is not None:
                return worker
        if len(self._wakeups) >= MAX_WAITING:
            raise Busy("too many requests are waiting for a query worker; try again later")
        taken: list[Worker] = []

        def take() -> bool:
            worker = self._take(page)
            if worker is not None:
                taken.append(worker)
            return worker is not None

        wait = min(deadline - time.monotonic(), QUEUE_WAIT)
        if not await self._wakeups.until(take, wait):
            raise Busy("every query worker is busy; try again later")
        return taken[0]

    # -- running -----------------------------------------------------------------------------
    async def _exchange(self, job: Job, deadline: float, page: bool) -> tuple[object, ...]:
        """Send a job to a worker and read the head of its reply (the body may follow)."""
        worker = await self._acquire(page, deadline)
        limit = deadline
        if worker.reserve and not page:
            limit = min(deadline, time.monotonic() + RESERVE_SECONDS)
        try:
            worker.conn.send(job)
            if not await _readable(worker.conn, limit - time.monotonic()):
                self._replace(worker)
                if limit < deadline:
                    raise Busy(
                        "every query worker is busy with long queries, and this one "
                        f"needed more than the {RESERVE_SECONDS:g} s the reserve "
                        "worker gives; try again later"
                    )
                raise QueryTimeout(
                    "the query ran past its deadline and was stopped; narrow it down or add a LIMIT"
                )
            head: tuple[object, ...] = worker.conn.recv()
            if head[0] == "answer" and len(head) == 3:  # its body follows
                return await self._body(worker, head, deadline)
        except (EOFError, OSError):
            code = worker.process.exitcode
            self._replace(worker)
            raise QueryTimeout(
                f"the query went past the memory bound ({self.memory_mb} MiB) "
                f"and was stopped (worker exit code {code})"
            ) from None
        except asyncio.CancelledError:
            self._replace(worker)  # its reply would be read as the next job's
            raise
        self._give_back(worker)
        if head[0] == "answer":  # a small answer, read with its head: held within the budget too
            size = head[2]
            assert isinstance(size, int)
            if not await self.budget.acquire(size, min(QUEUE_WAIT, deadline - time.monotonic())):
                raise Busy("the server is sending many large answers; try again later")
        return head

    async def _body(
        self, worker: Worker, head: tuple[object, ...], deadline: float
    ) -> tuple[object, ...]:
        size = head[2]
        assert isinstance(size, int)
        if not await self.budget.acquire(size, min(QUEUE_WAIT, deadline - time.monotonic())):
            self._replace(worker)  # its answer is still in the pipe
            raise Busy("the server is sending many large answers; try again later")
        try:
            if size <= PIPED_BYTES and await _piped(worker.conn, size):
                body = worker.conn.recv_bytes()  # wholly in the pipe: does not block
            else:
                body = await anyio.to_thread.run_sync(worker.conn.recv_bytes)
        except BaseException:
            self.budget.release(size)  # the caller replaces the worker
            raise
        self._give_back(worker)
        return (*head, body)

    async def run(self, job: Job, deadline: float, page: bool = False) -> Lease:
        """Answer a job in a worker before the deadline, or stop it and raise QueryTimeout."""
        reply = await self._exchange(job, deadline, page)
        if reply[0] == "error":
            error = reply[1]
            assert isinstance(error, LimaLodError)
            raise error
        meta, size, body = reply[1], reply[2], reply[3]
        assert isinstance(meta, tuple) and isinstance(size, int) and isinstance(body, bytes)
        released = False

        def release() -> None:
            nonlocal released
            if not released:
                released = True
                self.budget.release(size)

        return Lease(Answer(body, *meta), release)

    async def check(self, job: Job, deadline: float) -> Job:
        """Check a job in a worker (a checking pool); the job back, with its FROM dataset."""
        reply = await self._exchange(job, deadline, False)
        if reply[0] == "error":
            error = reply[1]
            assert isinstance(error, LimaLodError)
            raise error
        checked = reply[1]
        assert isinstance(checked, Job)
        return checked

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
            with contextlib.suppress(OSError):
                worker.conn.send(None)
        for worker in workers:
            worker.process.join(1)
            worker.kill()


def _receive(conn: Connection) -> object:
    try:
        return conn.recv()
    except (EOFError, OSError):
        return None
