"""The command line, run in-process: exit codes, readable reports, nothing written on failure."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Graph

from lima_lod.cli import main
from lima_lod.iris import Iris
from lima_lod.layout import find_release
from lima_lod.prerender import Site

IRIS = Iris()


def test_validate_our_data_conforms_with_warnings(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", "--root", str(root)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Conforms: 0 violation(s)")
    assert "\nWarnings (" in out and "\nViolations (" not in out
    # each warning points back to the YAML file and line it came from
    warning_lines = [line for line in out.splitlines() if line.startswith("- data/")]
    assert warning_lines and all(":" in line.split()[1] for line in warning_lines)


def test_validate_reports_in_spanish(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--root", str(root), "--lang", "es"]) == 0
    english = set(capsys.readouterr().out.splitlines())
    assert main(["validate", "--root", str(root)]) == 0
    assert english != set(capsys.readouterr().out.splitlines())


def test_validate_a_failing_rdf_file(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "other.ttl"
    bad.write_text(
        f"""
        @prefix cfu: <{IRIS.vocab}> . @prefix qb: <http://purl.org/linked-data/cube#> .
        <https://example.org/obs/1> a qb:Observation ; cfu:score 7.5 .
    """,
        encoding="utf-8",
    )
    assert main(["validate", "--root", str(root), str(bad)]) == 3
    out = capsys.readouterr().out
    assert out.startswith("Does not conform")
    assert "Violations (" in out and "https://example.org/obs/1" in out


def test_validate_another_observatorys_yaml(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Another observatory's report folder, read together with our shared reference data.
    folder = tmp_path / "reports" / "mx-copy"
    shutil.copytree(root / "data" / "reports" / "mx-2021", folder)
    for path in folder.glob("*.yaml"):
        text = path.read_text(encoding="utf-8").replace("mx-2021", "mx-copy")
        path.write_text(text, encoding="utf-8")
    assert main(["validate", "--root", str(root), str(folder)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Conforms: 0 violation(s), 5 warning(s)")
    # the warnings are the copy's own, each pointing to a line of the copied files
    sources = [line.split()[1] for line in out.splitlines() if line.startswith("- ")]
    assert len(sources) == 5
    assert all(source.startswith(str(folder)) for source in sources)
    assert all(
        "/id/quoted-figure/mx-copy/" in line or "/id/observation/mx-copy/" in line
        for line in out.splitlines()
        if line.startswith("- ")
    )


def test_validate_bad_yaml_names_file_and_line(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "ratings.yaml"
    bad.write_text(
        "document: cco-mexico-report-2021\nreport: mx-2021\nratings:\n"
        "  - commitment: 2\n    relevance: 4\n    effectiveness: 1\n"
        "    sustainability: 1\n    average: 1\n    source: x\n",
        encoding="utf-8",
    )
    assert main(["validate", "--root", str(root), str(bad)]) == 2
    err = capsys.readouterr().err
    assert "ratings.yaml:5: 'relevance' is 4; expected a number 0-3" in err


def test_build_with_bad_data_writes_nothing(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ratings = project / "data" / "reports" / "mx-2021" / "ratings.yaml"
    ratings.write_text(
        ratings.read_text(encoding="utf-8").replace("relevance: 1.50", "relevance: 9", 1)
    )
    dist = tmp_path / "dist"
    assert main(["build", "--root", str(project), "--dist", str(dist)]) == 2
    assert "'relevance' is 9; expected a number 0-3" in capsys.readouterr().err
    assert not dist.exists()


def test_build_writes_a_release(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dist = tmp_path / "dist"
    args = ["build", "--root", str(project), "--dist", str(dist), "--prerender=lazy"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "released" in out and "lazily" in out
    turtle = next((dist / "latest").glob("lima-lod.ttl"))
    graph = Graph().parse(turtle)
    assert (IRIS.commitment(10), None, None) in graph
    # --prerender=lazy: only the manifest, naming every resource, for the server to render
    site = Site.read(find_release(dist))
    assert site is not None and site.lazy and site.documents == []
    assert "commitment/10" in site.keys
