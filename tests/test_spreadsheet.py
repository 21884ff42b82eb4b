"""Ratings filled in a spreadsheet (CSV or .xlsx, laid out as Annex 1) build the same data as the
YAML ratings, and bad cells get errors naming file, sheet, row and column, in English and Spanish.
The spreadsheets are made here, with openpyxl and csv: no binary fixture in the repository."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from rdflib.compare import isomorphic

from lima_lod.build import build
from lima_lod.errors import CellLocation, DataErrors
from lima_lod.iris import Iris
from lima_lod.load import load_corpus
from lima_lod.messages import render
from lima_lod.yamlfile import read_yaml

REPORT = Path("data/reports/mx-2021")
HEADER = ["Commitment", "Relevance", "Effectiveness", "Sustainability", "Country Average", "Source"]
COLUMNS = ("relevance", "effectiveness", "sustainability", "average")


def mexico_rows(project: Path) -> list[list[object]]:
    """The Mexico ratings as Annex 1 rows: number, four scores (as printed text), source."""
    tree = read_yaml(project / REPORT / "ratings.yaml")
    return [
        [r["commitment"], *(format(r[c], "f") for c in COLUMNS), r["source"]]
        for r in tree["ratings"]
    ]


def drop_yaml_ratings(project: Path) -> None:
    """Take the ratings list out of ratings.yaml (its quoted figures stay)."""
    path = project / REPORT / "ratings.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("ratings:"))
    end = next(i for i, line in enumerate(lines) if i > start and line[:1].isalpha())
    path.write_text("".join(lines[:start] + lines[end:]), encoding="utf-8")


def write_xlsx(path: Path, rows: list[list[object]], numbers: bool = True) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Annex 1"
    sheet.append(HEADER)
    for row in rows:
        sheet.append(
            [row[0], *(float(v) if numbers and _is_number(v) else v for v in row[1:5]), row[5]]
        )
        for cell in sheet[sheet.max_row][1:5]:
            cell.number_format = "0.00"
    book.save(path)


def _is_number(value: object) -> bool:
    try:
        Decimal(str(value))
    except ArithmeticError:
        return False
    return True


def write_csv(path: Path, rows: list[list[object]], delimiter: str = ",") -> None:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, delimiter=delimiter)
        writer.writerow(HEADER)
        writer.writerows(rows)


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_sheet_builds_what_the_yaml_builds(project: Path, suffix: str) -> None:
    expected = build(project, Iris()).graph("report/mx-2021")
    rows = mexico_rows(project)
    drop_yaml_ratings(project)
    sheet = project / REPORT / f"ratings{suffix}"
    (write_xlsx if suffix == ".xlsx" else write_csv)(sheet, rows)
    built = build(project, Iris())
    assert isomorphic(built.graph("report/mx-2021"), expected)
    # every observation points back to its cell
    cells = [loc for loc in built.locations.values() if isinstance(loc, CellLocation)]
    assert {c.row for c in cells} == set(range(2, len(rows) + 2))


def bad_rows(project: Path) -> tuple[list[list[object]], dict[str, int]]:
    """Mexico's rows with a decimal comma, a 4, one commitment left out and one unknown added."""
    rows = mexico_rows(project)
    dropped = rows.pop(3)  # a missing commitment
    rows[1][2] = "1,5"  # effectiveness of the second row (sheet row 3), with a decimal comma
    rows[4][4] = "4"  # average of the fifth row (sheet row 6), off the scale
    rows.append([99, "1.00", "1.00", "1.00", "1.00", "Annex 1"])  # not a commitment
    return rows, {"dropped": int(str(dropped[0])), "unknown_row": len(rows) + 1}


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_four_bad_cells_four_clear_errors(project: Path, suffix: str) -> None:
    rows, facts = bad_rows(project)
    drop_yaml_ratings(project)
    sheet = project / REPORT / f"ratings{suffix}"
    if suffix == ".xlsx":
        write_xlsx(sheet, rows)
    else:
        write_csv(sheet, rows, delimiter=";")  # as a Spanish-language spreadsheet saves it
    with pytest.raises(DataErrors) as caught:
        load_corpus(project / "data")
    errors = caught.value.errors
    assert len(errors) == 4, str(caught.value)
    found = {render(e).kind: e for e in errors}
    assert set(found) == {"decimal-comma", "out-of-scale", "missing-row", "unknown-commitment"}
    name = f"data/reports/mx-2021/ratings{suffix}"
    sheet_name = "Annex 1" if suffix == ".xlsx" else ""

    def cell(kind: str) -> CellLocation:
        location = found[kind].location
        assert isinstance(location, CellLocation)
        assert (location.file, location.sheet) == (name, sheet_name)
        return location

    assert (cell("decimal-comma").row, cell("decimal-comma").column) == (3, "C")
    assert cell("decimal-comma").header == "effectiveness"
    assert (cell("out-of-scale").row, cell("out-of-scale").column) == (6, "E")
    assert (cell("unknown-commitment").row, cell("unknown-commitment").column) == (
        facts["unknown_row"],
        "A",
    )
    assert cell("missing-row").row == 0  # the whole sheet: the row is not there

    en = {e.kind: e for e in map(render, errors)}
    es = {e.kind: e for e in (render(x, "es") for x in errors)}
    assert en["decimal-comma"].fix == ("write the number with a decimal point, as printed: 1.5")
    assert es["decimal-comma"].fix == (
        "escriba el número con punto decimal, tal como está impreso: 1.5"
    )
    where = (
        f"{name}, sheet Annex 1, row 3, column C (effectiveness)"
        if sheet_name
        else f"{name}, row 3, column C (effectiveness)"
    )
    assert en["decimal-comma"].where() == where
    assert es["decimal-comma"].where("es") == where.replace("sheet", "hoja").replace(
        "row", "fila"
    ).replace("column", "columna")
    four = "4.00" if suffix == ".xlsx" else "4"  # as the sheet prints it (number format 0.00)
    assert en["out-of-scale"].problem == f"'average' is {four}, outside the 0-3 scale"
    assert es["out-of-scale"].problem == f"'average' es {four}, fuera de la escala 0-3"
    dropped = facts["dropped"]
    assert en["missing-row"].problem == f"commitment {dropped} has no row"
    assert es["missing-row"].fix == f"añada una fila para el compromiso {dropped}"
    assert en["unknown-commitment"].problem == (
        "commitment 99 is not one of the prioritised commitments"
    )
    known = [int(n) for n in en["unknown-commitment"].fix.split(": ", 1)[1].split(", ")]
    assert known == sorted(known) and dropped in known and 99 not in known
    assert es["unknown-commitment"].fix.startswith(
        "escriba uno de los números de compromiso priorizados: "
    )
    # the programmer's one-line form is unchanged
    assert str(found["out-of-scale"]).endswith(f"'average' is {four}; expected a number 0-3")


def test_unknown_column_is_named(project: Path) -> None:
    drop_yaml_ratings(project)
    sheet = project / REPORT / "ratings.csv"
    sheet.write_text("Commitment,Relevance,Efficiency\n2,1.50,1.50\n", encoding="utf-8")
    with pytest.raises(DataErrors) as caught:
        load_corpus(project / "data")
    problem = render(caught.value.errors[0], "es")
    assert problem.kind == "unknown-key"
    assert problem.where("es") == "data/reports/mx-2021/ratings.csv, fila 1, columna C (Efficiency)"
