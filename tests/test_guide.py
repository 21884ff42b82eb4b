"""The observatories' guide works as written: every ```sh block of docs/observatories.md runs, in
order, in a copy of the project (a block whose first line says ``# exit status: N`` must end with
that status); the Spanish guide gives the same commands."""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GUIDES = {"en": ROOT / "docs" / "observatories.md", "es": ROOT / "docs" / "observatorios.md"}
BLOCK = re.compile(r"^```sh\n(.*?)^```$", re.DOTALL | re.MULTILINE)
STATUS = re.compile(r"^# exit status: (\d+)")


def blocks(lang: str) -> list[str]:
    return BLOCK.findall(GUIDES[lang].read_text(encoding="utf-8"))


def commands(block: str) -> list[str]:
    return [line for line in block.splitlines() if not line.startswith("# ")]


def test_spanish_guide_gives_the_same_commands() -> None:
    assert [commands(b) for b in blocks("es")] == [commands(b) for b in blocks("en")]


@pytest.fixture
def copy(project: Path) -> Path:
    shutil.copy(ROOT / "README.md", project / "README.md")
    return project


def test_guide_commands_run(copy: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIMA_LOD_")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    found = blocks("en")
    assert len(found) >= 6
    for block in found:
        match = STATUS.match(block)
        expected = int(match[1]) if match else 0
        done = subprocess.run(
            ["bash", "-c", block],
            cwd=copy,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert done.returncode == expected, (block, done.stdout[-2000:], done.stderr[-2000:])
    with (copy / "to-do.csv").open(encoding="utf-8") as table:
        todo = list(csv.DictReader(table))
    assert todo and all(row["fix"].startswith("rellene este dato") for row in todo)
    assert (copy / "drafts" / "mx-2025-sheet" / "ratings.xlsx").exists()
    assert list((copy / "dist" / "releases").iterdir())
    with (copy / "checked.csv").open(encoding="utf-8") as table:
        assert all(row["severity"] == "warning" for row in csv.DictReader(table))
