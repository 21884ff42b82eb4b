"""Load the YAML data files into checked records: the first stage of the flow.

``load_corpus(data_dir)`` reads every ``*.yaml`` under ``data/``, checks each item against
:mod:`lima_lod.schema`, resolves every reference, and returns a :class:`Corpus`. Every problem is
a :class:`~lima_lod.errors.DataError` naming file:line, key, bad value and what was expected; all
of them are gathered and raised together, and nothing is built from bad data.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from .errors import CellLocation, DataError, DataErrors, Location
from .iris import is_slug
from .schema import BY_NAME, CHOICES, CONTEXT_KEYS, NESTED, REF_SCOPE, Field, Section
from .spreadsheet import is_sheet, read_sheet
from .yamlfile import Mapping, Sequence, read_yaml

_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
_LANG = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*$")  # BCP 47, as RDF takes it
_URL = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")
SCORE_MIN, SCORE_MAX = Decimal(0), Decimal(3)


@dataclass
class Item:
    """One checked item of a section, with the context of the file it came from."""

    section: str
    data: Mapping
    context: dict[str, str]

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def where(self, key: str | None = None) -> Location:
        return self.data.where(key)


@dataclass
class _Ref:
    kind: str
    value: object
    location: Location
    key: str
    context: dict[str, str]


@dataclass
class Corpus:
    """Everything in data/, checked: items per section and the ids each kind defines."""

    items: dict[str, list[Item]] = field(default_factory=dict)
    ids: dict[str, dict[tuple[str, str], Item]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)

    def section(self, name: str) -> list[Item]:
        """All items of one section, in file order."""
        return self.items.get(name, [])

    def lookup(self, kind: str, key: object, scope: str = "") -> Item:
        """The item that defines one id."""
        return self.ids[kind][(scope, str(key))]

    def get(self, kind: str, key: object, scope: str = "") -> Item | None:
        """The item that defines one id, or None."""
        return self.ids.get(kind, {}).get((scope, str(key)))


class _Checker:
    """Checks values against field types, gathering errors instead of stopping at the first."""

    def __init__(self) -> None:
        self.errors: list[DataError] = []
        self.refs: list[_Ref] = []

    def fail(self, where: Location, key: str, value: object, expected: str) -> None:
        self.errors.append(DataError(where, key, value, expected))

    def value(
        self, type_: str, value: object, where: Location, key: str, context: dict[str, str]
    ) -> object:
        """Check (and normalise) one value; return it, or None when it is bad."""
        if type_.startswith("list:"):
            if not isinstance(value, Sequence):
                self.fail(where, key, value, f"a list of {type_[5:]}")
                return None
            return [
                self.value(type_[5:], v, value.where(i), key, context) for i, v in enumerate(value)
            ]
        if type_.startswith("item:"):
            if not isinstance(value, Mapping):
                self.fail(where, key, value, f"a mapping with the keys of {type_[5:]}")
                return None
            return self.item(BY_NAME[type_[5:]], value, context)
        if type_.startswith("ref:"):
            if isinstance(value, bool) or not isinstance(value, (str, int)):
                self.fail(where, key, value, f"the id of {_article(type_[4:])}")
                return None
            self.refs.append(_Ref(type_[4:], value, where, key, context))
            return value
        return self.scalar(type_, value, where, key)

    def scalar(self, type_: str, value: object, where: Location, key: str) -> object:
        ok: bool
        expected = {
            "text": "non-empty text",
            "slug": "an id of letters, digits, '.', '_', '-'",
            "int": "a whole number",
            "score": "a number 0-3",
            "url": "an http(s) URL without spaces",
            "year": "a year (YYYY)",
            "month": "a month (YYYY-MM)",
            "date": "a date (YYYY, YYYY-MM or YYYY-MM-DD)",
            "bool": "true or false",
            "lang": "a language tag (BCP 47), such as es or en",
        }[type_]
        if type_ == "text":
            ok = isinstance(value, str) and bool(value.strip())
        elif type_ == "slug":
            ok = (
                isinstance(value, (str, int))
                and not isinstance(value, bool)
                and is_slug(str(value))
            )
        elif type_ == "int":
            ok = isinstance(value, int) and not isinstance(value, bool)
        elif type_ == "score":
            if isinstance(value, int) and not isinstance(value, bool):
                value = Decimal(value)
            ok = (
                isinstance(value, Decimal)
                and value.is_finite()
                and (SCORE_MIN <= value <= SCORE_MAX)
            )
        elif type_ == "url":
            ok = isinstance(value, str) and bool(_URL.match(value))
        elif type_ == "year":
            ok = isinstance(value, (int, str)) and bool(re.fullmatch(r"\d{4}", str(value)))
        elif type_ == "month":
            ok = isinstance(value, str) and bool(_MONTH.match(value))
        elif type_ == "lang":
            ok = isinstance(value, str) and bool(_LANG.match(value))
        elif type_ == "date":
            ok = isinstance(value, (str, int)) and bool(_DATE.match(str(value)))
        else:
            ok = isinstance(value, bool)
        if not ok:
            self.fail(where, key, value, expected)
            return None
        return value

    def item(self, section: Section, data: Mapping, context: dict[str, str]) -> Mapping:
        """Check one item's keys and values against its section."""
        known = {f.name: f for f in section.fields}
        for key in data:
            if key not in known:
                self.fail(
                    data.where(key),
                    key,
                    data[key],
                    f"one of the keys of {section.name}: {', '.join(sorted(known))}",
                )
        for f in section.fields:
            self.one_field(section, f, data, context)
        return data

    def one_field(self, section: Section, f: Field, data: Mapping, context: dict[str, str]) -> None:
        if f.name not in data or data[f.name] is None:
            if f.required:
                why = f" ({f.expected})" if f.expected else ""
                # an empty key is pointed at itself (an empty cell, a `key:` line to fill in)
                self.fail(
                    data.where(f.name) if f.name in data else data.where(),
                    f.name,
                    None,
                    f"a value for required key{why}",
                )
            data.pop(f.name, None)
            return
        checked = self.value(f.type, data[f.name], data.where(f.name), f.name, context)
        choices = CHOICES.get((section.name, f.name))
        if checked is not None and choices and checked not in choices:
            self.fail(data.where(f.name), f.name, checked, f"one of {', '.join(sorted(choices))}")
        if checked is not None:
            data[f.name] = checked


def _article(kind: str) -> str:
    words = kind.replace("_", " ")
    return f"{'an' if words[0] in 'aeiou' else 'a'} {words}"


def data_files(data_dir: Path) -> list[Path]:
    """The YAML files of a data folder, in a stable order."""
    return sorted(
        [
            *data_dir.rglob("*.yaml"),
            *data_dir.rglob("*.yml"),
            *data_dir.rglob("ratings*.csv"),
            *data_dir.rglob("ratings*.xlsx"),
        ]
    )


def _context(tree: Mapping) -> dict[str, str]:
    context: dict[str, str] = {}
    for section, kind in (
        ("agreement", "agreement"),
        ("methodology", "methodology"),
        ("report", "report"),
    ):
        value = tree.get(section)
        if isinstance(value, Mapping) and "id" in value:
            context[kind] = str(value["id"])
        elif isinstance(value, (str, int)) and kind == "report":
            context[kind] = str(value)
    if isinstance(tree.get("document"), str):
        context["document"] = tree["document"]
    return context


def _sections(tree: Mapping, checker: _Checker) -> Iterator[tuple[Section, Any, Location]]:
    for key, value in tree.items():
        if key in CONTEXT_KEYS or (key == "report" and not isinstance(value, Mapping)):
            continue
        section = BY_NAME.get(key)
        if section is None or key in NESTED:
            sections = sorted(n for n in BY_NAME if n not in NESTED)
            checker.fail(
                tree.where(key), key, "(section)", f"one of the sections {', '.join(sections)}"
            )
            continue
        yield section, value, tree.where(key)


def _read_file(path: Path, shown: str, corpus: Corpus, checker: _Checker) -> None:
    tree = read_sheet(path, shown) if is_sheet(path) else read_yaml(path, shown)
    context = _context(tree)
    if "document" in tree:  # the source document every item of the file comes from
        if tree["document"] is None:
            checker.errors.append(
                DataError(
                    tree.where("document"),
                    "document",
                    None,
                    "the id of a source in data/sources.yaml",
                    code="missing",
                    params={"expected": "the id of a source in data/sources.yaml"},
                )
            )
        else:
            checker.value(
                "ref:source", tree["document"], tree.where("document"), "document", context
            )
    if "report" in context and not isinstance(tree.get("report"), Mapping):
        # The file's items belong to a report defined elsewhere: that report must exist.
        checker.value("ref:report", tree["report"], tree.where("report"), "report", context)
    for section, value, where in _sections(tree, checker):
        missing = section.needs and section.needs not in context
        if missing:
            checker.fail(
                where,
                section.name,
                "(section)",
                f"a file that also defines or names its {section.needs}",
            )
            continue
        values = value if section.many else [value]
        if section.many and not isinstance(value, Sequence):
            checker.fail(where, section.name, value, "a list of items")
            continue
        for index, raw in enumerate(values):
            at = value.where(index) if section.many else where
            if section.item_type:
                if checker.value(section.item_type, raw, at, section.name, context) is not None:
                    corpus.items.setdefault(section.name, []).append(
                        Item(section.name, _scalar_item(raw, at), dict(context))
                    )
                continue
            if not isinstance(raw, Mapping):
                checker.fail(at, section.name, raw, f"a mapping with the keys of {section.name}")
                continue
            item = Item(section.name, checker.item(section, raw, context), dict(context))
            corpus.items.setdefault(section.name, []).append(item)
            _define(section, item, corpus, checker)


def _scalar_item(value: object, where: Location) -> Mapping:
    out = Mapping(value=value)
    out.location, out.key_lines = where, {"value": where.line}
    return out


def _define(section: Section, item: Item, corpus: Corpus, checker: _Checker) -> None:
    if not section.defines or item.get(section.key) is None:
        return
    scope = item.context.get(section.scope, "") if section.scope else ""
    key = (scope, str(item[section.key]))
    table = corpus.ids.setdefault(section.defines, {})
    if key in table:
        first = table[key].where()
        checker.fail(
            item.where(section.key),
            section.key,
            item[section.key],
            f"an id not used before (already defined at {first})",
        )
    else:
        table[key] = item


def _resolve(corpus: Corpus, checker: _Checker) -> None:
    reports = corpus.ids.get("report", {})
    for ref in checker.refs:
        if ref.kind == "source" and "source" not in corpus.ids:
            continue  # a partial read without sources.yaml: documents cannot be checked
        scope_kind = REF_SCOPE.get(ref.kind)
        scope = ref.context.get(scope_kind, "") if scope_kind else ""
        if scope_kind == "agreement" and not scope and "report" in ref.context:
            report = reports.get(("", ref.context["report"]))
            if report is None:
                continue  # the unknown report is the error, reported once for its file
            scope = str(report.get("agreement", ""))
        if corpus.get(ref.kind, ref.value, scope) is None:
            known = sorted(
                (k for (s, k) in corpus.ids.get(ref.kind, {}) if s == scope),
                key=lambda k: (0, int(k), "") if k.isdigit() else (1, 0, k),
            )
            hint = f"; known: {', '.join(known[:20])}{'...' if len(known) > 20 else ''}"
            checker.fail(
                ref.location,
                ref.key,
                ref.value,
                f"the id of {_article(ref.kind)} defined in data/{hint if known else ''}",
            )


def load_corpus(source: Path | list[Path], shown_from: Path | None = None) -> Corpus:
    """Read and check every data file of a folder, or of a list of files and folders.

    Args:
        source: the data folder (e.g. ``data/``), or files and folders to read together.
        shown_from: errors show paths relative to this folder (default: the data folder's parent).

    Raises:
        DataErrors: every problem found, each with file:line, key, value and what was expected.
    """
    sources = source if isinstance(source, list) else [source]
    files: list[Path] = []
    for path in sources:
        for found in data_files(path) if path.is_dir() else [path]:
            if found.resolve() not in {f.resolve() for f in files}:
                files.append(found)
    if not files:
        raise DataErrors(
            [
                DataError(
                    Location(", ".join(map(str, sources))),
                    "(folder)",
                    "no YAML files",
                    "at least one data file",
                )
            ]
        )
    base = (shown_from or (sources[0].parent if len(sources) == 1 else Path.cwd())).resolve()
    corpus = Corpus()
    checker = _Checker()
    for path in files:
        resolved = path.resolve()
        shown = str(resolved.relative_to(base)) if resolved.is_relative_to(base) else str(path)
        corpus.files.append(shown)
        try:
            _read_file(path, shown, corpus, checker)
        except DataError as exc:
            checker.errors.append(exc)
    _resolve(corpus, checker)
    _check_values(corpus, checker)
    if checker.errors:
        raise DataErrors(_unique(checker.errors))
    return corpus


def _check_values(corpus: Corpus, checker: _Checker) -> None:
    """Checks across items that no single field type can make."""
    for agreement in corpus.section("agreement"):
        count = agreement.get("commitment_count")
        if not isinstance(count, int):
            continue  # already reported as a bad value
        for item in corpus.section("commitments"):
            number = item.get("number")
            if (
                item.context.get("agreement") == str(agreement.get("id"))
                and isinstance(number, int)
                and not 1 <= number <= count
            ):
                checker.fail(
                    item.where("number"),
                    "number",
                    item["number"],
                    f"a commitment number 1-{count} (the agreement's count)",
                )
    for level in corpus.section("scale"):
        if isinstance(level.get("value"), int) and not 0 <= level["value"] <= 3:
            checker.fail(level.where("value"), "value", level["value"], "a scale value 0-3")
    checker.errors.extend(_unrated(corpus))


def _unrated(corpus: Corpus) -> list[DataError]:
    """A ratings sheet has a row for every commitment the report's agreement prioritises (a
    YAML ratings list is checked by the shapes, on what it holds)."""
    errors = []
    for report in corpus.section("report"):
        rows = [
            r for r in corpus.section("ratings") if r.context.get("report") == str(report["id"])
        ]
        if not rows or not isinstance(rows[0].data.location, CellLocation):
            continue
        rated = {str(r.get("commitment")) for r in rows}
        where = rows[0].data.location  # the sheet, or the first row of the ratings list
        where = replace(where, row=0) if isinstance(where, CellLocation) else where
        for c in corpus.section("commitments"):
            if (
                c.context.get("agreement") == str(report.get("agreement"))
                and str(c.get("number")) not in rated
            ):
                errors.append(
                    DataError(
                        where,
                        "commitment",
                        c["number"],
                        "a ratings row for every prioritised commitment",
                        code="missing-row",
                        params={"number": c["number"]},
                    )
                )
    return errors


def _unique(errors: list[DataError]) -> list[DataError]:
    seen: set[str] = set()
    out = []
    for error in errors:
        if str(error) not in seen:
            seen.add(str(error))
            out.append(error)
    return out
