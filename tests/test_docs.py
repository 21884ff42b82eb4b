"""Documentation cannot fall behind: every command, option, setting and data key is documented."""

from __future__ import annotations

from pathlib import Path

import pytest

from lima_lod.cli import _parser
from lima_lod.schema import SECTIONS
from lima_lod.settings import setting_fields

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
DATA_README = (ROOT / "data" / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_the_two_setup_commands() -> None:
    blocks = README.split("```")
    first_block = blocks[1].splitlines()
    commands = [line.split("#")[0].strip() for line in first_block[1:] if line.strip()]
    assert commands == ["make serve", "make test"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert [
        line for line in ci.splitlines() if line and not line.startswith(("#", "set ", "cd "))
    ] == ["make test"]


@pytest.mark.parametrize("field", setting_fields(), ids=lambda f: f.name)
def test_every_setting_is_documented(field: object) -> None:
    name = field.name
    assert f"--{name.replace('_', '-')}" in README
    assert field.metadata["env"] in README


def test_every_command_and_option_is_documented() -> None:
    parser = _parser()
    commands = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    for name, sub in commands.items():
        assert f"lima-lod {name}" in README
        for action in sub._actions:
            for option in action.option_strings:
                if option.startswith("--") and option != "--help":
                    assert option in README, f"{name} {option}"


@pytest.mark.parametrize("section", SECTIONS, ids=lambda s: s.name)
def test_every_data_key_is_documented(section: object) -> None:
    name = section.name
    assert f"`{name}`" in DATA_README
    for field in section.fields:
        assert f"`{field.name}`" in DATA_README
