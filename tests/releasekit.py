"""One release of the project's data, built and validated once per test run, shared by the release
tests (test_release, test_dumps, test_csvw, test_catalog, test_docs_html,
test_independent_parsers): building and validating take most of their time.

Also: a stand-in validation report for tests of the release mechanics, which need no SHACL run.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, Dataset, Graph, Literal
from rdflib.namespace import XSD

from lima_lod.graphs import Built
from lima_lod.iris import SH, Iris
from lima_lod.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parent.parent
PUBLIC = "https://lima-lod.example.org"


@dataclass
class Released:
    """A release written by :func:`lima_lod.release.write_release` into a temporary dist/."""

    folder: Path
    dist: Path
    settings: Settings
    built: Built
    report: object
    shapes: Graph


@dataclass
class StandIn:
    """A validation report without a SHACL run: conforms or not, as told."""

    conforms: bool = True
    graph: Graph = field(default_factory=Graph)
    results: list[object] = field(default_factory=list)

    def __post_init__(self) -> None:
        node = SH["report"]
        self.graph.add((node, RDF.type, SH.ValidationReport))
        self.graph.add((node, SH.conforms, Literal(self.conforms, datatype=XSD.boolean)))

    def text(self) -> str:
        return "Conforms" if self.conforms else "Does not conform: 1 violation(s) (stand-in)"


def settings_for(dist: Path, root: Path = ROOT, **overrides: object) -> Settings:
    """Settings of a test release: the project root, a temporary dist, a public URL."""
    return load_settings(
        {"root": str(root), "dist": str(dist), "public_url": PUBLIC, **overrides}, environ={}
    )


_cache: dict[str, Released] = {}


def release() -> Released:
    """Build, validate and release the project's data once; later calls get the same release."""
    if "release" not in _cache:
        from lima_lod.build import build
        from lima_lod.release import write_release
        from lima_lod.validate import load_shapes, validate

        base = Path(tempfile.mkdtemp(prefix="lima-lod-release-"))
        atexit.register(shutil.rmtree, base, True)
        iris = Iris()
        built = build(ROOT, iris)
        shapes = load_shapes(ROOT, iris)
        report = validate(built.dataset, shapes, built.locations)
        if not report.conforms:
            raise AssertionError(
                "the project's data does not conform to its shapes, so no "
                "release can be written:\n" + report.text()
            )
        settings = settings_for(base / "dist")
        folder = write_release(built, report, settings, shapes=shapes)
        _cache["release"] = Released(folder, base / "dist", settings, built, report, shapes)
    return _cache["release"]


def quads(folder: Path, name: str = "lima-lod.nq") -> Dataset:
    """Parse a quad dump of a release."""
    dataset = Dataset()
    dataset.parse(folder / name, format="nquads" if name.endswith(".nq") else "trig")
    return dataset
