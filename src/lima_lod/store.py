"""Where SPARQL queries are answered: a release in an embedded store, or a remote engine.

Comes after the release in the flow and before ``web``. :class:`EmbeddedStore` loads a small
release's N-Quads dump into memory, or builds a pyoxigraph database from a big one once (under
``settings.store_path``) and opens it read-only; it is picklable, so worker processes load the
same release or reopen the same database (see ``web/workers.py``). :class:`RemoteStore` forwards queries to an existing engine
(``settings.endpoint``; from the server's event loop over kept-alive connections, see
``http_pool`` and ``web/forwarder.py``) and re-writes its answers with the same result cap, or
passes them on where the engine wrote them as we would.

Both answer a :class:`Job`, a query already checked by ``web/guard.py``; neither fetches anything
a query names.
"""

from __future__ import annotations

import gzip
import http.client
import multiprocessing
import os
import re
import shutil
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import IO, Protocol, cast

import pyoxigraph as ox

from .errors import (
    BadRequest,
    EngineError,
    EngineTimeout,
    MalformedQuery,
    QueryError,
    QueryTimeout,
    ReleaseError,
)
from .http_pool import AnswerTooLarge, HttpPool, ProtocolFailure
from .layout import Release, find_release
from .results import Answer, Choice, Kind, write
from .settings import Settings

#: A release whose N-Quads dump is at most this big is served from memory, in each worker (a
#: million triples, ~200 MB of N-Quads, stays on disk to keep memory low).
IN_MEMORY_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class GraphSelection:
    """The graphs a query runs over, when the protocol or FROM clauses choose them: those merged
    into its default graph and those it may name with GRAPH (its RDF dataset, in SPARQL's words)."""

    default: tuple[str, ...] = ()
    named: tuple[str, ...] = ()


@dataclass(frozen=True)
class Job:
    """A checked query and how to answer it.

    ``dataset`` None means the store's own dataset: the default graph is the union of all graphs
    (``sd:UnionDefaultGraph``) and every named graph can be queried with GRAPH.
    """

    query: str
    choice: Choice
    limit: int
    dataset: GraphSelection | None = None
    base_iri: str | None = None


@dataclass(frozen=True)
class Statistics:
    """VoID figures of the served dataset: triples in all, and per named graph."""

    triples: int
    graphs: dict[str, int] = field(default_factory=dict)


class Store(Protocol):
    """What the web layer needs from a store."""

    release: Release | None
    isolated: bool  # True: run queries in killable worker processes, never in the server

    def graphs(self) -> frozenset[str]: ...
    def statistics(self) -> Statistics: ...
    def run(self, job: Job, timeout: float) -> Answer: ...
    def close(self) -> None: ...


STATISTICS_QUERY = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


class EmbeddedStore:
    """A release loaded read-only into pyoxigraph: in memory when it is small, else a database on
    disk shared by the worker processes (``database`` is None for a release served from memory)."""

    isolated = True

    def __init__(self, release: Release, database: Path | None, prefixes: dict[str, str]) -> None:
        self.release: Release | None = release
        self.database = database
        self.prefixes = prefixes
        self._handle: ox.Store | None = None

    def __reduce__(self) -> tuple[type[EmbeddedStore], tuple[Release, Path | None, dict[str, str]]]:
        # A worker process gets the paths and opens the database (or loads the release) itself.
        assert self.release is not None
        return (EmbeddedStore, (self.release, self.database, self.prefixes))

    @classmethod
    def open(cls, settings: Settings, release: Release | None = None) -> EmbeddedStore:
        """Open the latest release (or the one given): a small release is loaded into memory
        (queries then run about 3x faster than on disk), a big one into a database on disk,
        built once under ``store_path``.

        Args:
            settings: gives ``dist`` (where releases are), ``store_path`` and the IRI base.
            release: serve this release instead of ``<dist>/latest``.
        """
        release = release or find_release(settings.dist)
        if in_memory(release):
            store = cls(release, None, settings.iris.prefixes())
            store.handle  # noqa: B018 - loads now, so a bad dump fails at start, not on a query
            return store
        return cls(
            release, prepare_database(release, settings.store_path), settings.iris.prefixes()
        )

    @property
    def handle(self) -> ox.Store:
        """The pyoxigraph store, opened on first use in this process: the release in memory, or
        the on-disk database read-only. Either way nothing is ever written to it."""
        if self._handle is None:
            if self.database is None:
                assert self.release is not None
                store = ox.Store()
                _bulk_load(store, self.release.nquads)
                self._handle = store
            else:
                self._handle = ox.Store.read_only(str(self.database))
        return self._handle

    def graphs(self) -> frozenset[str]:
        return frozenset(g.value for g in self.handle.named_graphs() if isinstance(g, ox.NamedNode))

    def statistics(self) -> Statistics:
        counts = _graph_counts(self.handle.query(STATISTICS_QUERY))
        default = self.handle.query("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")
        assert isinstance(default, ox.QuerySolutions)
        number = next(iter(default))["n"]
        own = int(number.value) if isinstance(number, ox.Literal) else 0
        return Statistics(own + sum(counts.values()), counts)

    def run(self, job: Job, timeout: float) -> Answer:
        """Evaluate a checked query in this process (no deadline: run it in a worker)."""
        try:
            if job.dataset is None:
                result = self.handle.query(
                    job.query, base_iri=job.base_iri, use_default_graph_as_union=True
                )
            else:
                result = self.handle.query(
                    job.query,
                    base_iri=job.base_iri,
                    default_graph=[ox.NamedNode(g) for g in job.dataset.default],
                    named_graphs=[ox.NamedNode(g) for g in job.dataset.named],
                )
        except SyntaxError as exc:
            raise MalformedQuery(f"malformed query: {exc}") from None
        return write(result, job.choice, job.limit, self.prefixes)

    def close(self) -> None:
        self._handle = None


def _graph_counts(result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples) -> dict[str, int]:
    """Read the answer of STATISTICS_QUERY."""
    assert isinstance(result, ox.QuerySolutions)
    counts = {}
    for row in result:
        graph, number = row["g"], row["n"]
        if isinstance(graph, ox.NamedNode) and isinstance(number, ox.Literal):
            counts[graph.value] = int(number.value)
    return counts


def in_memory(release: Release) -> bool:
    """Say whether a release is small enough to be served from memory."""
    return release.nquads.stat().st_size <= IN_MEMORY_BYTES


def prepare_database(release: Release, store_path: Path) -> Path:
    """Build the release's pyoxigraph database under ``store_path`` unless it is already there.

    The bulk load runs in a child process: loading a million triples leaves hundreds of MB
    allocated in the process that did it, which the server must not carry for its lifetime.
    """
    target = store_path / f"{release.version}-{release.fingerprint}"
    if not (target / "COMPLETE").exists():
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
            pool.submit(_build_database, release, target).result()
    return target


def _bulk_load(store: ox.Store, nquads: Path) -> None:
    """Load an N-Quads file (plain or gzipped) into a store."""
    try:
        if nquads.suffix == ".gz":
            with gzip.open(nquads, "rb") as source:
                store.bulk_load(input=cast(IO[bytes], source), format=ox.RdfFormat.N_QUADS)
        else:
            store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    except SyntaxError as exc:
        raise ReleaseError(f"{nquads}: not valid N-Quads: {exc}") from None


def _build_database(release: Release, target: Path) -> None:
    work = target.parent / f".{target.name}.{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        writer = ox.Store(str(work))
        _bulk_load(writer, release.nquads)
        writer.flush()
        del writer  # releases the database lock before the folder moves
        (work / "COMPLETE").write_text(release.version, encoding="utf-8")
        if not (target / "COMPLETE").exists():
            shutil.rmtree(target, ignore_errors=True)
            work.rename(target)
    finally:
        shutil.rmtree(work, ignore_errors=True)


#: Engines that take a per-query timeout, recognised by their ``Server`` header: the parameter
#: and how many of its units make a second. The Oxigraph server has only a server-wide
#: ``--timeout-s``; GraphDB and QLever take theirs from their own configuration.
ENGINE_TIMEOUTS: tuple[tuple[str, str, int], ...] = (
    ("virtuoso", "timeout", 1000),  # milliseconds
    ("apache jena fuseki", "timeout", 1),  # seconds
)
#: Engines, by their ``Server`` header, that write SPARQL JSON results and N-Triples as lima-lod
#: does (the same library's writers): their answers within the cap are passed on unchanged.
#: Virtuoso is not one: it writes ``typed-literal`` bindings, a type SPARQL 1.1 dropped.
FAITHFUL = ("oxigraph/",)
#: Bytes of one answer read from an engine at most (what the worker pool holds of all answers).
MAX_ANSWER_BYTES = 256 * 1024 * 1024
#: Virtuoso stops a query at its timeout and answers what it found so far ("anytime" queries),
#: saying so only in these headers: such an answer is refused, never served as complete.
PARTIAL_ANSWER_HEADERS = ("x-sql-state",)
#: What a remote engine is asked for, by query form. Each form gets only the types that carry it:
#: Virtuoso writes a CONSTRUCT as JSON "solutions" when JSON comes first, and a SELECT as RDF
#: when an RDF type does.
ACCEPT = {
    "graph": "application/n-triples, text/plain;q=0.9",
    "other": "application/sparql-results+json",
}
#: Strings, IRIs and comments (blanked out), then the first query-form keyword.
_OPAQUE = re.compile(
    r"""'{3}.*?'{3}|"{3}.*?"{3}|'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*"|"""
    r"""<[^<>"{}|^`\\\x00-\x20]*>|#[^\n\r]*""",
    re.DOTALL,
)
_FORM = re.compile(r"(?<![\w:?$.-])(select|ask|construct|describe)(?![\w:-])", re.IGNORECASE)


def query_form(query: str) -> str:
    """``graph`` for CONSTRUCT and DESCRIBE, ``other`` for SELECT and ASK (or no form)."""
    found = _FORM.search(_OPAQUE.sub(" ", query))
    return "graph" if found and found.group(1).lower() in ("construct", "describe") else "other"


class RemoteStore:
    """An existing SPARQL engine, asked over HTTP; its answers are re-written with our cap.

    Every query is sent with its dataset set explicitly: when the client gave none, the default
    graph and the named graphs are the release's graphs (``default-graph-uri`` and
    ``named-graph-uri`` for each), so the default graph is their union on every engine, whatever
    the engine's own default (Oxigraph: the empty default graph; Virtuoso: every graph, its
    system graphs included). With ``union`` (``--endpoint-dataset union``) nothing is added: the
    engine's own default graph must then already be the union of the release's graphs, and it
    must hold nothing else (the Oxigraph server with ``--union-default-graph``, Fuseki with
    ``unionDefaultGraph``, GraphDB, QLever); the engine skips the work of a given dataset.

    The server asks with :meth:`answer`, on its event loop over kept-alive connections
    (``http_pool``); :meth:`run` is the same over urllib, for callers without a loop. An answer
    already written in the chosen format by an engine that writes it as we do (see
    :data:`FAITHFUL`), and not over the cap, is passed on as the engine wrote it; any other is
    written by ``results.write``.
    """

    isolated = False

    def __init__(
        self,
        endpoint: str,
        prefixes: dict[str, str],
        release: Release | None,
        release_graphs: tuple[str, ...] = (),
        timeout_parameter: tuple[str, int] | None = None,
        union: bool = False,
    ) -> None:
        self.endpoint = endpoint
        self.prefixes = prefixes
        self.release = release
        self.release_graphs = release_graphs
        self.timeout_parameter = timeout_parameter
        self.union = union
        self._release_dataset = _dataset_form(GraphSelection(release_graphs, release_graphs))
        self.faithful = False  # the engine writes SPARQL JSON and N-Triples as we do
        self.pool = HttpPool(endpoint)

    @classmethod
    def open(cls, settings: Settings) -> RemoteStore:
        """Forward to ``settings.endpoint``; the release (its graphs, for the dataset of every
        query, and its ETags) is read when there is one."""
        try:
            release: Release | None = find_release(settings.dist)
        except ReleaseError:
            release = None
        store = cls(
            settings.endpoint,
            settings.iris.prefixes(),
            release,
            _release_graphs(release) if release else (),
            union=settings.endpoint_dataset == "union",
        )
        store.recognise()
        return store

    def recognise(self) -> None:
        """Learn from the engine's ``Server`` header its own per-query timeout parameter, and
        whether its answers can be passed on as it writes them."""
        try:
            server = self._ask("ASK {}", GraphSelection(), 30.0)[2].lower()
        except QueryError:  # down or odd now: served without the engine's own timeout
            return
        self.timeout_parameter = next(
            ((name, units) for prefix, name, units in ENGINE_TIMEOUTS if server.startswith(prefix)),
            None,
        )
        self.faithful = server.startswith(FAITHFUL)

    def _request(
        self, query: str, dataset: GraphSelection | None, timeout: float
    ) -> tuple[bytes, list[tuple[str, str]]]:
        """A query as a form (Virtuoso hangs on ``application/sparql-query`` bodies and answers
        HTML without an Accept), with its dataset and the engine's own timeout; its headers."""
        params = [("query", query)]
        if self.timeout_parameter is not None:  # the engine stops first, and says why
            name, units = self.timeout_parameter
            params.append((name, str(max(1, int(timeout * 0.9 * units)))))
        form = urllib.parse.urlencode(params)
        if dataset is None and not self.union:
            form += self._release_dataset  # the same on every query: encoded once
        elif dataset is not None:
            form += _dataset_form(dataset)
        headers = [
            ("Accept", ACCEPT[query_form(query)]),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ]
        return form.encode(), headers

    def _ask(
        self, query: str, dataset: GraphSelection | None, timeout: float
    ) -> tuple[str, bytes, str]:
        """POST a query with urllib (a new connection); the media type, body and ``Server``."""
        body, headers = self._request(query, dataset, timeout)
        request = urllib.request.Request(
            self.endpoint, data=body, method="POST", headers=dict(headers)
        )
        deadline = time.monotonic() + timeout
        try:
            # The socket timeout bounds each wait; the loop bounds the whole answer.
            with urllib.request.urlopen(request, timeout=timeout) as response:
                chunks, size = [], 0
                while chunk := response.read(65536):
                    chunks.append(chunk)
                    size += len(chunk)
                    if time.monotonic() > deadline:
                        raise TimeoutError
                    if size > MAX_ANSWER_BYTES:
                        raise _too_large()
                _refuse_partial({k.lower(): v for k, v in response.headers.items()})
                return (
                    response.headers.get_content_type(),
                    b"".join(chunks),
                    response.headers.get("server", ""),
                )
        except urllib.error.HTTPError as exc:
            raise _refused(exc.code, exc.read(500)) from None
        except TimeoutError:
            raise _late(timeout) from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise _late(timeout) from None
            raise EngineError(f"the SPARQL engine is unreachable: {exc.reason}") from None
        except (OSError, http.client.HTTPException) as exc:
            raise EngineError(f"the SPARQL engine's answer is not HTTP: {exc!r}") from None

    async def answer(self, job: Job, timeout: float) -> Answer:
        """Answer a checked job from the event loop, over a kept-alive connection, within
        ``timeout`` seconds (our deadline on the whole HTTP exchange)."""
        body, headers = self._request(job.query, job.dataset, timeout)
        try:
            reply = await self.pool.post(body, headers, timeout, MAX_ANSWER_BYTES)
        except TimeoutError:
            raise _late(timeout) from None
        except AnswerTooLarge:
            raise _too_large() from None
        except ProtocolFailure as exc:
            raise EngineError(str(exc)) from None
        except OSError as exc:
            raise EngineError(f"the SPARQL engine is unreachable: {exc}") from None
        if reply.status >= 300:
            raise _refused(reply.status, reply.body[:500])
        _refuse_partial(reply.headers)
        return self._written(job, reply.media_type(), reply.body)

    def run(self, job: Job, timeout: float) -> Answer:
        media_type, body, _ = self._ask(job.query, job.dataset, timeout)
        return self._written(job, media_type, body)

    def _written(self, job: Job, media_type: str, body: bytes) -> Answer:
        """The engine's answer in the chosen format, cut at the cap: passed on as it is when
        the engine writes that format as we would and the answer is within the cap."""
        try:
            if media_type == "application/sparql-results+json":
                kept = self._passed_on(job, body) if self.faithful else None
                if kept is not None:
                    return kept
                result = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
                return write(result, job.choice, job.limit, self.prefixes)
            if media_type in ("application/n-triples", "text/plain"):
                triples = (quad.triple for quad in ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
                if self.faithful and job.choice.graph == "ntriples":
                    kept = _as_written(triples, job, body)
                    if kept is not None:
                        return kept
                    triples = (
                        quad.triple for quad in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)
                    )
                return write(triples, job.choice, job.limit, self.prefixes)
        except (SyntaxError, ValueError) as exc:
            raise EngineError(
                f"the SPARQL engine's answer is not valid {media_type}: {exc}"
            ) from None
        raise EngineError(f"the SPARQL engine answered {media_type!r}, which we cannot read")

    @staticmethod
    def _passed_on(job: Job, body: bytes) -> Answer | None:
        """An engine's SPARQL JSON answer as it wrote it (it writes as we do), when JSON was
        chosen and it is within the cap; None when it must be cut or written in another format
        (``results.write`` does that, with pyoxigraph's writers)."""
        result = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        if isinstance(result, ox.QueryBoolean):
            return (
                Answer(body, "json", Kind.BOOLEAN, 1, False)
                if job.choice.boolean == "json"
                else None
            )
        if not isinstance(result, ox.QuerySolutions) or job.choice.solutions != "json":
            return None
        count = sum(1 for _ in islice(result, job.limit + 1))  # reads it all: checked too
        return None if count > job.limit else Answer(body, "json", Kind.SOLUTIONS, count, False)

    def graphs(self) -> frozenset[str]:
        if self.release_graphs:
            return frozenset(self.release_graphs)
        answer = self._ask("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", None, 30)[1]
        rows = ox.parse_query_results(answer, format=ox.QueryResultsFormat.JSON)
        assert isinstance(rows, ox.QuerySolutions)
        return frozenset(r["g"].value for r in rows if isinstance(r["g"], ox.NamedNode))

    def statistics(self) -> Statistics:
        answer = self._ask(STATISTICS_QUERY, None, 60)[1]
        counts = _graph_counts(ox.parse_query_results(answer, format=ox.QueryResultsFormat.JSON))
        return Statistics(sum(counts.values()), counts)

    def close(self) -> None:
        self.pool.close()


def _as_written(triples: Iterator[ox.Triple], job: Job, body: bytes) -> Answer | None:
    """An engine's N-Triples as the answer, when they are within the cap (counted, never
    trusted); None when they must be cut."""
    count = sum(1 for _ in islice(triples, job.limit + 1))
    return Answer(body, "ntriples", Kind.GRAPH, count, False) if count <= job.limit else None


def _dataset_form(dataset: GraphSelection) -> str:
    """A dataset as form fields (``&default-graph-uri=...&named-graph-uri=...``)."""
    fields = [("default-graph-uri", g) for g in dataset.default]
    fields += [("named-graph-uri", g) for g in dataset.named]
    return f"&{urllib.parse.urlencode(fields)}" if fields else ""


def _refuse_partial(headers: Mapping[str, str]) -> None:
    """Refuse an answer the engine cut at its own time limit (Virtuoso's "anytime" queries)."""
    if any(h in headers for h in PARTIAL_ANSWER_HEADERS):
        raise EngineTimeout(
            "the SPARQL engine stopped the query at its time limit "
            f"({headers.get('x-sql-message', 'partial answer')})"
        )


def _refused(status: int, detail: bytes) -> EngineError | BadRequest:
    """The error for an engine's 4xx (the client's query) or 5xx (the engine)."""
    text = detail.decode("utf-8", "replace")[:500]
    if 400 <= status < 500:
        return BadRequest(f"the SPARQL engine refused the query: {text}")
    return EngineError(f"the SPARQL engine failed ({status}): {text}")


def _late(timeout: float) -> EngineTimeout:
    return EngineTimeout(f"the SPARQL engine did not answer within {timeout:.0f} s")


def _too_large() -> QueryTimeout:
    return QueryTimeout(
        f"the answer is over the {MAX_ANSWER_BYTES // 2**20} MiB this endpoint reads from "
        "its SPARQL engine; add a LIMIT or ask for less"
    )


def _release_graphs(release: Release) -> tuple[str, ...]:
    """The named graphs of a release, as its ``release.json`` lists them."""
    return tuple(sorted(release.graphs))


def open_store(settings: Settings) -> EmbeddedStore | RemoteStore:
    """The store the settings ask for: the remote endpoint if one is set, else the release."""
    if settings.endpoint:
        return RemoteStore.open(settings)
    return EmbeddedStore.open(settings)
