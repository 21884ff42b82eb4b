from decimal import Decimal
from pathlib import Path

import pytest

from lima_lod.errors import DataError
from lima_lod.yamlfile import Mapping, read_yaml


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "f.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_keeps_printed_decimals_and_lines(tmp_path: Path) -> None:
    tree = read_yaml(write(tmp_path, "rows:\n  - a: 1.50\n    b: 0.9\n  - a: 2\n"))
    rows = tree["rows"]
    assert rows[0]["a"] == Decimal("1.50") and str(rows[0]["a"]) == "1.50"
    assert str(rows[0]["b"]) == "0.9"
    assert rows[1]["a"] == 2
    assert rows.where(1).line == 4
    assert rows[0].where("b").line == 3


def test_dates_stay_text(tmp_path: Path) -> None:
    tree = read_yaml(write(tmp_path, "d: 2018-04-01\nm: 2021-05\n"))
    assert tree["d"] == "2018-04-01" and tree["m"] == "2021-05"


@pytest.mark.parametrize(
    ("text", "line", "key"),
    [
        ("a: [1\n", 2, "(syntax)"),
        ("a: 1\na: 2\n", 2, "a"),
        ("- 1\n- 2\n", 1, "(top level)"),
        ("a: 1\n  b: 2\n", 2, "(syntax)"),
    ],
)
def test_bad_yaml_names_file_line_and_key(tmp_path: Path, text: str, line: int, key: str) -> None:
    with pytest.raises(DataError) as caught:
        read_yaml(write(tmp_path, text), shown_as="data/x.yaml")
    assert caught.value.location.file == "data/x.yaml"
    assert caught.value.location.line == line
    assert caught.value.key == key
    assert str(caught.value).startswith(f"data/x.yaml:{line}: ")


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_bytes(b"a: \xff\n")
    with pytest.raises(DataError, match="UTF-8"):
        read_yaml(path)


def test_mapping_type(tmp_path: Path) -> None:
    assert isinstance(read_yaml(write(tmp_path, "a: {b: 1}\n"))["a"], Mapping)
