"""Read RDF files, merge graphs, and bind our prefixes: the low-level RDF plumbing of every stage.

Imports only the format table, the IRIs and the errors, so that any stage (build, validate,
release, web) can read a ``.ttl`` file without importing another stage. Prefixes are bound here
and nowhere else: :func:`bind` (our prefixes into any graph), :func:`new_graph`,
:func:`new_dataset`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from rdflib import Dataset, Graph
from rdflib.namespace import DC, OWL, RDF, RDFS, XSD

from .errors import DataError, Location
from .formats import by_suffix
from .iris import Iris

#: Prefixes bound beside the deployment's own (:meth:`Iris.prefixes`).
CORE_PREFIXES = {"rdf": RDF, "rdfs": RDFS, "owl": OWL, "xsd": XSD, "dc": DC}


def prefixes(iris: Iris) -> dict[str, str]:
    """Every prefix we bind: the core ones and the deployment's own."""
    return {**{k: str(v) for k, v in CORE_PREFIXES.items()}, **iris.prefixes()}


def bind(graph: Graph, iris: Iris, extra: Mapping[str, str] | None = None) -> Graph:
    """Bind our prefixes (and ``extra`` ones) in a graph or dataset; return it."""
    for prefix, namespace in {**prefixes(iris), **(extra or {})}.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def new_graph(iris: Iris) -> Graph:
    """An empty graph with our prefixes bound (and none of rdflib's defaults)."""
    return bind(Graph(bind_namespaces="none"), iris)


def new_dataset(iris: Iris) -> Dataset:
    """An empty dataset with our prefixes bound."""
    dataset = Dataset()
    bind(dataset, iris)
    return dataset


def copy_prefixes(source: Graph, target: Graph) -> Graph:
    """Bind in ``target`` the prefixes bound in ``source``; return ``target``."""
    for prefix, namespace in source.namespaces():
        target.bind(prefix, namespace)
    return target


def union(data: Graph | Dataset, into: Graph | None = None) -> Graph:
    """Every triple of a graph, or of every graph of a dataset, once, in one graph.

    Args:
        data: a graph, or a dataset whose graphs are merged.
        into: the graph to add to; by default a new graph with the prefixes of ``data``.
    """
    out = copy_prefixes(data, Graph()) if into is None else into
    if isinstance(data, Dataset):
        for s, p, o, _ in data.quads((None, None, None, None)):
            out.add((s, p, o))
    else:
        out += data
    return out


def read_rdf_folder(folder: Path, iris: Iris, into: Graph) -> None:
    """Parse every Turtle file of a folder into a graph, rebased to the deployment's base."""
    for path in sorted(folder.glob("*.ttl")):
        try:
            into.parse(
                data=iris.rebase_text(path.read_text(encoding="utf-8")),
                format="turtle",
                publicID=iris.base,
            )
        except Exception as exc:
            raise DataError(
                Location(str(path)),
                "(turtle)",
                str(exc).splitlines()[0][:200],
                "well-formed Turtle",
            ) from None


def read_rdf_files(paths: Iterable[Path]) -> Graph:
    """Parse RDF files of any format in the format table into one graph."""
    graph = Graph()
    for path in paths:
        fmt = by_suffix(path.name)
        if fmt is None or fmt.rdflib is None:
            raise DataError(
                Location(str(path)),
                "(file)",
                path.suffix,
                "a YAML file or an RDF file (.ttl, .nt, .nq, .trig, .rdf, .jsonld)",
            )
        try:
            if fmt.quads:
                ds = Dataset()
                ds.parse(path, format=fmt.rdflib)
                graph += union(ds)
            else:
                graph.parse(path, format=fmt.rdflib)
        except Exception as exc:
            raise DataError(
                Location(str(path)),
                f"({fmt.label})",
                str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__,
                f"well-formed {fmt.label}",
            ) from None
    return graph
