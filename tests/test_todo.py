"""``lima-lod validate`` on someone else's files: a summary by kind of problem first, then each
problem with its place, what is wrong and what to write instead, in English or Spanish; the whole
list as CSV or JSON, to hand over as a to-do list."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from lima_lod.cli import main
from lima_lod.scaffold import new_report


@pytest.fixture
def scaffold(project: Path) -> Path:
    new_report(project, "MX", "2025")
    return project / "data" / "reports" / "mx-2025"


def test_text_summary_first_in_spanish(
    project: Path, scaffold: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", "--root", str(project), "--lang", "es", str(scaffold)]) == 2
    out = capsys.readouterr()
    lines = out.out.splitlines()
    assert lines[0].startswith("Problemas por tipo (")
    assert "error: Datos por rellenar" in lines[1]
    assert "    -> qué hacer: rellene este dato" in lines
    # problems in reading order: by file, then by line
    places = [line.split("  [")[0] for line in lines if line.endswith("[error]")]
    report = [int(p.rsplit(":", 1)[1]) for p in places if "/report.yaml:" in p]
    assert report == sorted(report) and len(report) >= 3
    # stderr keeps the programmer's form: file:line: 'key' is value; expected ...
    assert out.err.startswith("error: ") and "data/reports/mx-2025/" in out.err
    assert "'title' is None; expected a value for required key" in out.err


def test_csv_to_do_list(project: Path, scaffold: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--root", str(project), "--format", "csv", str(scaffold)]) == 2
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    ratings = [r for r in rows if r["file"].endswith("mx-2025/ratings.yaml")]
    assert len(ratings) == 19 * 5 + 1  # four scores and a source per row, and the document
    first = next(r for r in ratings if r["key"] == "relevance")
    assert first["line"] and first["problem"] == "'relevance' is empty"
    assert first["fix"] == "fill this in" and first["kind"] == "Values to fill in"


def test_json_lists_shape_results_with_their_source(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", "--root", str(root), "--format", "json", "--lang", "es"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found["problems"] and all(p["severity"] == "warning" for p in found["problems"])
    assert sum(s["count"] for s in found["summary"]) == len(found["problems"])
    assert all(p["file"].startswith("data/") and p["line"] for p in found["problems"])
    assert all(p["fix"] for p in found["problems"])


def test_extra_shapes_are_picked_up(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    extra = tmp_path / "extra.ttl"
    extra.write_text(
        """
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix cfu: <https://w3id.org/lima-lod/def/cfu#> .
        @prefix ex: <https://example.org/observatory/shapes#> .
        ex:NeedsANote a sh:NodeShape ; sh:targetClass cfu:FollowUpReport ;
            sh:name "report note"@en , "nota del informe"@es ;
            sh:property [ sh:path cfu:reviewer ; sh:minCount 1 ;
                          sh:message "A report names its reviewer."@en ,
                                     "Un informe nombra a su revisor."@es ] .
    """,
        encoding="utf-8",
    )
    assert main(["validate", "--root", str(root), "--shapes", str(extra), "--lang", "es"]) == 3
    out = capsys.readouterr().out
    assert "error: nota del informe" in out and "Un informe nombra a su revisor." in out


def test_json_points_at_spreadsheet_cells(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new_report(project, "MX", "2025", ratings="xlsx")
    sheet = project / "data" / "reports" / "mx-2025" / "ratings.xlsx"
    assert (
        main(
            [
                "validate",
                "--root",
                str(project),
                "--format",
                "json",
                "--lang",
                "es",
                str(sheet.parent),
            ]
        )
        == 2
    )
    found = json.loads(capsys.readouterr().out)
    cells = [p for p in found["problems"] if p["sheet"]]
    assert len(cells) == 19 * 4  # the four empty scores of each row (the source has a default)
    first = cells[0]
    assert (first["sheet"], first["row"], first["column"]) == ("Annex 1", "2", "B")
    assert first["where"].endswith("ratings.xlsx, hoja Annex 1, fila 2, columna B (relevance)")
    assert first["problem"] == "'relevance' está vacío"
