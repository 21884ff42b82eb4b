"""Serialise the built dataset into every RDF format of the format table: the release's dumps.

Publishing stage (after validation). Triple formats (Turtle, N-Triples plain and gzipped, JSON-LD,
RDF/XML) hold the union of the named graphs; quad formats (TriG, N-Quads) keep each named graph.
Every dump holds the same triples. JSON-LD embeds its context: consumers may be offline, and a
remote context is a known attack path. N-Triples and N-Quads lines are sorted and gzip carries no
timestamp, so the same data gives the same bytes.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rdflib import Dataset, Graph, Literal

from .files import write_file
from .formats import BY_NAME, Family, Format
from .iris import Iris
from .layout import dump_file
from .rdfio import new_graph, prefixes, union

#: Formats of the whole dataset: the union graph in triple formats, named graphs in quad formats.
DUMP_FORMATS = ("turtle", "ntriples", "jsonld", "rdfxml", "trig", "nquads")
#: Dumps also shipped gzipped.
GZIPPED = ("ntriples",)
#: Formats the vocabulary and the shapes are shipped in.
TERM_FORMATS = ("turtle", "ntriples", "jsonld", "rdfxml")


def union_graph(dataset: Dataset, iris: Iris) -> Graph:
    """Every triple of every graph of a dataset, once, in one graph."""
    return union(dataset, new_graph(iris))


def jsonld_context(graph: Graph, iris: Iris) -> dict[str, str]:
    """The embedded JSON-LD context: our prefixes (only those the graph's IRIs use)."""
    used = {str(term) for triple in graph for term in triple}
    # a literal's datatype IRI counts as used as well
    used |= {str(o.datatype) for o in graph.objects() if isinstance(o, Literal) and o.datatype}
    return {
        prefix: ns
        for prefix, ns in sorted(prefixes(iris).items())
        if any(term.startswith(ns) for term in used)
    }


def serialise(
    data: Graph, fmt: Format, iris: Iris, context: Mapping[str, Any] | None = None
) -> bytes:
    """Serialise a graph (or, for quad formats, a dataset) in one format of the table; JSON-LD
    is compacted with ``context`` (the vocabulary's, :mod:`lima_lod.context`) when given, else
    with our prefixes."""
    if fmt.rdflib is None:
        raise ValueError(f"{fmt.label} is not an RDF format")
    if fmt.name == "jsonld":
        out = data.serialize(
            format="json-ld",
            context=dict(context or jsonld_context(data, iris)),
            indent=1,
            sort_keys=True,
            auto_compact=True,
        )
        return _check_json(out).encode("utf-8")
    if fmt.name in ("ntriples", "nquads"):
        lines = data.serialize(format=fmt.rdflib, encoding="utf-8").splitlines(keepends=True)
        return b"".join(sorted(line for line in lines if line.strip()))
    return data.serialize(format=fmt.rdflib, encoding="utf-8")


def _check_json(text: str) -> str:
    """Refuse JSON-LD whose context is not embedded (a string or list names a remote one)."""
    doc = json.loads(text)
    context = doc.get("@context") if isinstance(doc, dict) else None
    if context is not None and not isinstance(context, dict):
        raise ValueError("the JSON-LD context must be embedded, not remote")
    return text


def gzipped(data: bytes) -> bytes:
    """Gzip without a timestamp, so the same data gives the same bytes."""
    return gzip.compress(data, compresslevel=9, mtime=0)


def dump_names() -> list[str]:
    """The file names of the dumps, in table order."""
    names = []
    for name in DUMP_FORMATS:
        names.append(dump_file(BY_NAME[name]))
        if name in GZIPPED:
            names.append(dump_file(BY_NAME[name], BY_NAME["gzip"]))
    return names


def write_dumps(
    folder: Path,
    dataset: Dataset,
    iris: Iris,
    union: Graph | None = None,
    context: Mapping[str, Any] | None = None,
) -> list[str]:
    """Write the whole dataset in every dump format; return the names written.

    Args:
        folder: the release folder being built.
        dataset: every named graph of the release (data and metadata).
        iris: the IRI minter of the deployment (for prefixes and the context).
        union: the union of the dataset's graphs, when the caller has it already.
        context: the JSON-LD context the JSON-LD dump is compacted with (embedded in it).
    """
    union = union_graph(dataset, iris) if union is None else union
    written = []
    for name in DUMP_FORMATS:
        fmt = BY_NAME[name]
        data = serialise(dataset if fmt.family is Family.DATASET else union, fmt, iris, context)
        path = dump_file(fmt)
        write_file(folder / path, data)
        written.append(path)
        if name in GZIPPED:
            packed = dump_file(fmt, BY_NAME["gzip"])
            write_file(folder / packed, gzipped(data))
            written.append(packed)
    return written


def write_graph(
    folder: Path, stem: str, graph: Graph, iris: Iris, formats: tuple[str, ...] = TERM_FORMATS
) -> list[str]:
    """Write one graph (the vocabulary, the shapes) in several formats; return the names."""
    copy = new_graph(iris)  # our prefixes only: the same in every file of a release
    copy += graph
    written = []
    for name in formats:
        path = stem + BY_NAME[name].suffix
        write_file(folder / path, serialise(copy, BY_NAME[name], iris))
        written.append(path)
    return written
