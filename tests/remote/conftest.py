"""Fixtures of the remote-store tests: the real release built once, the Oxigraph server and
Virtuoso started once per session on 127.0.0.1 (own temporary directories), and an app per
backend - the embedded store, or ``lima-lod serve --endpoint`` over an engine after
``lima-lod load`` into it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from engines import Engine, engine_fixture, remote_settings, store_url
from fastapi.testclient import TestClient
from webkit import make_settings

from lima_lod.publish import Credentials, StoreClient, endpoints, load_release
from lima_lod.settings import load_settings
from lima_lod.store import EmbeddedStore, RemoteStore, find_release
from lima_lod.web.app import create_app

ROOT = Path(__file__).resolve().parents[2]
BACKENDS = ("embedded", "oxigraph", "virtuoso")


@pytest.fixture(scope="session")
def release_dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's real release, built once into a temporary dist."""
    from lima_lod.cli import run_build

    dist = tmp_path_factory.mktemp("dist")
    run_build(load_settings({"root": ROOT, "dist": dist}, environ={}), force=True)
    return dist


@pytest.fixture(scope="session")
def engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """An engine named by the test's ``backend`` parameter (indirect)."""
    yield from engine_fixture(request.param, request, tmp_path_factory)


def _loaded(
    name: str, dist: Path, request: pytest.FixtureRequest, factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    for engine in engine_fixture(name, request, factory):
        credentials = Credentials(engine.user, engine.password) if engine.user else None
        load_release(StoreClient(endpoints(store_url(engine)), credentials), find_release(dist))
        yield engine


@pytest.fixture(scope="session")
def oxigraph(
    release_dist: Path, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """The Oxigraph server, holding the real release (loaded with ``lima-lod load``)."""
    yield from _loaded("oxigraph", release_dist, request, tmp_path_factory)


@pytest.fixture(scope="session")
def virtuoso(
    release_dist: Path, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """Virtuoso, holding the real release (loaded with ``lima-lod load``)."""
    yield from _loaded("virtuoso", release_dist, request, tmp_path_factory)


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest, release_dist: Path) -> Iterator[TestClient]:
    """A client of our app over one backend, serving the real release."""
    if request.param == "embedded":
        settings = make_settings(release_dist)
        store: EmbeddedStore | RemoteStore = EmbeddedStore.open(settings)
    else:
        settings = remote_settings(request.getfixturevalue(request.param), release_dist)
        store = RemoteStore.open(settings)
    with TestClient(create_app(settings, store)) as client:
        yield client


@pytest.fixture(scope="session")
def reference(release_dist: Path) -> Iterator[TestClient]:
    """Our app over the embedded store: the answers every backend must give."""
    settings = make_settings(release_dist)
    with TestClient(create_app(settings, EmbeddedStore.open(settings))) as client:
        yield client
