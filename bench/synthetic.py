"""Scale a release up to about N triples, for the benchmark only (written to a temp dir).

Copy k of the data renames every minted resource (``<base>id/...``) and blank node with a
``-c<k>`` suffix, so the copies are distinct resources with the same shape; the vocabulary, the
code lists' outside terms and the graph names stay shared. Never published.

    python bench/synthetic.py RELEASE_DIR OUT_DIST --triples 1000000
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import pyoxigraph as ox

ID_MARK = "/id/"


def _rename(
    term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple, suffix: str, base: str
) -> ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple:
    if isinstance(term, ox.NamedNode) and term.value.startswith(base):
        return ox.NamedNode(term.value + suffix)
    if isinstance(term, ox.BlankNode):
        return ox.BlankNode(term.value + suffix.replace("-", "x"))
    return term


def scale(release: Path, out: Path, triples: int) -> Path:
    """Write ``out/releases/synthetic/`` with about ``triples`` quads and point ``latest`` at it."""
    quads = list(ox.parse(path=str(release / "lima-lod.nq"), format=ox.RdfFormat.N_QUADS))
    bases = {
        q.subject.value.split(ID_MARK)[0] + ID_MARK
        for q in quads
        if isinstance(q.subject, ox.NamedNode) and ID_MARK in q.subject.value
    }
    base = min(bases, key=len)  # the deployment's resource prefix
    copies = max(1, -(-triples // len(quads)))
    folder = out / "releases" / "synthetic"
    shutil.rmtree(out, ignore_errors=True)
    folder.mkdir(parents=True)

    def generate() -> object:
        for copy in range(copies):
            suffix = f"-c{copy}" if copy else ""
            for quad in quads:
                if not suffix:
                    yield quad
                    continue
                yield ox.Quad(
                    _rename(quad.subject, suffix, base),  # type: ignore[arg-type]
                    quad.predicate,
                    _rename(quad.object, suffix, base),
                    quad.graph_name,
                )

    with (folder / "lima-lod.nq").open("wb") as sink:
        ox.serialize(generate(), sink, format=ox.RdfFormat.N_QUADS)  # type: ignore[arg-type]
    meta = json.loads((release / "release.json").read_text())
    (folder / "release.json").write_text(
        json.dumps({"version": f"{meta['version']}-synthetic-x{copies}", "built": meta["built"]})
    )
    (out / "latest").symlink_to("releases/synthetic")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("release", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--triples", type=int, default=1_000_000)
    args = parser.parse_args()
    print(scale(args.release, args.out, args.triples))


if __name__ == "__main__":
    main()
