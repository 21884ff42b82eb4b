"""Reading RDF files and merging graphs sit below every stage; prefixes are bound in one place."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef

from lima_lod import rdfio
from lima_lod.errors import DataError
from lima_lod.iris import Iris

SRC = Path(__file__).resolve().parents[1] / "src" / "lima_lod"


def test_validate_imports_nothing_of_the_builder() -> None:
    code = (
        "import sys, lima_lod.validate; "
        "print(sorted(m for m in ('lima_lod.build', 'lima_lod.build_report', 'lima_lod.load')"
        " if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def _binds_outside_rdfio() -> list[str]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if path == SRC / "rdfio.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "bind"
                and not (isinstance(node.func.value, ast.Name) and node.func.value.id == "sock")
            ):
                found.append(f"{path.relative_to(SRC)}:{node.lineno}")
    return found


def test_prefixes_are_bound_in_rdfio_only() -> None:
    assert _binds_outside_rdfio() == []


def test_new_graph_binds_ours_and_nothing_else() -> None:
    iris = Iris("https://example.org/")
    bound = dict(rdfio.new_graph(iris).namespaces())
    assert {p: str(n) for p, n in bound.items()} == rdfio.prefixes(iris)
    assert rdfio.prefixes(iris)["cfu"] == "https://example.org/def/cfu#"


def test_union_merges_every_graph_once() -> None:
    dataset = Dataset()
    triple = (URIRef("http://a"), URIRef("http://b"), Literal(1))
    dataset.graph(URIRef("http://g1")).add(triple)
    dataset.graph(URIRef("http://g2")).add(triple)
    dataset.graph(URIRef("http://g2")).add((URIRef("http://a"), URIRef("http://c"), Literal(2)))
    assert len(rdfio.union(dataset)) == 2
    into = Graph()
    assert rdfio.union(dataset, into) is into and len(into) == 2


def test_read_rdf_files_and_folders_say_where_bad_data_is(tmp_path: Path) -> None:
    good = tmp_path / "good.nq"
    good.write_text('<http://a> <http://b> "x" <http://g> .\n', encoding="utf-8")
    assert len(rdfio.read_rdf_files([good])) == 1
    bad = tmp_path / "bad.ttl"
    bad.write_text("<http://a> <http://b> .\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"bad\.ttl"):
        rdfio.read_rdf_files([bad])
    with pytest.raises(DataError, match="well-formed Turtle"):
        rdfio.read_rdf_folder(tmp_path, Iris(), Graph())
