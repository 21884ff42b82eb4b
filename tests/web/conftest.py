"""Fixtures of the web tests: the tiny release of ``webkit`` in a temporary dist, apps over it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from webkit import make_settings, quads, write_release

from lima_lod.settings import Settings
from lima_lod.store import EmbeddedStore
from lima_lod.web.app import create_app


@pytest.fixture(scope="session")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    write_release(dist, quads())
    return dist


@pytest.fixture(scope="session")
def settings(dist: Path) -> Settings:
    return make_settings(dist)


@pytest.fixture(scope="session")
def store(settings: Settings) -> EmbeddedStore:
    return EmbeddedStore.open(settings)


@pytest.fixture(scope="session")
def client(settings: Settings, store: EmbeddedStore) -> Iterator[TestClient]:
    with TestClient(create_app(settings, store)) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def live(settings: Settings, store: EmbeddedStore) -> Iterator[str]:
    """The base URL of a real server (uvicorn, h11) on 127.0.0.1 serving the tiny release."""
    from lima_lod.web.server import running

    with running(settings, store) as url:
        yield url
