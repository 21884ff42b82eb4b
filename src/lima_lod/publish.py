"""Publish a release into a SPARQL 1.1 store: ``lima-lod load --store URL``.

Comes after the release in the flow, beside ``store``. Each named graph of the release's N-Quads
dump is written with the Graph Store HTTP Protocol into a temporary graph
(``urn:lima-lod:load:<token>:<n>``), its triples counted there with SPARQL, and only when every
graph is in place and counted are they moved over the release's graphs by one SPARQL Update
request (``MOVE <tmp> TO <graph>`` for each; one request is one transaction on the Oxigraph server
and on Virtuoso). So a load that fails or is killed before that request leaves the store's
graphs as they were; the temporary graphs it leaves behind are dropped by the next load. The
graphs are counted again afterwards.

Graphs of an earlier release that the new one no longer has (in the release's graph namespace,
``{base}graph/``; nothing outside it is touched) are dropped by that same update request, after
the moves: readers see the old release or the new one, never graphs of both. With
``keep_old`` (``lima-lod load --keep-old-graphs``) they are kept, and the summary names them.

Which URLs an engine uses for the Graph Store, queries and updates is a table (:data:`LAYOUTS`),
keyed by the path of the Graph Store endpoint given as ``--store``. Credentials come from
``--user``/``--password`` or the environment and go to urllib's Basic and Digest handlers
(Virtuoso's authenticated endpoints use Digest); they are never put into a message.
"""

from __future__ import annotations

import base64
import json
import secrets
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import pyoxigraph as ox

from .errors import ConfigError, ReleaseError, StoreError
from .iris import DEFAULT_BASE, Iris
from .layout import Release, find_release
from .store import _bulk_load

TEMPORARY = "urn:lima-lod:load:"
#: Seconds one HTTP request of a load may take (a graph of a million triples included).
REQUEST_TIMEOUT = 600.0
RESULTS_JSON = "application/sparql-results+json"


def release_dump(release: Release) -> Path:
    """The file of a release that holds all its graphs (the one place a load names it)."""
    return release.nquads


@dataclass(frozen=True)
class Layout:
    """Where an engine answers: paths relative to its Graph Store endpoint's base."""

    engine: str
    store: str  # path of the Graph Store endpoint; how --store is recognised
    query: str  # path of the query endpoint
    update: str  # path of the update endpoint
    update_field: str = "update"  # the form field an update is sent in


#: The engines ``lima-lod load`` knows, by the path of the Graph Store endpoint.
LAYOUTS: tuple[Layout, ...] = (
    Layout("Oxigraph server", "/store", "/query", "/update"),
    Layout(
        "Virtuoso (authenticated)",
        "/sparql-graph-crud-auth",
        "/sparql-auth",
        "/sparql-auth",
        "query",
    ),
    Layout("Virtuoso", "/sparql-graph-crud", "/sparql", "/sparql", "query"),
    Layout("Fuseki", "/data", "/query", "/update"),
    Layout("GraphDB / RDF4J", "/rdf-graphs/service", "", "/statements"),
)


@dataclass(frozen=True)
class Credentials:
    """A user and password for the store; the password is never shown."""

    user: str
    password: str = field(repr=False)


@dataclass(frozen=True)
class Endpoints:
    """The three URLs of one store."""

    layout: Layout
    store: str
    query: str
    update: str


def endpoints(url: str) -> Endpoints:
    """Recognise the store from its Graph Store endpoint URL (see :data:`LAYOUTS`)."""
    parts = urllib.parse.urlsplit(url)
    if parts.username or parts.password:
        # Said without the URL: it holds the credentials.
        raise ConfigError(
            "the store URL holds credentials; give them with --user/--password "
            "or LIMA_LOD_STORE_USER/LIMA_LOD_STORE_PASSWORD instead"
        )
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"--store is {url!r}; expected an http(s) URL of a Graph Store endpoint")
    path = parts.path.rstrip("/")
    for layout in LAYOUTS:
        if path.endswith(layout.store):
            base = urllib.parse.urlunsplit(
                (parts.scheme, parts.netloc, path[: -len(layout.store)], "", "")
            )
            return Endpoints(layout, base + layout.store, base + layout.query, base + layout.update)
    known = ", ".join(f"{lay.store} ({lay.engine})" for lay in LAYOUTS)
    raise ConfigError(
        f"--store is {url!r}; expected the URL of a Graph Store endpoint ending in one of {known}"
    )


class StoreClient:
    """Graph Store Protocol and SPARQL requests to one store, with its credentials."""

    def __init__(
        self, where: Endpoints, credentials: Credentials | None, timeout: float = REQUEST_TIMEOUT
    ) -> None:
        self.where = where
        self.timeout = timeout
        self.credentials = credentials
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        if credentials is not None:
            for url in (where.store, where.query, where.update):
                passwords.add_password(None, url, credentials.user, credentials.password)
        self.digest = urllib.request.HTTPDigestAuthHandler(passwords)
        self.opener = urllib.request.build_opener(
            self.digest, urllib.request.HTTPBasicAuthHandler(passwords)
        )
        self.challenge: dict[str, str] | None = None

    def _authorize(self, request: urllib.request.Request) -> None:
        """Sign a request before it is sent, so a graph's body is not sent twice (once refused
        with 401, then again signed) - Virtuoso may close the connection on the first."""
        if self.credentials is None:
            return
        if self.challenge is None:
            self.challenge = self._ask_challenge()
        if self.challenge.get("scheme") == "digest":
            header = self.digest.get_authorization(request, self.challenge)
            if header:
                request.add_unredirected_header("Authorization", f"Digest {header}")
        elif self.challenge.get("scheme") == "basic":
            pair = f"{self.credentials.user}:{self.credentials.password}".encode()
            request.add_unredirected_header(
                "Authorization", "Basic " + base64.b64encode(pair).decode("ascii")
            )

    def _ask_challenge(self) -> dict[str, str]:
        """The store's authentication challenge, from a request without a body."""
        ask = urllib.parse.urlencode({"query": "ASK {}"})
        probe = urllib.request.Request(
            f"{self.where.query}?{ask}", headers={"Accept": RESULTS_JSON}
        )
        try:
            with urllib.request.urlopen(probe, timeout=self.timeout):
                return {"scheme": "none"}  # open for queries; the handlers answer a 401
        except urllib.error.HTTPError as exc:
            offered = exc.headers.get("www-authenticate", "")
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise StoreError(f"the store at {self.where.store} failed: {reason}") from None
        scheme, _, rest = offered.partition(" ")
        challenge = urllib.request.parse_keqv_list(urllib.request.parse_http_list(rest))
        return {**challenge, "scheme": scheme.lower()}

    def _send(self, request: urllib.request.Request, what: str) -> bytes:
        self._authorize(request)
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                body: bytes = response.read()
                return body
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace").strip()[:300]
            raise StoreError(
                f"{what}: the store answered {exc.code} {exc.reason}: {detail}"
            ) from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise StoreError(f"{what}: the store at {self.where.store} failed: {reason}") from None

    def put(self, graph: str, turtle: bytes) -> None:
        """Replace one graph with a Turtle document (Graph Store Protocol PUT)."""
        url = f"{self.where.store}?{urllib.parse.urlencode({'graph': graph})}"
        self._send(
            urllib.request.Request(
                url, data=turtle, method="PUT", headers={"Content-Type": "text/turtle"}
            ),
            f"writing <{graph}>",
        )

    def update(self, text: str) -> None:
        """Run one SPARQL Update request."""
        data = urllib.parse.urlencode({self.where.layout.update_field: text}).encode()
        self._send(
            urllib.request.Request(
                self.where.update,
                data=data,
                method="POST",
                headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "*/*"},
            ),
            "updating the store",
        )

    def select(self, query: str) -> list[dict[str, str]]:
        """Run a SELECT; the rows as plain strings (posted as a form: Virtuoso hangs on
        ``application/sparql-query`` bodies, and answers HTML without an Accept header)."""
        data = urllib.parse.urlencode({"query": query}).encode()
        body = self._send(
            urllib.request.Request(
                self.where.query,
                data=data,
                method="POST",
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Accept": RESULTS_JSON,
                },
            ),
            "querying the store",
        )
        try:
            doc = json.loads(body)
            return [
                {name: str(value["value"]) for name, value in row.items()}
                for row in doc["results"]["bindings"]
            ]
        except (ValueError, KeyError, TypeError):
            raise StoreError("querying the store: the answer is not SPARQL JSON results") from None

    def count(self, graph: str) -> int:
        rows = self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        return int(rows[0]["n"]) if rows else 0

    def leftovers(self) -> list[str]:
        """Temporary graphs of earlier loads that did not finish."""
        rows = self.select(
            "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
            f'FILTER(STRSTARTS(STR(?g), "{TEMPORARY}")) }}'
        )
        return sorted(row["g"] for row in rows)

    def graphs_under(self, namespace: str) -> list[str]:
        """The non-empty named graphs whose IRIs start with ``namespace``."""
        rows = self.select(
            "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
            f"FILTER(STRSTARTS(STR(?g), {json.dumps(namespace)})) }}"
        )
        return sorted(row["g"] for row in rows)


@dataclass(frozen=True)
class Loaded:
    """What a load did: the graphs and their triples, and how long it took."""

    release: str
    graphs: dict[str, int]
    seconds: float
    dropped: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()  # graphs of an earlier release the new one no longer has
    kept: tuple[str, ...] = ()  # the same, kept on purpose (keep_old)

    @property
    def triples(self) -> int:
        return sum(self.graphs.values())

    def summary(self) -> str:
        lines = [
            (
                f"loaded release {self.release}: {len(self.graphs)} graphs, "
                f"{self.triples} triples in {self.seconds:.1f} s (counts verified)"
            )
        ]
        lines += [f"  {count:>9}  <{graph}>" for graph, count in self.graphs.items()]
        if self.dropped:
            lines.append(f"  dropped {len(self.dropped)} temporary graph(s) of an earlier load")
        if self.removed:
            lines.append(f"  removed {len(self.removed)} graph(s) the release no longer has:")
            lines += [f"  {'':>9}  <{graph}>" for graph in self.removed]
        if self.kept:
            lines.append(
                f"  kept {len(self.kept)} graph(s) the release no longer has (--keep-old-graphs):"
            )
            lines += [f"  {'':>9}  <{graph}>" for graph in self.kept]
        return "\n".join(lines)


def read_graphs(dump: Path) -> ox.Store:
    """The release's dataset, in memory (duplicates merged, as any store merges them)."""
    dataset = ox.Store()
    try:
        _bulk_load(dataset, dump)
    except (SyntaxError, OSError) as exc:
        raise ReleaseError(f"{dump}: cannot read the release's graphs: {exc}") from None
    if next(iter(dataset.quads_for_pattern(None, None, None, ox.DefaultGraph())), None):
        raise ReleaseError(
            f"{dump}: triples outside a named graph; a release's parts are named graphs"
        )
    if next(iter(dataset.named_graphs()), None) is None:
        raise ReleaseError(f"{dump}: no named graph; nothing to load")
    return dataset


Progress = Callable[[int, int, str], None]


def load_release(
    client: StoreClient,
    release: Release,
    progress: Progress | None = None,
    keep_old: bool = False,
    base: str = DEFAULT_BASE,
) -> Loaded:
    """Publish every named graph of a release into the store, each replaced atomically.

    Args:
        client: the store and its credentials.
        release: the release to publish (its N-Quads dump).
        progress: called with (steps done, steps in all, what is being done).
        keep_old: keep the graphs of an earlier release that this one no longer has
            (by default they are dropped once the new graphs are in).
        base: the IRI base whose ``graph/`` namespace holds the releases' graphs, when the
            release does not say (its ``release.json`` has ``base``).
    """
    started = time.monotonic()
    dataset = read_graphs(release_dump(release))
    graphs = sorted(g.value for g in dataset.named_graphs() if isinstance(g, ox.NamedNode))
    steps = len(graphs) + 2
    tell = progress or (lambda done, total, what: None)
    tell(0, steps, "dropping what an earlier load left")
    dropped = client.leftovers()
    for graph in dropped:
        client.update(f"DROP SILENT GRAPH <{graph}>")
    token = secrets.token_hex(6)
    temporary = {graph: f"{TEMPORARY}{token}:{n}" for n, graph in enumerate(graphs)}
    expected: dict[str, int] = {}
    for n, graph in enumerate(graphs):
        tell(n + 1, steps, f"writing <{graph}>")
        body = dataset.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph))
        assert body is not None
        expected[graph] = sum(
            1 for _ in dataset.quads_for_pattern(None, None, None, ox.NamedNode(graph))
        )
        client.put(temporary[graph], body)  # N-Triples is Turtle: every engine reads it
        found = client.count(temporary[graph])
        if found != expected[graph]:
            raise StoreError(
                f"<{graph}>: the store holds {found} triples of the "
                f"{expected[graph]} written; the graph was not replaced"
            )
    tell(len(graphs) + 1, steps, "replacing the graphs")
    namespace = str(Iris(release.base or base).graph(""))
    old = [g for g in client.graphs_under(namespace) if g not in temporary]
    operations = [f"MOVE <{temporary[g]}> TO <{g}>" for g in graphs]
    if not keep_old:
        operations += [f"DROP SILENT GRAPH <{g}>" for g in old]
    client.update(" ;\n".join(operations))
    for graph in graphs:
        found = client.count(graph)
        if found != expected[graph]:
            raise StoreError(
                f"<{graph}>: after the move the store holds {found} triples; "
                f"expected {expected[graph]}"
            )
    tell(steps, steps, "done")
    if not keep_old and (left := [g for g in client.graphs_under(namespace) if g in old]):
        raise StoreError(f"after the load the store still holds old graphs: <{left[0]}>")
    return Loaded(
        release.version,
        expected,
        time.monotonic() - started,
        tuple(dropped),
        removed=() if keep_old else tuple(old),
        kept=tuple(old) if keep_old else (),
    )


def progress_bar(stream: TextIO) -> Progress | None:
    """A one-line progress bar on a terminal; nothing when the output is a file or a pipe."""
    if not stream.isatty():
        return None

    def show(done: int, total: int, what: str) -> None:
        width = 24
        filled = width * done // max(total, 1)
        stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {what[:60]:<60}")
        if done >= total:
            stream.write("\n")
        stream.flush()

    return show


def publish(
    store_url: str,
    dist: Path,
    user: str = "",
    password: str = "",
    keep_old: bool = False,
    base: str = DEFAULT_BASE,
) -> Loaded:
    """Load the latest release of ``dist`` into the store at ``store_url``.

    Args:
        store_url: the store's Graph Store endpoint (see :data:`LAYOUTS`).
        dist: the folder of the releases.
        user: the store's user (with ``password``); empty for an open store.
        password: the user's password; never printed.
        keep_old: keep the graphs of an earlier release that this one no longer has.
        base: the IRI base of the releases' graphs, when a release does not say.
    """
    where = endpoints(store_url)
    release = find_release(dist)
    credentials = Credentials(user, password) if user else None
    return load_release(
        StoreClient(where, credentials), release, progress_bar(sys.stderr), keep_old, base
    )
