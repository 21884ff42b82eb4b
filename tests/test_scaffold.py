"""``lima-lod new-report`` scaffolds a folder people fill in: empty, it loads with "fill this in"
errors; filled programmatically with the Mexico figures and texts, it builds exactly the published
Mexico data (graph-isomorphic)."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from rdflib.compare import isomorphic

from lima_lod.build import build
from lima_lod.cli import main
from lima_lod.errors import DataError, DataErrors
from lima_lod.graphs import Built
from lima_lod.iris import Iris
from lima_lod.load import load_corpus
from lima_lod.messages import render
from lima_lod.scaffold import new_report
from lima_lod.yamlfile import read_yaml

MEXICO = Path("data/reports/mx-2021")


def plain(node: Any) -> Any:
    """A located YAML tree as plain dicts and lists (for yaml.safe_dump)."""
    if isinstance(node, dict):
        return {k: plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    return node


class Dumper(yaml.SafeDumper):
    """Writes decimals with their printed digits, as the loader reads them back."""


Dumper.add_representer(
    Decimal, lambda d, v: d.represent_scalar("tag:yaml.org,2002:float", format(v, "f"))
)


def test_empty_scaffold_asks_to_fill_in(project: Path) -> None:
    new_report(project, "mx", "2025")
    folder = project / "data" / "reports" / "mx-2025"
    assert {p.name for p in folder.iterdir()} >= {"report.yaml", "ratings.yaml", "README.md"}
    with pytest.raises(DataErrors) as caught:
        load_corpus(project / "data")
    problems = [render(e) for e in caught.value.errors]
    assert {p.kind for p in problems} == {"missing"}, str(caught.value)
    assert all(
        p.problem.endswith("is empty") and p.fix.startswith("fill this in") for p in problems
    )
    assert all(str(p.location).startswith("data/reports/mx-2025/") for p in problems)
    prioritised = {
        c["number"] for c in load_corpus(project / "data" / "agreements").section("commitments")
    }
    scores = [
        p for p in problems if p.key in ("relevance", "effectiveness", "sustainability", "average")
    ]
    assert len(scores) == 4 * len(prioritised) == 76
    spanish = {render(e, "es").fix for e in caught.value.errors}
    assert all(fix.startswith("rellene este dato") for fix in spanish)


def test_scaffold_refuses_an_unknown_country_and_a_used_folder(project: Path) -> None:
    with pytest.raises(DataError, match="'country' is 'zz'"):
        new_report(project, "zz", "2025")
    with pytest.raises(DataError, match="a new or empty folder"):
        new_report(project, "mx", "2021")


def fill(folder: Path, mexico: Path) -> None:
    """Fill the scaffold's files with the Mexico report's figures and texts, never adding a
    section the scaffold does not offer (in a file or as a commented example)."""
    sections: dict[str, Any] = {}
    document = None
    for path in sorted(mexico.glob("*.yaml")):
        for key, value in plain(read_yaml(path)).items():
            if key == "document":
                document = value
            elif not (key == "report" and isinstance(value, str)):
                sections[key] = value
    placed: set[str] = set()
    for path in sorted(folder.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        tree = plain(read_yaml(path))
        tree["document"] = document
        for key in list(tree):
            if key == "report" and not isinstance(tree[key], dict):
                continue  # names the report the file belongs to
            if key == "ratings":
                rows = {r["commitment"]: r for r in sections["ratings"]}
                assert [r["commitment"] for r in tree[key]] == list(rows)
                tree[key] = [
                    {**{k: v for k, v in r.items() if v is not None}, **rows[r["commitment"]]}
                    for r in tree[key]
                ]
            elif key == "report" and isinstance(tree[key], dict):
                given = {k: v for k, v in tree[key].items() if v is not None}
                assert all(sections["report"][k] == v for k, v in given.items() if k != "id"), given
                tree[key] = {**given, **sections["report"], "id": "mx-2021"}
            elif key in sections:
                tree[key] = sections[key]
            elif key not in ("document", "report"):
                continue
            placed.add(key)
        for key, value in sections.items():  # offered as a commented example in this file
            if key not in placed and f"\n# {key}:" in text:
                tree[key] = value
                placed.add(key)
        if tree.get("report") == "mx-2025":
            tree["report"] = "mx-2021"
        path.write_text(
            yaml.dump(tree, Dumper=Dumper, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
    assert placed >= set(sections), f"not offered by the scaffold: {set(sections) - placed}"


def test_filled_scaffold_builds_the_published_mexico_data(
    project: Path, root: Path, built: Built
) -> None:
    folder = project / "data" / "reports" / "mx-2021"
    shutil.rmtree(folder)
    assert main(["new-report", "MX", "2021", "--root", str(project)]) == 0
    fill(folder, root / MEXICO)
    again = build(project, Iris())
    names = {g.identifier for g in built.dataset.graphs()}
    assert names == {g.identifier for g in again.dataset.graphs()}
    for name in names:
        assert isomorphic(again.dataset.graph(name), built.dataset.graph(name)), name


def test_scaffold_with_a_spreadsheet(project: Path) -> None:
    new_report(project, "MX", "2025", ratings="xlsx")
    folder = project / "data" / "reports" / "mx-2025"
    sheet = openpyxl.load_workbook(folder / "ratings.xlsx")["Annex 1"]
    numbers = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(numbers) == 19 and "ratings" not in read_yaml(folder / "ratings.yaml")
    with pytest.raises(DataErrors) as caught:
        load_corpus(project / "data")
    cells = [render(e).where() for e in caught.value.errors if e.key == "relevance"]
    assert len(cells) == 19
    assert "data/reports/mx-2025/ratings.xlsx, sheet Annex 1, row 2, column B (relevance)" in cells
