"""Search by label, acronym, notation or text, case- and accent-insensitive, ranked.

It searches the label index (``lookup.Index``), which is read from the store with SPARQL once per
app, so it works over the embedded release and a remote endpoint alike. Ranking: an exact name
(or acronym, or notation) first, then names starting with the words, then names containing them,
then texts containing them; ties by name.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from .lookup import NAMING, Index

KindName = Callable[[str], str]
MAX_HITS = 50
#: Which type names a hit's kind, most specific first (namespaces by preference).
KIND_ORDER = (
    "def/cfu#",
    "http://www.w3.org/ns/org#",
    "http://xmlns.com/foaf/0.1/",
    "http://purl.org/linked-data/cube#",
    "http://www.w3.org/2004/02/skos/core#",
)
SHORT = ("skos/core#altLabel", "skos/core#notation", "cfu#acronym")


def fold(text: str) -> str:
    """Lower case without accents: ``Anticorrupción`` and ``ANTICORRUPCION`` fold alike."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


@dataclass(frozen=True)
class Hit:
    """One resource found: its name, its kind, what matched and how well."""

    iri: str
    label: str
    lang: str
    kind: str
    kind_iri: str
    matched: str
    rank: int


def kind_of(types: list[str]) -> str:
    """The most telling type of a resource (a cfu class before org, foaf, qb, skos)."""
    for namespace in KIND_ORDER:
        for t in sorted(types):
            if namespace in t:
                return t
    return min(types) if types else ""


def _rank(prop: str, folded: str, wanted: str) -> int | None:
    naming = prop in NAMING or prop.endswith(SHORT)
    if naming and folded == wanted:
        return 0
    if naming and folded.startswith(wanted):
        return 1
    if naming and wanted in folded:
        return 2
    if wanted in folded:
        return 3
    return None


def search(index: Index, text: str, lang: str, kind_name: KindName) -> list[Hit]:
    """The resources whose names or texts contain every word of ``text``, best first."""
    wanted = fold(text)
    if not wanted:
        return []
    best: dict[str, tuple[int, str]] = {}
    for iri, values in index.names.items():
        for prop, value, _tag in values:
            rank = _rank(prop, fold(value), wanted)
            if rank is None:
                words = wanted.split()
                if len(words) > 1 and all(w in fold(value) for w in words):
                    rank = 4
            if rank is not None and (iri not in best or rank < best[iri][0]):
                best[iri] = (rank, value)
    hits = []
    for iri, (rank, matched) in best.items():
        label = index.label(iri, lang) or (iri, "")
        kind = kind_of(index.types.get(iri, []))
        hits.append(
            Hit(
                iri,
                label[0],
                label[1],
                kind_name(kind) if kind else "",
                kind,
                matched if len(matched) < 200 else matched[:197] + "…",
                rank,
            )
        )
    hits.sort(key=lambda h: (h.rank, fold(h.label), h.iri))
    return hits[:MAX_HITS]
