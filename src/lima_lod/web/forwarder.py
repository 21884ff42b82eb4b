"""Answer queries from a remote store on the event loop: no worker, no thread hop.

A remote engine enforces nothing for us, so every query is still checked first by the guard
(SERVICE, FROM of graphs we do not hold, updates). Most queries hold no word the guard must
parse for (:func:`guard.passes_unparsed`, a lexer): that is decided here, on the event loop, for
a query of at most :data:`SCAN_CHARS` characters (a fraction of a millisecond); any other query
goes to a checking worker process, under the deadline, as before. The checked job is then sent
to the engine over a kept-alive connection (``RemoteStore.answer``) with the rest of the
deadline as both our timeout on the HTTP exchange and the engine's own, where it takes one.
"""

from __future__ import annotations

import time

from ..errors import QueryTimeout
from ..settings import Settings
from ..store import Job, RemoteStore, Store
from . import guard
from .workers import Lease, Runner, WorkerPool

#: The longest query checked on the event loop; a longer one is checked in a worker.
SCAN_CHARS = 16384


class Forwarder:
    """Runs jobs on a remote store: checked (here or in ``checker``), then sent to the engine."""

    def __init__(self, store: RemoteStore, checker: WorkerPool) -> None:
        self.store = store
        self.checker = checker

    def start(self) -> None:
        self.checker.start()

    async def run(self, job: Job, deadline: float, page: bool = False) -> Lease:
        """Answer a job before the deadline, or raise (504 from the engine's side, 503 here)."""
        if len(job.query) > SCAN_CHARS or not guard.passes_unparsed(job.query):
            job = await self.checker.check(job, deadline)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise QueryTimeout("the query waited past its deadline")
        return Lease(await self.store.answer(job, remaining))

    def close(self) -> None:
        self.checker.close()
        self.store.close()


def runner(store: Store, settings: Settings) -> Runner:
    """The runner of a store: worker processes where queries must run isolated (the embedded
    store), else a forwarder to the remote engine with workers that only check queries."""
    if store.isolated:
        return WorkerPool(store, settings.workers, settings.query_memory_mb)
    assert isinstance(store, RemoteStore)
    checker = WorkerPool(None, settings.workers, settings.query_memory_mb, store.graphs())
    return Forwarder(store, checker)
