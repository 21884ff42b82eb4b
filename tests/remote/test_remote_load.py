"""``lima-lod load``: a release published into the Oxigraph server and Virtuoso, graphs replaced
whole, a load cut midway leaving the previous graphs intact, credentials never shown; and
``serve --endpoint`` answering 504/502, never hanging, when the engine does not answer or
answers garbage."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from engines import Engine, engine_fixture, store_url
from fastapi.testclient import TestClient
from webkit import GRAPHS, make_settings, quads, write_release

from lima_lod.cli import main
from lima_lod.errors import StoreError
from lima_lod.publish import Credentials, StoreClient, endpoints, load_release, progress_bar
from lima_lod.store import RemoteStore, find_release
from lima_lod.web.app import create_app

SECRET = "s3cret-Pa55word-never-shown"


@pytest.fixture(scope="module", params=("oxigraph", "virtuoso"))
def fresh(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """An engine of this module's own (the backend tests' engines stay as they are)."""
    yield from engine_fixture(request.param, request, tmp_path_factory)


@pytest.fixture(scope="module")
def tiny_dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("tiny")
    write_release(dist, quads(), version="2020.1")
    return dist


def client_of(engine: Engine, url: str | None = None) -> StoreClient:
    credentials = Credentials(engine.user, engine.password) if engine.user else None
    return StoreClient(endpoints(url or store_url(engine)), credentials, timeout=60)


def contents(client: StoreClient) -> dict[str, set[tuple[str, str, str]]]:
    rows = client.select(
        "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } "
        'FILTER(STRSTARTS(STR(?g), "https://w3id.org/lima-lod/graph/")) }'
    )
    graphs: dict[str, set[tuple[str, str, str]]] = {}
    for row in rows:
        graphs.setdefault(row["g"], set()).add((row["s"], row["p"], row["o"]))
    return graphs


class CuttingProxy:
    """A TCP proxy to an engine that drops both connections once ``budget`` bytes of requests
    have passed: a load killed midway, as a network failure or a dead loader leaves it."""

    def __init__(self, upstream: tuple[str, int], budget: int) -> None:
        self.upstream = upstream
        self.budget = budget
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.cut = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.upstream)
            threading.Thread(target=self._pipe, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._pipe, args=(server, client, False), daemon=True).start()

    def _pipe(self, source: socket.socket, target: socket.socket, counted: bool) -> None:
        try:
            while chunk := source.recv(65536):
                if counted:
                    self.budget -= len(chunk)
                    if self.budget <= 0:
                        self.cut = True
                        break
                target.sendall(chunk)
        except OSError:
            pass
        for sock in (source, target):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def close(self) -> None:
        self.listener.close()


def test_a_load_replaces_every_graph_and_a_cut_load_changes_nothing(
    fresh: Engine, tiny_dist: Path, release_dist: Path
) -> None:
    store = client_of(fresh)
    first = load_release(store, find_release(tiny_dist))
    assert first.graphs == {
        g: sum(1 for q in quads() if q.endswith(f"<{g}> .")) for g in GRAPHS.values()
    }
    before = contents(store)
    assert {g: len(t) for g, t in before.items()} == first.graphs

    # The real release's load, cut after half of its bytes: no graph of the store changes.
    release = find_release(release_dist)
    host, port = store.where.store.split("//")[1].split("/")[0].split(":")
    proxy = CuttingProxy((host, int(port)), release.nquads.stat().st_size // 2)
    try:
        cut_url = store_url(fresh).replace(f":{port}/", f":{proxy.port}/")
        with pytest.raises(StoreError) as failure:
            load_release(client_of(fresh, cut_url), release)
    finally:
        proxy.close()
    assert proxy.cut, failure.value
    assert contents(store) == before

    # The next load drops what the cut one left, and replaces every graph.
    second = load_release(store, release)
    assert contents(store).keys() == set(
        json.loads((release.path / "release.json").read_text())["graphs"]
    )
    assert {g: len(t) for g, t in contents(store).items()} == second.graphs
    assert store.leftovers() == []


def test_graphs_a_new_release_no_longer_has_are_removed_unless_kept(
    fresh: Engine, tmp_path: Path
) -> None:
    store = client_of(fresh)
    other = "urn:x:not-ours"  # outside the releases' graph namespace: never touched
    store.update(f"INSERT DATA {{ GRAPH <{other}> {{ <urn:x:a> <urn:x:b> <urn:x:c> }} }}")
    old_dist, new_dist = tmp_path / "old", tmp_path / "new"
    write_release(old_dist, quads(), version="2020.1")
    renamed = GRAPHS["report/mx-2021"].replace("mx-2021", "mx-2023")
    write_release(
        new_dist,
        [q.replace(GRAPHS["report/mx-2021"], renamed) for q in quads()],
        version="2023.1",
    )
    load_release(store, find_release(old_dist))
    assert GRAPHS["report/mx-2021"] in contents(store)

    loaded = load_release(store, find_release(new_dist))
    assert loaded.removed == (GRAPHS["report/mx-2021"],) and loaded.kept == ()
    assert "removed 1 graph(s)" in loaded.summary()
    after = contents(store)
    assert set(after) == set(loaded.graphs) and renamed in after
    assert {g: len(t) for g, t in after.items()} == loaded.graphs
    assert store.count(other) == 1

    # Kept on purpose: the old release's graph stays beside the new ones, and is named.
    load_release(store, find_release(old_dist))
    kept = load_release(store, find_release(new_dist), keep_old=True)
    assert kept.kept == (GRAPHS["report/mx-2021"],) and kept.removed == ()
    assert "--keep-old-graphs" in kept.summary()
    assert set(contents(store)) == {*kept.graphs, GRAPHS["report/mx-2021"]}
    store.update(f"DROP SILENT GRAPH <{other}> ; DROP SILENT GRAPH <{GRAPHS['report/mx-2021']}>")
    store.update(f"DROP SILENT GRAPH <{renamed}>")


def test_the_cli_reports_and_never_shows_the_password(
    fresh: Engine,
    tiny_dist: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = store_url(fresh)
    if fresh.user:
        # A wrong password from the environment: refused, and the password is nowhere.
        monkeypatch.setenv("LIMA_LOD_STORE_USER", fresh.user)
        monkeypatch.setenv("LIMA_LOD_STORE_PASSWORD", SECRET)
        assert main(["load", "--store", url, "--dist", str(tiny_dist)]) == 6
        out = capsys.readouterr()
        assert "401" in out.err
        assert SECRET not in out.out + out.err + caplog.text
    # A store that is not there, the password on the command line: refused, not shown.
    dead = f"http://127.0.0.1:{free_port()}/store"
    assert (
        main(
            [
                "load",
                "--store",
                dead,
                "--dist",
                str(tiny_dist),
                "--user",
                "someone",
                "--password",
                SECRET,
            ]
        )
        == 6
    )
    out = capsys.readouterr()
    assert "error:" in out.err and SECRET not in out.out + out.err + caplog.text
    # Credentials in the URL are refused without echoing it.
    assert main(["load", "--store", f"http://u:{SECRET}@127.0.0.1:1/store"]) == 5
    out = capsys.readouterr()
    assert SECRET not in out.out + out.err
    # The right credentials: the summary names every graph and its triples.
    argv = ["load", "--store", url, "--dist", str(tiny_dist)]
    if fresh.user:
        monkeypatch.setenv("LIMA_LOD_STORE_PASSWORD", fresh.password)
    assert main(argv) == 0
    out = capsys.readouterr().out
    for graph in GRAPHS.values():
        assert f"<{graph}>" in out
    assert "progress" not in out and "\r" not in out  # no bar when not on a terminal


def test_a_progress_bar_only_on_a_terminal() -> None:
    class Terminal:
        written = ""

        def isatty(self) -> bool:
            return True

        def write(self, text: str) -> None:
            self.written += text

        def flush(self) -> None:
            return None

    terminal = Terminal()
    show = progress_bar(terminal)  # type: ignore[arg-type]
    assert show is not None
    show(1, 4, "writing <g>")
    show(4, 4, "done")
    assert terminal.written.startswith("\r[") and terminal.written.endswith("\n")

    class Pipe(Terminal):
        def isatty(self) -> bool:
            return False

    assert progress_bar(Pipe()) is None  # type: ignore[arg-type]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Listener:
    """A TCP server on 127.0.0.1 that accepts and then never answers, or answers garbage."""

    def __init__(self, answer: bytes | None) -> None:
        self.answer = answer
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/sparql"
        self.held: list[socket.socket] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)
            if self.answer is not None:
                conn.recv(65536)
                conn.sendall(self.answer)
                conn.close()

    def close(self) -> None:
        for conn in self.held:
            conn.close()
        self.sock.close()


@pytest.mark.parametrize(
    ("answer", "status"),
    [
        (None, 504),
        (b"garbage, not HTTP\r\n\r\n", 502),
        (
            (
                b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                b"Content-Length: 9\r\n\r\nnot json!"
            ),
            502,
        ),
        (b"HTTP/1.1 500 Oops\r\nContent-Length: 4\r\n\r\nbang", 502),
    ],
    ids=["silent", "not-http", "bad-json", "engine-error"],
)
def test_a_failing_engine_gets_502_or_504_within_the_deadline(
    tmp_path: Path, answer: bytes | None, status: int
) -> None:
    listener = Listener(answer)
    try:
        write_release(tmp_path, quads())
        settings = make_settings(tmp_path, endpoint=listener.url, query_timeout=2.0)
        store = RemoteStore(
            settings.endpoint, {}, find_release(tmp_path), tuple(sorted(GRAPHS.values()))
        )
        with TestClient(create_app_without_statistics(settings, store)) as client:
            # A silent engine would hang the request without our deadline: 504 shows it held.
            response = client.get(
                "/sparql",
                params={"query": "SELECT * { ?s ?p ?o }"},
                headers={"Accept": "application/sparql-results+json"},
            )
        assert response.status_code == status
        assert response.text.strip()  # a message says what went wrong
    finally:
        listener.close()


def create_app_without_statistics(settings, store):  # type: ignore[no-untyped-def]
    """The app over a store whose engine cannot count its graphs at start-up."""
    from lima_lod.store import Statistics

    store.statistics = lambda: Statistics(0, {})
    return create_app(settings, store)
