"""Bad input gets one clear error: file, line, key, bad value and what was expected."""

from __future__ import annotations

from pathlib import Path

import pytest

from lima_lod.errors import DataError, DataErrors
from lima_lod.load import load_corpus

RATINGS = Path("data/reports/mx-2021/ratings.yaml")
ORGS = Path("data/organizations/mx.yaml")


def mutate(project: Path, rel: Path, old: str, new: str) -> int:
    """Replace the first occurrence of a text in a data file; return its 1-based line."""
    line = line_of(project, rel, old)
    path = project / rel
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    return line


def line_of(project: Path, rel: Path, text: str) -> int:
    """The 1-based line a text starts on in a data file."""
    content = (project / rel).read_text(encoding="utf-8")
    assert text in content, f"{text!r} not in {rel}"
    return content[: content.index(text)].count("\n") + 1


def only_error(project: Path) -> DataError:
    with pytest.raises(DataErrors) as caught:
        load_corpus(project / "data")
    assert len(caught.value.errors) == 1, str(caught.value)
    return caught.value.errors[0]


def test_real_data_loads(root: Path) -> None:
    corpus = load_corpus(root / "data")
    assert len(corpus.section("commitments")) == 19
    assert len(corpus.section("ratings")) == 19


@pytest.mark.parametrize(
    ("old", "new", "key", "value", "expected"),
    [
        ("relevance: 1.50", "relevance: 3.5", "relevance", "3.5", "a number 0-3"),
        ("relevance: 1.50", "relevance: -0.5", "relevance", "-0.5", "a number 0-3"),
        ("relevance: 1.50", "relevance: '1,5'", "relevance", "1,5", "a number 0-3"),
        ("commitment: 2\n", "commitment: 99\n", "commitment", "99", "the id of a commitment"),
        ("commitment: 2\n", "commitment: [2]\n", "commitment", "[2]", "the id of a commitment"),
    ],
)
def test_bad_rating_value(
    project: Path, old: str, new: str, key: str, value: str, expected: str
) -> None:
    line = mutate(project, RATINGS, old, new)
    error = only_error(project)
    assert (error.location.file, error.location.line) == (str(RATINGS), line)
    assert error.key == key
    assert str(error.value) == value
    assert expected in error.expected


def test_missing_required_key(project: Path) -> None:
    line = mutate(project, RATINGS, "    average: 1.44\n", "")
    error = only_error(project)
    item_line = line_of(project, RATINGS, "  - commitment: 2\n")
    assert item_line < line
    assert (error.location.file, error.location.line) == (str(RATINGS), item_line)
    assert error.key == "average" and "required" in error.expected


def test_unknown_key_is_named(project: Path) -> None:
    line = mutate(project, RATINGS, "    average: 1.44\n", "    average: 1.44\n    avrage: 1\n")
    error = only_error(project)
    assert (error.location.line, error.key) == (line + 1, "avrage")
    assert "one of the keys of ratings" in error.expected


def test_unknown_code(project: Path) -> None:
    line = mutate(project, Path("data/agreements/lima-2018.yaml"), "axis: A\n", "axis: Z\n")
    error = only_error(project)
    assert (error.location.line, error.key, error.value) == (line, "axis", "Z")
    assert "the id of an axis" in error.expected


def test_duplicate_identifier(project: Path) -> None:
    path = project / ORGS
    text = path.read_text(encoding="utf-8")
    first = next(i for i, line in enumerate(text.splitlines()) if line.startswith("  - id:"))
    duplicate = text.splitlines()[first]
    path.write_text(
        text + duplicate + "\n    kind: civil-society\n    name: A copy\n    source: test\n",
        encoding="utf-8",
    )
    error = only_error(project)
    assert (error.location.file, error.key) == (str(ORGS), "id")
    assert error.location.line == len(text.splitlines()) + 1
    assert f"already defined at {ORGS}:{first + 1}" in error.expected


def test_malformed_yaml(project: Path) -> None:
    line = mutate(project, RATINGS, "ratings:", "ratings: [")
    with pytest.raises(DataErrors) as caught:
        load_corpus(project / "data")
    error = caught.value.errors[0]
    assert error.location.file == str(RATINGS) and error.location.line >= line
    assert error.key == "(syntax)"


def test_wrong_type(project: Path) -> None:
    line = mutate(
        project,
        Path("data/agreements/lima-2018.yaml"),
        "commitment_count: 57",
        "commitment_count: fifty-seven",
    )
    error = only_error(project)
    assert (error.location.line, error.key, error.value) == (
        line,
        "commitment_count",
        "fifty-seven",
    )
    assert error.expected == "a whole number"


def test_commitment_number_beyond_the_agreement(project: Path) -> None:
    line = mutate(
        project, Path("data/agreements/lima-2018.yaml"), "- number: 2\n", "- number: 58\n"
    )
    with pytest.raises(DataErrors) as caught:
        load_corpus(project / "data")
    numbers = [e for e in caught.value.errors if e.key == "number"]
    assert numbers and numbers[0].location.line == line and "1-57" in numbers[0].expected


@pytest.mark.parametrize(
    "rel",
    [
        Path("data/reports/mx-2021/calls-to-action.yaml"),
        Path("data/reports/mx-2021/references.yaml"),
        RATINGS,
    ],
)
def test_a_file_naming_an_unknown_report(project: Path, rel: Path) -> None:
    # Every report-bound file is checked, not only some sections (a typo used to orphan
    # calls to action and references silently).
    line = mutate(project, rel, "report: mx-2021\n", "report: mx-2012\n")
    error = only_error(project)
    assert (error.location.file, error.location.line) == (str(rel), line)
    assert (error.key, error.value) == ("report", "mx-2012")
    assert "the id of a report" in error.expected
