"""The to-do list ``lima-lod validate`` hands to the people who fill in a report.

Loader errors (:mod:`lima_lod.messages`) and SHACL results (:mod:`lima_lod.validate`) become one
list of :class:`~lima_lod.messages.Problem`: where, what is wrong, what to write instead, in
English or Spanish; summarised by kind of problem first, and written as text, CSV or JSON.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from .errors import CellLocation, DataError
from .iris import SH, Iris
from .messages import KINDS, Problem, errors_of, render
from .settings import Settings
from .validate import Report, Result, node_name

FORMATS = ("text", "csv", "json")
COLUMNS = (
    "severity",
    "kind",
    "where",
    "file",
    "line",
    "sheet",
    "row",
    "column",
    "key",
    "value",
    "problem",
    "fix",
)

#: What to do about a SHACL result, by its constraint component.
FIXES: dict[str, dict[str, str]] = {
    "MinCountConstraintComponent": {
        "en": "add the missing value in the data file",
        "es": "añada el valor que falta en el archivo de datos",
    },
    "MaxCountConstraintComponent": {"en": "keep only one value", "es": "deje un solo valor"},
    "DatatypeConstraintComponent": {
        "en": "write a value of the expected kind",
        "es": "escriba un valor del tipo esperado",
    },
    "SPARQLConstraintComponent": {
        "en": "check the figure against the source document; keep what its table prints",
        "es": "compare la cifra con el documento fuente; conserve lo que imprime su tabla",
    },
}
DEFAULT_FIX = {
    "en": "correct the value in the data file",
    "es": "corrija el valor en el archivo de datos",
}
SEVERITY = {"Violation": "error", "Warning": "warning", "Info": "info"}
LABELS = {
    "en": {
        "summary": "Problems by kind",
        "none": "No problems found.",
        "error": "error",
        "warning": "warning",
        "info": "note",
        "fix": "to do",
        "total": "in all",
    },
    "es": {
        "summary": "Problemas por tipo",
        "none": "No se encontraron problemas.",
        "error": "error",
        "warning": "aviso",
        "info": "nota",
        "fix": "qué hacer",
        "total": "en total",
    },
}


def from_error(error: DataError, lang: str = "en") -> list[Problem]:
    """The problems inside a loader error, in a language."""
    return [render(e, lang) for e in errors_of(error)]


def _local(node: Node | None) -> str:
    text = str(node or "")
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _shape_name(shapes: Graph, shape: Node | None, lang: str) -> str:
    """A shape's sh:name in a language (or English), else its local name."""
    names = (
        {n.language: str(n) for n in shapes.objects(shape, SH.name) if isinstance(n, Literal)}
        if shape is not None
        else {}
    )
    if not names and isinstance(shape, BNode):  # an unnamed property shape: its node shape's
        parent = next(iter(shapes.subjects(SH.property, shape)), None)
        return _shape_name(shapes, parent, lang) if parent is not None else ""
    return names.get(lang) or names.get("en") or next(iter(names.values()), "") or _local(shape)


def from_result(result: Result, shapes: Graph, graph: Graph | None, lang: str = "en") -> Problem:
    """One SHACL result as a problem."""

    def name(node: Node | None) -> str:
        if isinstance(node, URIRef):
            return node_name(node, graph).strip("<>")
        return "" if node is None else str(node)

    fix = FIXES.get(_local(result.component), DEFAULT_FIX)
    title = _shape_name(shapes, result.shape, lang)
    return Problem(
        f"shape:{title}",
        SEVERITY.get(result.severity, "error"),
        result.location,
        name(result.path),
        name(result.value),
        f"{name(result.focus)}: {result.message(lang)}",
        fix.get(lang, fix["en"]),
    )


def from_report(
    report: Report, shapes: Graph, graph: Graph | None, lang: str = "en"
) -> list[Problem]:
    """Every result of a validation report, as problems."""
    return [from_result(r, shapes, graph, lang) for r in report.results]


def _title(kind: str, lang: str) -> str:
    if kind.startswith("shape:"):
        return kind[len("shape:") :]
    return KINDS.get(kind, {}).get(lang, kind)


def _sorted(problems: list[Problem]) -> list[Problem]:
    """Errors first, then by file and by line (or row and column) in reading order."""
    order = {"error": 0, "warning": 1, "info": 2}

    def key(p: Problem) -> tuple[int, str, int, int, str, str]:
        loc = p.location
        cell = loc if isinstance(loc, CellLocation) else None
        return (
            order.get(p.severity, 3),
            loc.file if loc else "",
            loc.line if loc else 0,
            cell.row if cell else 0,
            f"{len(cell.column):02d}{cell.column}" if cell else "",
            p.kind,
        )

    return sorted(problems, key=key)


def summary(problems: list[Problem], lang: str = "en") -> list[tuple[str, str, int]]:
    """(severity, kind's title, count) per kind, errors first, largest first."""
    counts = Counter((p.severity, _title(p.kind, lang)) for p in problems)
    order = {"error": 0, "warning": 1, "info": 2}
    return sorted(
        ((s, t, n) for (s, t), n in counts.items()), key=lambda x: (order.get(x[0], 3), -x[2], x[1])
    )


def as_text(problems: list[Problem], lang: str = "en") -> str:
    """The summary by kind, then each problem: where, what is wrong, what to write instead."""
    words = LABELS.get(lang, LABELS["en"])
    if not problems:
        return words["none"]
    lines = [f"{words['summary']} ({len(problems)} {words['total']}):"]
    lines += [f"  {n:4d}  {words.get(s, s)}: {t}" for s, t, n in summary(problems, lang)]
    for p in _sorted(problems):
        lines.append(f"\n{p.where(lang) or '-'}  [{words.get(p.severity, p.severity)}]")
        lines.append(f"    {p.problem}")
        lines.append(f"    -> {words['fix']}: {p.fix}")
    return "\n".join(lines)


def as_csv(problems: list[Problem], lang: str = "en") -> str:
    """The whole list as CSV, one problem per row, to hand over as a to-do list."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for p in _sorted(problems):
        row = p.row(lang)
        row["kind"] = _title(p.kind, lang)
        writer.writerow(row)
    return out.getvalue()


def as_json(problems: list[Problem], lang: str = "en") -> str:
    """The summary and the whole list as JSON."""
    return json.dumps(
        {
            "summary": [
                {"severity": s, "kind": t, "count": n} for s, t, n in summary(problems, lang)
            ],
            "problems": [{**p.row(lang), "kind": _title(p.kind, lang)} for p in _sorted(problems)],
        },
        ensure_ascii=False,
        indent=2,
    )


def write(problems: list[Problem], fmt: str = "text", lang: str = "en") -> str:
    """The to-do list in one of :data:`FORMATS`."""
    return {"text": as_text, "csv": as_csv, "json": as_json}[fmt](problems, lang)


def check(
    root: Path,
    iris: Iris,
    paths: list[Path],
    lang: str = "en",
    extra_shapes: list[Path] | None = None,
    raise_errors: bool = False,
) -> tuple[list[Problem], Report | None, Graph]:
    """Validate files (or the project's data) and return every problem found.

    Args:
        root: the project root.
        iris: the deployment's IRI minter.
        paths: YAML, spreadsheet or RDF files and folders (none: the project's data).
        lang: the language of the messages.
        extra_shapes: more SHACL files to validate with, besides ``shapes/``.
        raise_errors: raise the loader's DataError instead of returning its problems.

    Returns:
        the problems; the SHACL report (None when the files could not be loaded); the data graph.
    """
    from .pipeline import check_paths
    from .rdfio import read_rdf_files
    from .validate import load_shapes

    try:
        shapes = load_shapes(root, iris)
        if extra_shapes:
            shapes += read_rdf_files(extra_shapes)  # an observatory's own shapes, beside ours
        report, graph = check_paths(root, iris, paths, shapes)
    except DataError as exc:
        if raise_errors:
            raise
        return from_error(exc, lang), None, Graph()
    return from_report(report, shapes, graph, lang), report, graph


def validate_command(
    settings: Settings, paths: list[Path], lang: str, fmt: str, extra_shapes: list[Path]
) -> tuple[str, str, int]:
    """Run ``lima-lod validate``: return what to print, what to print on stderr, the status.

    Loader errors exit 2 (the files could not be read into data), violations 3, else 0.
    """
    try:
        problems, report, graph = check(
            settings.root, settings.iris, paths, lang, extra_shapes, raise_errors=True
        )
    except DataError as exc:  # the files could not be read into data: the to-do list is theirs
        return write(from_error(exc, lang), fmt, lang), f"error: {exc}", exc.exit_code
    assert report is not None
    status = 0 if report.conforms else 3
    if fmt != "text":
        return write(problems, fmt, lang), "", status
    # The report's own text (grouped by severity, with focus node and path) after the summary.
    first, _, rest = report.text(graph, lang).partition("\n")
    words = LABELS.get(lang, LABELS["en"])
    counts = [f"  {n:4d}  {words.get(s, s)}: {t}" for s, t, n in summary(problems, lang)]
    head = [first, f"{words['summary']}:", *counts] if counts else [first]
    return "\n".join([*head, rest]).rstrip(), "", status
