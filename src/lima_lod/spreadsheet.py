"""Read a report's ratings from a spreadsheet (CSV or .xlsx) laid out as the report's Annex 1.

One row per commitment, one column per criterion (``Commitment | Relevance | Effectiveness |
Sustainability | Country Average``, optionally ``Source`` and ``Note``; headers in English or
Spanish). The sheet becomes the same located tree a YAML ratings file gives (first stage of the
flow), so the loader checks it with the same rules, and every error names the file, sheet, row
and column of the cell: ``ratings.xlsx, sheet Annex 1, row 7, column C (effectiveness)``.
"""

from __future__ import annotations

import csv
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from .errors import CellLocation, DataError, Location
from .yamlfile import Mapping, Sequence, read_yaml

SHEET_SUFFIXES = (".csv", ".xlsx")
#: The sheet read from a workbook when it has one of this name (else the first sheet).
SHEET_NAME = "Annex 1"
#: Where in the source document a row comes from, when the sheet has no Source column.
DEFAULT_SOURCE = "Annex 1"
#: Ratings key -> the headers that name it (lower case; English and Spanish).
HEADERS: dict[str, tuple[str, ...]] = {
    "commitment": ("commitment", "compromiso", "no.", "number", "número", "numero"),
    "relevance": ("relevance", "relevancia", "pertinencia"),
    "effectiveness": ("effectiveness", "efectividad", "eficacia"),
    "sustainability": ("sustainability", "sostenibilidad"),
    "average": (
        "average",
        "country average",
        "promedio",
        "promedio del país",
        "promedio del pais",
        "promedio país",
    ),
    "source": ("source", "fuente"),
    "note": ("note", "nota"),
}
REQUIRED = ("commitment", "relevance", "effectiveness", "sustainability", "average")
SCORES = ("relevance", "effectiveness", "sustainability", "average")
_NUMBER = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*$")
_LEADING_NUMBER = re.compile(r"^\s*(\d+)\s*(?:[.)\-:]\s*.*)?$", re.DOTALL)


class CellMapping(Mapping):
    """A row (or a whole sheet) whose keys point at spreadsheet cells."""

    cells: dict[str, CellLocation]

    def where(self, key: str | None = None) -> Location:
        if key is not None and key in self.cells:
            return self.cells[key]
        return self.location


def column_letter(index: int) -> str:
    """The spreadsheet letter of a 1-based column number (1 -> A, 27 -> AA)."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def is_sheet(path: Path) -> bool:
    """Whether a data file is a ratings spreadsheet."""
    return path.suffix.lower() in SHEET_SUFFIXES


Cell = tuple[object, str]  # a value and its number format ("" when none)


def _csv_rows(path: Path, shown: str) -> list[list[Cell]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(
            Location(shown), "(file)", f"byte {exc.start}", "UTF-8 text", code="file"
        ) from None
    try:
        # Spreadsheets saved in Spanish often separate cells with ';' (the comma is decimal).
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [[(value, "") for value in row] for row in csv.reader(text.splitlines(), dialect)]


def _xlsx_rows(path: Path, shown: str) -> tuple[str, list[list[Cell]]]:
    import openpyxl  # only needed for .xlsx files
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(path, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError) as exc:
        raise DataError(
            Location(shown),
            "(xlsx)",
            str(exc)[:200],
            "well-formed Excel (.xlsx)",
            code="syntax",
            params={"format": "Excel (.xlsx)"},
        ) from None
    sheet = book[SHEET_NAME] if SHEET_NAME in book.sheetnames else book.worksheets[0]
    rows = [
        [(cell.value, str(cell.number_format or "")) for cell in row] for row in sheet.iter_rows()
    ]
    return str(sheet.title), rows


def _decimals(number_format: str) -> int | None:
    """How many decimals a cell's number format prints (``0.00`` -> 2), or None."""
    match = re.search(r"0\.(0+)", number_format)
    return len(match[1]) if match else (0 if re.fullmatch(r"0|#,##0", number_format) else None)


def _score(value: object, number_format: str) -> object:
    """A score cell as the loader reads a YAML score: a Decimal with the printed digits."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        # A workbook stores 1.50 as the number 1.5 (or 1) and prints it with its number format.
        places = _decimals(number_format)
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        return round(number, places) if places is not None else number
    if isinstance(value, str) and (match := _NUMBER.match(value)):
        return Decimal(match[1])
    return value  # the loader says what is wrong with it (a decimal comma, a word...)


def _commitment(value: object) -> object:
    """A commitment cell: its number, also when written as in Annex 1 ("2. Strengthening...")."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and (match := _LEADING_NUMBER.match(value)):
        return int(match[1])
    return None if isinstance(value, str) and not value.strip() else value


def _header_key(text: object) -> str | None:
    name = " ".join(str(text or "").lower().split())
    return next((key for key, names in HEADERS.items() if name in names), None)


def read_sheet(path: Path, shown: str | None = None) -> Mapping:
    """Read a ratings spreadsheet into the located tree a YAML ratings file would give.

    The report and source document are those of the ``report.yaml`` beside the sheet.

    Args:
        path: a ``.csv`` or ``.xlsx`` file.
        shown: the name errors give the file.

    Raises:
        DataError: the file cannot be read, or its header row is not the Annex 1 layout.
    """
    name = shown or str(path)
    sheet, rows = (
        ("", _csv_rows(path, name)) if path.suffix.lower() == ".csv" else _xlsx_rows(path, name)
    )
    top = CellLocation(name, sheet=sheet)
    tree = CellMapping()
    tree.location, tree.key_lines, tree.cells = top, {}, {}
    _context_of(path, tree)
    while rows and all(v in (None, "") for v, _ in rows[0]):
        rows = rows[1:]
    if not rows:
        raise DataError(
            top,
            "(sheet)",
            "empty",
            "a header row: " + ", ".join(h.capitalize() for h in REQUIRED),
            code="missing",
            params={"expected": "a header row (Commitment, Relevance, ...)"},
        )
    header_row = rows[0]
    columns: dict[int, str] = {}
    for index, (text, _) in enumerate(header_row, start=1):
        key = _header_key(text)
        cell = CellLocation(
            name, sheet=sheet, row=1, column=column_letter(index), header=str(text or "")
        )
        if key is None and text not in (None, ""):
            raise DataError(
                cell,
                str(text),
                "(column)",
                "one of the keys of ratings: " + ", ".join(HEADERS),
                code="unknown-key",
                params={
                    "section": "ratings",
                    "known": ", ".join(h[0].capitalize() for h in HEADERS.values()),
                },
            )
        if key is not None:
            columns[index] = key
    missing = [k for k in REQUIRED if k not in columns.values()]
    if missing:
        raise DataError(
            CellLocation(name, sheet=sheet, row=1),
            missing[0],
            None,
            f"a column headed {missing[0].capitalize()}",
            code="missing",
            params={"expected": f"a column headed {missing[0].capitalize()}"},
        )
    ratings = Sequence()
    ratings.location, ratings.item_lines = top, []
    first_line = 1 + next(i for i, r in enumerate(rows) if r is header_row)
    for offset, row in enumerate(rows[1:], start=1):
        if all(v in (None, "") for v, _ in row):
            continue
        number = first_line + offset
        item = CellMapping()
        item.location = CellLocation(name, sheet=sheet, row=number)
        item.key_lines, item.cells = {}, {}
        for index, key in columns.items():
            value, fmt = row[index - 1] if index <= len(row) else (None, "")
            item.cells[key] = CellLocation(
                name, sheet=sheet, row=number, column=column_letter(index), header=key
            )
            if key == "commitment":
                item[key] = _commitment(value)
            elif key in SCORES:
                item[key] = _score(value, fmt)
            elif value not in (None, ""):
                item[key] = str(value)
        item.setdefault("source", DEFAULT_SOURCE)
        ratings.append(item)
        ratings.item_lines.append(number)
    tree["ratings"] = ratings
    tree.cells["ratings"] = top
    return tree


def _context_of(path: Path, tree: CellMapping) -> None:
    """The report and document a sheet belongs to: those of the report.yaml beside it."""
    beside = path.parent / "report.yaml"
    report: object = path.parent.name
    if beside.exists():
        try:
            other = read_yaml(beside)
        except DataError:
            other = Mapping()  # its own errors are reported when it is read
        found = other.get("report")
        if isinstance(found, dict) and found.get("id") is not None:
            report = str(found["id"])
        if isinstance(other.get("document"), str):
            tree["document"] = other["document"]
    tree["report"] = report
    tree.cells["report"] = CellLocation(
        tree.location.file, sheet=getattr(tree.location, "sheet", "")
    )
