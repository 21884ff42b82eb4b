"""The stages wired together: load -> build -> validate (-> release). The CLI and tests call these.

Nothing here is written to disk unless validation passed: a failed build leaves the previous
release untouched.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from .build import build
from .errors import DataError, Location, ValidationFailed
from .graphs import Built
from .iris import Iris
from .load import data_files, load_corpus
from .rdfio import read_rdf_files, union
from .validate import Report, load_shapes, validate

YAML_SUFFIXES = (".yaml", ".yml", ".csv", ".xlsx")  # data files (ratings sheets too), not RDF


@dataclass
class Checked:
    """A built dataset, the shapes it was validated with, and its validation report."""

    built: Built
    shapes: Graph
    report: Report


def build_checked(root: Path, iris: Iris, *, strict: bool = True) -> Checked:
    """Load, build and validate the project's data.

    Args:
        root: the project root (``data/``, ``ontology/``, ``shapes/``).
        iris: the IRI minter of the deployment.
        strict: raise :class:`ValidationFailed` when there is a violation.
    """
    built = build(root, iris)
    shapes = load_shapes(root, iris)
    report = validate(built.dataset, shapes, built.locations)
    if strict and not report.conforms:
        raise ValidationFailed(report.text(built.dataset))
    return Checked(built, shapes, report)


def reference_files(root: Path) -> list[Path]:
    """The project's shared data (agreement, methodology, countries, organisations, sources):
    every data file outside ``data/reports/``, which other observatories' reports build on."""
    reports = (root / "data" / "reports").resolve()
    return [p for p in data_files(root / "data") if not p.resolve().is_relative_to(reports)]


def check_paths(
    root: Path, iris: Iris, paths: list[Path], shapes: Graph | None = None
) -> tuple[Report, Graph]:
    """Validate our data (no paths), or other YAML / RDF files, against the shapes.

    YAML files are read together with the project's shared reference data; RDF files are
    validated together with the vocabulary and code lists, so that classes and codes resolve.
    """
    shapes = shapes if shapes is not None else load_shapes(root, iris)
    if not paths:
        built = build(root, iris)
        return validate(built.dataset, shapes, built.locations), built.dataset
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise DataError(
            Location(str(missing[0])), "(path)", str(missing[0]), "an existing file or folder"
        )
    yaml_paths = [p for p in paths if p.is_dir() or p.suffix.lower() in YAML_SUFFIXES]
    rdf_paths = [p for p in paths if p not in yaml_paths]
    if yaml_paths:
        corpus = load_corpus([*yaml_paths, *reference_files(root)], shown_from=Path.cwd())
        built = build(root, iris, corpus=corpus)
        data, locations = union(built.dataset), built.locations
    else:
        data, locations = Graph(), {}
    if rdf_paths:
        data += read_rdf_files(rdf_paths)
        reference = build(root, iris, corpus=load_corpus(reference_files(root)))
        for name in ("vocabulary", "code-lists", "organizations"):
            data += reference.graph(name)
    report = validate(data, shapes, locations)
    return report, data
