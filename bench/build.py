"""Time the whole build of a release: load + build + validate + every file of the release.

    python bench/build.py [--root .] [--runs 3]

Prints the time of each stage (best of the runs) and, as a reference side by side, what plain
rdflib takes to parse the release's N-Quads dump and serialise it into the same RDF formats.
Releases are written into a temporary folder, never into the project's dist/.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class Timer:
    """Keeps the times of each stage over the runs."""

    def __init__(self) -> None:
        self.times: dict[str, list[float]] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        yield
        self.times.setdefault(name, []).append(time.perf_counter() - start)

    def best(self, name: str) -> float:
        return min(self.times[name])


def reference(nquads: Path) -> None:
    """Plain rdflib: parse the N-Quads dump, serialise it into the release's RDF formats."""
    from rdflib import Dataset, Graph

    from lima_lod.dumps import DUMP_FORMATS
    from lima_lod.formats import BY_NAME, Family

    dataset = Dataset()
    dataset.parse(nquads, format="nquads")
    union = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        union.add((s, p, o))
    for name in DUMP_FORMATS:
        fmt = BY_NAME[name]
        (dataset if fmt.family is Family.DATASET else union).serialize(
            format=fmt.rdflib, encoding="utf-8"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    from lima_lod.build import build
    from lima_lod.iris import Iris
    from lima_lod.release import write_release
    from lima_lod.settings import load_settings
    from lima_lod.validate import load_shapes, validate

    timer = Timer()
    base = Path(tempfile.mkdtemp(prefix="lima-lod-bench-"))
    reference_name = "reference: rdflib parse .nq + serialise 6 formats"
    try:
        for run in range(args.runs):
            settings = load_settings(
                {"root": str(args.root), "dist": str(base / f"dist{run}")}, environ={}
            )
            iris = Iris(settings.base)
            with timer.stage("whole build"):
                with timer.stage("load + build"):
                    built = build(args.root, iris)
                with timer.stage("read shapes"):
                    shapes = load_shapes(args.root, iris)
                with timer.stage("validate (SHACL)"):
                    report = validate(built.dataset, shapes, built.locations)
                if not report.conforms:
                    raise SystemExit(
                        "the data does not conform; fix it before benchmarking:\n" + report.text()
                    )
                with timer.stage("write release (every file)"):
                    folder = write_release(built, report, settings, force=True, shapes=shapes)
            with timer.stage(reference_name):
                reference(folder / "lima-lod.nq")
        quads = len((folder / "lima-lod.nq").read_bytes().splitlines())
    finally:
        shutil.rmtree(base, ignore_errors=True)

    whole, reference_time = timer.best("whole build"), timer.best(reference_name)
    print(f"lima-lod build of {args.root} ({quads} quads), best of {args.runs} run(s):")
    for stage in timer.times:
        print(f"  {stage:<52} {timer.best(stage):7.2f} s")
    print(
        f"whole build: {whole:.2f} s = {whole / reference_time:.1f} x the plain rdflib "
        f"parse + serialise reference ({reference_time:.2f} s)"
    )
    rest = whole - timer.best("validate (SHACL)")
    print(
        f"without the SHACL validation: {rest:.2f} s = {rest / reference_time:.1f} x the reference"
    )


if __name__ == "__main__":
    main()
