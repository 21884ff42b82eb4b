"""Fixtures of the remote-store tests: the real release built once, the Oxigraph server and
Virtuoso started once per session on 127.0.0.1 (own temporary directories), and an app per
backend - the embedded store, or ``lima-lod serve --endpoint`` over an engine after
``lima-lod load`` into it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from engines import Engine, Unavailable, start_oxigraph, start_virtuoso
from fastapi.testclient import TestClient
from webkit import make_settings

from lima_lod.publish import endpoints
from lima_lod.settings import Settings, load_settings
from lima_lod.store import EmbeddedStore, RemoteStore
from lima_lod.web.app import create_app

ROOT = Path(__file__).resolve().parents[2]
BACKENDS = ("embedded", "oxigraph", "virtuoso")
STARTERS: dict[str, Callable[[Path], Engine]] = {
    "oxigraph": start_oxigraph, "virtuoso": start_virtuoso}
#: The Graph Store endpoint of each engine, as ``lima-lod load --store`` is given it.
GSP_PATHS = {"oxigraph": "/store", "virtuoso": "/sparql-graph-crud-auth"}


def store_url(engine: Engine) -> str:
    return engine.store_url + GSP_PATHS[engine.name]


def engine_fixture(name: str, request: pytest.FixtureRequest,
                   factory: pytest.TempPathFactory) -> Iterator[Engine]:
    try:
        engine = STARTERS[name](factory.mktemp(name))
    except Unavailable as exc:
        pytest.skip(str(exc))
    request.addfinalizer(engine.stop)
    yield engine


@pytest.fixture(scope="session")
def release_dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's real release, built once into a temporary dist."""
    from lima_lod.cli import run_build

    dist = tmp_path_factory.mktemp("dist")
    run_build(load_settings({"root": ROOT, "dist": dist}, environ={}), force=True)
    return dist


@pytest.fixture(scope="session")
def engine(request: pytest.FixtureRequest,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """An engine named by the test's ``backend`` parameter (indirect)."""
    yield from engine_fixture(request.param, request, tmp_path_factory)


def _backend_settings(name: str, dist: Path, request: pytest.FixtureRequest,
                      factory: pytest.TempPathFactory) -> Iterator[Settings]:
    if name == "embedded":
        yield make_settings(dist)
        return
    for engine in engine_fixture(name, request, factory):
        from lima_lod.publish import Credentials, StoreClient, load_release
        from lima_lod.store import find_release

        credentials = Credentials(engine.user, engine.password) if engine.user else None
        load_release(StoreClient(endpoints(store_url(engine)), credentials),
                     find_release(dist))
        # Virtuoso takes seconds on some example queries over an explicit dataset (docs/deploy.md)
        yield make_settings(dist, endpoint=engine.query_url, query_timeout=60.0)


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest, release_dist: Path,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """A client of our app over one backend, serving the real release."""
    for settings in _backend_settings(request.param, release_dist, request, tmp_path_factory):
        store = RemoteStore.open(settings) if settings.endpoint else EmbeddedStore.open(settings)
        with TestClient(create_app(settings, store)) as client:
            yield client


@pytest.fixture(scope="session")
def reference(release_dist: Path) -> Iterator[TestClient]:
    """Our app over the embedded store: the answers every backend must give."""
    settings = make_settings(release_dist)
    with TestClient(create_app(settings, EmbeddedStore.open(settings))) as client:
        yield client
