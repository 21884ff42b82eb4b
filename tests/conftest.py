"""Shared fixtures: the repository root, the source report, and the dataset built once per run."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
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
