"""The release's layout lives in one module, and one Release object is read from release.json."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from lima_lod import layout
from lima_lod.errors import ReleaseError
from lima_lod.formats import BY_NAME

SRC = Path(__file__).resolve().parents[1] / "src" / "lima_lod"

#: Names only the layout module may spell: a string constant equal to one of these...
FILE_NAMES = {
    "releases",
    "latest",
    "release.json",
    "lima-lod-shapes",
    "validation-report.ttl",
    "catalog.ttl",
    "void.ttl",
    "SHA256SUMS",
    "index.html",
}
#: ... or starting like a path into a release (``lima-lod.nq``, ``vocabulary/cfu-``...).
PATH_LIKE = re.compile(r"^(lima-lod\.|releases/|vocabulary/|shapes/)|(^|/)cfu-")


def _docstrings(tree: ast.AST) -> set[int]:
    """The ids of the docstring nodes of a module, its classes and functions."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def layout_names_outside_layout() -> list[str]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if path.name == "layout.py" and path.parent == SRC:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = _docstrings(tree)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docstrings
                and (node.value in FILE_NAMES or PATH_LIKE.search(node.value))
            ):
                found.append(f"{path.relative_to(SRC)}:{node.lineno}: {node.value!r}")
    return found


def test_no_module_but_layout_names_a_release_file() -> None:
    assert layout_names_outside_layout() == []


def test_the_scan_finds_what_it_looks_for() -> None:
    tree = ast.parse('X = "release.json"\nY = f"vocabulary/cfu-{v}.ttl"\n')
    values = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)]
    assert "release.json" in FILE_NAMES
    assert any(PATH_LIKE.search(v) for v in values if isinstance(v, str) and v != "release.json")


def test_the_layout_names() -> None:
    assert layout.vocabulary_file("1.2") == "vocabulary/cfu-1.2.ttl"
    assert layout.vocabulary_file("1.2", BY_NAME["jsonld"]) == "vocabulary/cfu-1.2.jsonld"
    assert layout.shapes_file(BY_NAME["rdfxml"]) == "shapes/lima-lod-shapes.rdf"
    assert layout.SERVER_DUMP == "lima-lod.nq"
    assert layout.dump_file(BY_NAME["ntriples"], BY_NAME["gzip"]) == "lima-lod.nt.gz"
    assert [
        layout.part_of(p)
        for p in (
            "vocabulary/cfu-1.ttl",
            "shapes/lima-lod-shapes.ttl",
            "validation-report.ttl",
            "lima-lod.nq",
            "csv/x.csv",
        )
    ] == ["vocabulary", "shapes", "validation", "data", "data"]


def _release(dist: Path, summary: dict[str, object], dump: str = "lima-lod.nq") -> Path:
    folder = dist / "releases" / str(summary["version"])
    folder.mkdir(parents=True)
    (folder / dump).write_text("<http://a> <http://b> <http://c> .\n", encoding="utf-8")
    (folder / "release.json").write_text(json.dumps(summary), encoding="utf-8")
    (dist / "latest").symlink_to(Path("releases") / str(summary["version"]))
    return folder


def test_a_release_is_read_once_with_its_fields(tmp_path: Path) -> None:
    folder = _release(
        tmp_path,
        {
            "version": "3",
            "built": "2025-01-02T03:04:05+00:00",
            "issued": "2024-01-01T00:00:00",
            "vocabulary_version": "1.0",
            "vocabulary_file": "vocabulary/cfu-1.0.ttl",
            "base": "https://example.org/",
            "server_dump": "other.nq",
            "triples": 1,
            "graphs": {"https://example.org/graph/a": 1},
            "validation": {"conforms": True, "violations": 0},
            "files": [
                {
                    "path": "other.nq",
                    "bytes": 36,
                    "sha256": "x",
                    "media_type": "application/n-quads",
                }
            ],
        },
        dump="other.nq",
    )
    (folder / "vocabulary").mkdir()
    (folder / "vocabulary" / "cfu-1.0.jsonld").write_text("{}", encoding="utf-8")
    release = layout.find_release(tmp_path)
    assert (release.version, release.vocabulary_version, release.base) == (
        "3",
        "1.0",
        "https://example.org/",
    )
    assert release.issued is not None and release.issued.tzinfo is not None
    assert release.nquads == folder.resolve() / "other.nq"  # the server dump release.json names
    assert release.graphs == {"https://example.org/graph/a": 1}
    assert release.files[0].media_type == "application/n-quads" and release.files[0].size == 36
    assert release.validation["conforms"] is True
    assert (
        release.vocabulary_file(BY_NAME["jsonld"]) == folder.resolve() / "vocabulary/cfu-1.0.jsonld"
    )
    assert release.vocabulary_file(BY_NAME["turtle"]) is None  # not there
    assert release.shapes_file() is None
    assert len(release.fingerprint) == 16


def test_a_release_file_never_escapes_the_release(tmp_path: Path) -> None:
    folder = _release(tmp_path, {"version": "1", "built": "2025-01-02T03:04:05+00:00"})
    (tmp_path / "secret").write_text("no", encoding="utf-8")
    release = layout.Release.read(folder)
    assert release.file("lima-lod.nq") == folder.resolve() / "lima-lod.nq"
    assert release.file("../../secret") is None and release.file("/etc/passwd") is None
    assert layout.file_in(tmp_path, "1", "release.json") == folder.resolve() / "release.json"
    assert layout.file_in(tmp_path, "..", "secret") is None


def test_a_release_without_its_dump_or_summary_is_a_release_error(tmp_path: Path) -> None:
    with pytest.raises(ReleaseError, match="lima-lod build"):
        layout.find_release(tmp_path)
    folder = _release(tmp_path, {"version": "1", "built": "2025-01-02"})
    (folder / "lima-lod.nq").unlink()
    with pytest.raises(ReleaseError, match="no N-Quads dump"):
        layout.Release.read(folder)
    (folder / "release.json").write_text('{"version": "1", "built": "yesterday"}')
    with pytest.raises(ReleaseError, match="'built'"):
        layout.Release.read(folder)
