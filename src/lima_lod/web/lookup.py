"""What pages read from the store: SPARQL SELECTs through the worker runner, and the label index.

Pages ask the store only with SPARQL, through the same runner (deadline, result cap) as the
public endpoint, so they work over the embedded release and over a remote engine alike. The
labels, names, acronyms and notations of every resource, and the type of each, are read once
per app with two queries: they name every link on every page and feed the search.
"""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from functools import partial

import anyio.from_thread

from ..iris import Iris
from ..results import Choice
from ..settings import Settings
from ..store import Job
from .i18n import pick
from .workers import Runner

RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS_CORE = "http://www.w3.org/2004/02/skos/core#"
#: Properties that name a resource, best first (the label of a page and of every link to it).
NAMING = (
    RDFS_LABEL,
    SKOS_CORE + "prefLabel",
    "http://xmlns.com/foaf/0.1/name",
    "http://purl.org/dc/terms/title",
)
#: Further properties search looks in, besides the naming ones.
ALSO_SEARCHED = (SKOS_CORE + "altLabel", SKOS_CORE + "notation", "{vocab}acronym")
#: Long texts search looks in (matched, never shown as names).
TEXTS = (
    "{vocab}text",
    SKOS_CORE + "definition",
    "http://purl.org/dc/terms/description",
    "{vocab}summary",
    "{vocab}quote",
    "http://purl.org/dc/terms/bibliographicCitation",
)


@dataclass(frozen=True)
class Term:
    """One value of a SPARQL solution: an IRI, or a literal with its language tag."""

    value: str
    lang: str = ""
    iri: bool = False
    datatype: str = ""


Row = dict[str, Term]


def _term(binding: dict[str, str]) -> Term:
    return Term(
        binding["value"],
        binding.get("xml:lang", ""),
        binding.get("type") == "uri",
        binding.get("datatype", ""),
    )


@dataclass
class Index:
    """Every naming value and type of every resource, read once from the store."""

    names: dict[str, list[tuple[str, str, str]]] = field(
        default_factory=dict
    )  # iri: (p, text, lang)
    types: dict[str, list[str]] = field(default_factory=dict)

    def label(self, iri: str, lang: str) -> tuple[str, str] | None:
        """The best name of a resource for a reader of ``lang``: the fallback chain, by property."""
        values = self.names.get(iri, [])
        for prop in NAMING:
            found = pick(((t, tag) for p, t, tag in values if p == prop), lang)
            if found:
                return found
        return None


class Lookup:
    """Runs the pages' SELECT queries and holds the label index of one app."""

    def __init__(self, settings: Settings, runner: Runner) -> None:
        self.settings = settings
        self.runner = runner
        self.iris: Iris = settings.iris
        self.vocab = str(self.iris.vocab)
        self._index: Index | None = None
        self._lock = threading.Lock()

    def select(self, query: str) -> list[Row]:
        """Run a SELECT (blocking: call from a worker thread); solutions as rows of terms."""
        deadline = time.monotonic() + self.settings.query_timeout
        job = Job(query, Choice("json", "json", None), self.settings.max_results)
        # The runner waits on the event loop; a page builder runs in a worker thread of it.
        lease = anyio.from_thread.run(partial(self.runner.run, job, deadline, page=True))
        lease.release()  # parsed at once: the answer budget is for answers in flight
        doc = json.loads(lease.answer.body)
        return [{k: _term(v) for k, v in b.items()} for b in doc["results"]["bindings"]]

    def searched(self) -> tuple[str, ...]:
        """Every property the index holds: the naming ones, then the other searched ones."""
        return tuple(p.format(vocab=self.vocab) for p in (*NAMING, *ALSO_SEARCHED, *TEXTS))

    def index(self) -> Index:
        """The label index, read with two queries the first time it is needed."""
        with self._lock:
            if self._index is None:
                props = " ".join(f"<{p}>" for p in self.searched())
                names: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
                for row in self.select(
                    f"SELECT ?s ?p ?o WHERE {{ VALUES ?p {{ {props} }} "
                    "?s ?p ?o FILTER (isIRI(?s) && isLiteral(?o)) }"
                ):
                    names[row["s"].value].append((row["p"].value, row["o"].value, row["o"].lang))
                types: dict[str, list[str]] = defaultdict(list)
                for row in self.select("SELECT DISTINCT ?s ?t WHERE { ?s a ?t FILTER isIRI(?s) }"):
                    types[row["s"].value].append(row["t"].value)
                self._index = Index(dict(names), dict(types))
            return self._index
