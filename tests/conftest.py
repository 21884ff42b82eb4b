"""Shared fixtures: the repository root, the source report, the dataset built once per run, and
the app over the project's own release, started once."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph

from lima_lod.graphs import Built
from lima_lod.iris import Iris

ROOT = Path(__file__).resolve().parent.parent
#: The source report travels with the repository (data/documents/README.md says where it is from).
SOURCE_REPORT = ROOT / "data" / "documents" / "cco-mexico-report-2021.txt"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def source_text() -> str:
    if not SOURCE_REPORT.exists():
        pytest.skip(f"the source report is missing ({SOURCE_REPORT})")
    return SOURCE_REPORT.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def built() -> Built:
    from lima_lod.build import build

    return build(ROOT, Iris())


@pytest.fixture(scope="session")
def graph(built: Built) -> Graph:
    from lima_lod.rdfio import union

    return union(built.dataset)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A writable copy of the project's inputs (data, ontology, shapes, queries)."""
    for name in ("data", "ontology", "shapes", "queries"):
        if (ROOT / name).exists():
            shutil.copytree(ROOT / name, tmp_path / name)
    return tmp_path


@pytest.fixture(scope="session")
def _published_app() -> Iterator[TestClient]:
    from releasekit import release

    from lima_lod.store import EmbeddedStore
    from lima_lod.web.app import create_app

    released = release()
    store = EmbeddedStore.open(released.settings)
    try:
        with TestClient(create_app(released.settings, store)) as client:
            yield client
    finally:
        store.close()


@pytest.fixture
def published(_published_app: TestClient) -> TestClient:
    """A client of the app over the project's own release (``releasekit.release()``), shared by
    every test that needs one, without the cookies an earlier test left."""
    _published_app.cookies.clear()
    return _published_app
