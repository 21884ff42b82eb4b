"""An independent reading of the source report's Annex 1 tables, for tests to check against."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

ROW = re.compile(r"^(\d+)\. (.+?)\t([\d.]+)\t([\d.]+)\t([\d.]+)\t([\d.]+)\s*$")
TABLE = re.compile(r"^Table (\d)\. ")
CONTINUATION = re.compile(r"^([^\t]+?)\t\t\t\t\s*$")


@dataclass
class AnnexRow:
    number: int
    table: int
    text: str
    relevance: str
    effectiveness: str
    sustainability: str
    average: str

    @property
    def axis(self) -> str:
        return "ABCDE"[self.table - 1]

    def decimal(self, column: str) -> Decimal:
        return Decimal(getattr(self, column))


def read_annex(source: str) -> list[AnnexRow]:
    """Rows of the Annex 1 tables, with texts continued after a page break joined."""
    lines = source[source.rindex("Annex 1 Rating") :].splitlines()
    rows: list[AnnexRow] = []
    table = 0
    for line in lines:
        if match := TABLE.match(line):
            table = int(match[1])
        elif match := ROW.match(line):
            rows.append(AnnexRow(int(match[1]), table, match[2].strip(), *match.groups()[2:]))
        elif rows and (match := CONTINUATION.match(line)):
            rows[-1].text += " " + match[1].strip()
    return rows
