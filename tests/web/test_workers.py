"""Queries run in killable worker processes: deadline, memory bound, and the others go on."""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import struct
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from webkit import SLASHED, make_settings

from lima_lod.errors import QueryTimeout
from lima_lod.results import Choice
from lima_lod.store import EmbeddedStore, Job, RemoteStore
from lima_lod.web import workers
from lima_lod.web.app import create_app
from lima_lod.web.workers import Wakeups, WorkerPool

# Counting a five-way cartesian product of the release streams (no memory) for far longer than
# the 2 s deadline; ordering a four-way one needs gigabytes, past the 256 MiB bound.
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
HUNGRY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l } ORDER BY ?c ?f ?i ?l"
QUICK = f"SELECT ?o WHERE {{ <{SLASHED}> ?p ?o }}"
JSON = Choice("json", "json", "turtle")


@pytest.fixture(scope="module")
def strict(dist: Path) -> Iterator[TestClient]:
    settings = make_settings(dist, query_timeout=2.0, query_memory_mb=256, workers=2, cache_mb=0)
    with TestClient(create_app(settings, EmbeddedStore.open(settings))) as client:
        yield client


def pool(client: TestClient) -> WorkerPool:
    runner = client.app.state.endpoint.runner  # type: ignore[attr-defined]
    assert isinstance(runner, WorkerPool)
    return runner


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def wait_for_workers(workers: WorkerPool, count: int) -> None:
    give_up = time.monotonic() + 60  # a replacement worker starts in the background
    while len(workers.pids()) < count and time.monotonic() < give_up:
        time.sleep(0.05)


def test_a_runaway_query_gets_503_at_the_deadline_while_others_are_answered(
    strict: TestClient,
) -> None:
    workers = pool(strict)
    before = workers.pids()
    slow: list[Response] = []
    thread = threading.Thread(
        target=lambda: slow.append(strict.get("/sparql", params={"query": ENDLESS}))
    )
    thread.start()
    quick = strict.get("/sparql", params={"query": QUICK})
    still_running = thread.is_alive()
    thread.join(60)
    assert quick.status_code == 200 and json.loads(quick.content)["results"]["bindings"]
    assert still_running, "the quick query was answered while the runaway one ran"
    assert slow[0].status_code == 503
    assert "deadline" in slow[0].text and "Traceback" not in slow[0].text
    # The work really stopped: the worker that ran it is gone, a fresh one replaces it.
    gone = before - workers.pids()
    assert len(gone) == 1 and not alive(gone.pop())
    wait_for_workers(workers, 3)  # two, and the one in reserve
    assert strict.get("/sparql", params={"query": QUICK + " "}).status_code == 200


def test_a_query_past_the_memory_bound_gets_503(strict: TestClient) -> None:
    workers = pool(strict)
    wait_for_workers(workers, 3)  # two, and the one in reserve
    response = strict.get("/sparql", params={"query": HUNGRY})
    assert response.status_code == 503 and "memory" in response.text
    wait_for_workers(workers, 3)  # two, and the one in reserve
    assert strict.get("/sparql", params={"query": QUICK + "  "}).status_code == 200


def test_the_pool_answers_and_passes_errors_back(store: EmbeddedStore) -> None:
    workers = WorkerPool(store, 1, 512)
    workers.start()
    try:
        lease = asyncio.run(workers.run(Job(QUICK, JSON, 10), time.monotonic() + 30))
        values = {b["o"]["value"] for b in json.loads(lease.answer.body)["results"]["bindings"]}
        assert "Slashed" in values
        with pytest.raises(QueryTimeout):
            asyncio.run(workers.run(Job(ENDLESS, JSON, 10), time.monotonic() + 0.5))
    finally:
        workers.close()
    assert workers.pids() == set()


@pytest.mark.parametrize("size", [2_000, 30_000, 300_000])
def test_answers_of_every_size_arrive_whole_and_give_their_bytes_back(
    store: EmbeddedStore, size: int
) -> None:
    """Sent with their head, after it (read once all of it is in the pipe), or read in a thread."""
    query = f'SELECT ?s WHERE {{ VALUES ?n {{ 1 2 3 4 5 6 7 8 9 10 }} BIND("{"x" * (size // 10)}" AS ?s) }}'
    job = Job(query, JSON, 100)
    expected = store.run(job, 0.0)
    workers = WorkerPool(store, 1, 512)
    workers.start()
    try:

        async def twice() -> list[bytes]:
            bodies = []
            for _ in range(2):  # the worker is given back in a state to answer again
                lease = await workers.run(job, time.monotonic() + 30)
                assert workers.budget.used == len(lease.answer.body)
                lease.release()
                bodies.append(lease.answer.body)
            return bodies

        bodies = asyncio.run(twice())
    finally:
        workers.close()
    assert bodies == [expected.body] * 2 and workers.budget.used == 0
    assert len(json.loads(bodies[0])["results"]["bindings"]) == 10


def test_an_answer_is_read_on_the_loop_only_once_wholly_in_the_pipe() -> None:
    parent, child = multiprocessing.Pipe(duplex=False)
    try:
        child.send_bytes(b"x" * 30_000)
        assert asyncio.run(workers._piped(parent, 30_000))
        assert parent.recv_bytes() == b"x" * 30_000
        # a worker stopped halfway through: the front soon leaves the waiting to a thread
        os.write(child.fileno(), struct.pack("!i", 30_000) + b"x" * 10_000)
        started = time.monotonic()
        assert not asyncio.run(workers._piped(parent, 30_000))
        assert time.monotonic() - started < 5
    finally:
        parent.close()
        child.close()


def test_a_forwarded_query_past_its_deadline_never_reaches_the_engine() -> None:
    from lima_lod.web.forwarder import Forwarder

    engine = RemoteStore("http://127.0.0.1:9/sparql", {}, None)  # nothing listens there
    forwarder = Forwarder(engine, WorkerPool(None, 1, 256, frozenset()))
    with pytest.raises(QueryTimeout, match="deadline"):
        asyncio.run(forwarder.run(Job(QUICK, JSON, 10), time.monotonic() - 1))


class Free:
    """Workers free to take, as the pool counts them (for the wake-up tests)."""

    def __init__(self) -> None:
        self.count = 0

    def take(self) -> bool:
        if self.count:
            self.count -= 1
            return True
        return False


def test_a_freed_worker_goes_to_the_request_that_waited_longest() -> None:

    async def scenario() -> list[int]:
        wakeups, free, served = Wakeups(), Free(), []
        take = free.take

        async def request(n: int) -> None:
            assert await wakeups.until(take, 5.0)
            served.append(n)

        tasks = []
        for n in range(6):
            tasks.append(asyncio.create_task(request(n)))
            await asyncio.sleep(0)  # each is waiting before the next arrives
        for _ in range(6):
            free.count += 1
            wakeups.wake_one()
            await asyncio.sleep(0.01)
        await asyncio.gather(*tasks)
        return served

    assert asyncio.run(scenario()) == list(range(6))


def test_two_workers_freed_at_once_wake_two_requests() -> None:

    async def scenario() -> int:
        wakeups, free = Wakeups(), Free()
        take = free.take

        tasks = [asyncio.create_task(wakeups.until(take, 2.0)) for _ in range(3)]
        await asyncio.sleep(0.01)
        free.count += 2  # freed together, before any waiter runs
        wakeups.wake_one()
        wakeups.wake_one()
        done, pending = await asyncio.wait(tasks, timeout=0.5)
        for task in pending:
            task.cancel()
        return sum(1 for t in done if t.result())

    assert asyncio.run(scenario()) == 2


def test_a_woken_request_that_gives_up_passes_the_wake_up_on() -> None:

    async def scenario() -> bool:
        wakeups, free = Wakeups(), Free()
        take = free.take

        first = asyncio.create_task(wakeups.until(take, 5.0))
        await asyncio.sleep(0.01)
        second = asyncio.create_task(wakeups.until(take, 5.0))
        await asyncio.sleep(0.01)
        free.count += 1
        wakeups.wake_one()  # goes to the first...
        first.cancel()  # ...which leaves before it looks (its client went away)
        return await asyncio.wait_for(second, 1.0)

    assert asyncio.run(scenario()) is True


def test_a_head_and_its_body_arrive_in_one_write() -> None:
    # What the front finds when the head wakes it: the whole body already in the pipe (no
    # waiting for it), framed as Connection.send and send_bytes frame them.
    parent, child = multiprocessing.Pipe(duplex=False)
    try:
        body = bytes(range(256)) * 200  # 51,200 bytes: over the inline size, within the pipe's
        assert workers.INLINE_BYTES < len(body) <= workers.PIPED_BYTES
        workers.send_together(child, ("answer", ("json",), len(body)), body)
        head = parent.recv()
        assert head == ("answer", ("json",), len(body))
        assert workers._waiting_bytes(parent) == len(body) + 4  # all of it, before any wait
        assert parent.recv_bytes() == body
        assert not parent.poll()
    finally:
        parent.close()
        child.close()
