"""Content negotiation: which row of the format table answers a request, as data.

Every route picks its format with :func:`pick` from a tuple of candidates (data, not branches):
the ``Accept`` header chooses among them (q-values, wildcards, ``q=0`` exclusions, the most
specific range wins), a ``format`` parameter overrides it, and nothing acceptable is a 406 that
lists what is available. The first candidate is the default for a request without ``Accept``.
For a query, its kind decides the candidates (results for SELECT/ASK, RDF for
CONSTRUCT/DESCRIBE): :func:`choose` picks one per kind before the kind is known.

A ``format`` (or ``output``) value is a row's name, one of its common ``names`` (``json-ld``,
``n3``, ``rdf``, ``ttl``...) or a media type, or a comma-separated list of those (SPARQLWrapper
sends its short name and then its Accept list; the first item a candidate fits wins). Since
clients send one value for every query form, :func:`choose` decides each kind of answer apart:
where no item of a value that names some known format fits a kind (``format=json-ld`` for a
SELECT), that kind falls back to ``Accept``, as if no value were given; a value that names no
format at all (a typo) is a 406, whatever ``Accept`` says. An empty value is no value. N3 is
answered with Turtle (a subset of N3). :func:`pick` (one resource, one kind) does not fall back:
a value no candidate fits is a 406.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import NotAcceptable
from ..formats import BY_NAME, Format
from ..results import Choice, Kind

#: What can carry each kind of answer, in the server's order of preference.
CANDIDATES: dict[Kind, tuple[Format, ...]] = {
    Kind.SOLUTIONS: tuple(BY_NAME[n] for n in ("json", "xml", "csv", "tsv", "html")),
    Kind.BOOLEAN: tuple(BY_NAME[n] for n in ("json", "xml", "csv", "tsv", "html")),
    Kind.GRAPH: tuple(
        BY_NAME[n] for n in ("turtle", "ntriples", "rdfxml", "jsonld", "trig", "nquads", "html")
    ),
}

#: What can carry the service description (GET without a query).
DESCRIPTION: tuple[Format, ...] = tuple(
    BY_NAME[n] for n in ("turtle", "jsonld", "rdfxml", "ntriples", "trig", "nquads", "html")
)

#: What the store writes when a person's browser gets an HTML page: data the page can read.
PAGE_SOURCE = {Kind.SOLUTIONS: "json", Kind.BOOLEAN: "json", Kind.GRAPH: "ntriples"}


@dataclass(frozen=True)
class MediaRange:
    """One element of an Accept header."""

    type: str
    subtype: str
    q: float

    def specificity(self, media_type: str) -> int:
        """How closely this range names a media type: 2 exact, 1 ``type/*``, 0 ``*/*``, -1 no."""
        main, _, sub = media_type.partition("/")
        if self.type == "*":
            return 0 if self.subtype == "*" else -1
        if self.type != main:
            return -1
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == sub else -1


def parse_accept(header: str) -> list[MediaRange]:
    """Parse an Accept header; malformed elements are skipped, a bad q counts as 1."""
    ranges = []
    for element in header.split(","):
        media, *params = (part.strip() for part in element.split(";"))
        main, slash, sub = media.lower().partition("/")
        if not slash or not main or not sub:
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = 1.0
                q = min(max(q, 0.0), 1.0) if math.isfinite(q) else 1.0  # NaN, inf: malformed
                break  # parameters after q are accept-extensions, not part of the range
        ranges.append(MediaRange(main, sub, q))
    return ranges


def quality(fmt: Format, ranges: Sequence[MediaRange]) -> float:
    """The q a format gets: that of the most specific range naming one of its media types."""
    best_specificity, best_q = -1, 0.0
    for media_type in (fmt.media_type, *fmt.aliases):
        for media_range in ranges:
            specificity = media_range.specificity(media_type)
            if specificity > best_specificity or (
                specificity == best_specificity and media_range.q > best_q
            ):
                best_specificity, best_q = specificity, media_range.q
    return best_q if best_specificity >= 0 else 0.0


def negotiate(accept: str | None, candidates: Sequence[Format]) -> Format | None:
    """The acceptable candidate with the highest q (ties: the server's order); None: 406."""
    ranges = parse_accept(accept) if accept else []
    if not ranges:
        return candidates[0]
    best: Format | None = None
    best_q = 0.0
    for fmt in candidates:
        q = quality(fmt, ranges)
        if q > best_q:
            best, best_q = fmt, q
    return best


def items(value: str | None) -> list[str]:
    """The items of a ``format`` value, lower-case, in the client's order (empty ones dropped)."""
    return [item for item in (part.strip().lower() for part in (value or "").split(",")) if item]


def override(value: str, candidates: Sequence[Format]) -> Format | None:
    """The candidate a ``format`` value names first (a name or media type, or a list), if any."""
    for item in items(value):
        for fmt in candidates:
            if fmt.named(item):
                return fmt
    return None


def pick(
    accept: str | None, format_param: str | None, candidates: Sequence[Format], what: str = ""
) -> Format:
    """The format a request gets, of the candidates: the one the ``format`` parameter names, else
    the one ``Accept`` prefers; NotAcceptable (406) listing what is available if none fits.

    Args:
        accept: the request's ``Accept`` header, if any.
        format_param: the request's ``format`` parameter, if any (a row name or a media type).
        candidates: what the resource can be had in, the default first.
        what: the resource, named in the 406 message.
    """
    given = bool(items(format_param))
    fmt = override(format_param or "", candidates) if given else negotiate(accept, candidates)
    if fmt is None:
        listed = ", ".join(f.media_type for f in candidates)
        raise NotAcceptable(
            f"{what} is available as {listed}" if what else f"available as {listed}"
        )
    return fmt


def wants_html(accept: str | None) -> bool:
    """Say whether a person's browser asked: its Accept puts HTML first (no Accept: a client)."""
    if not accept:
        return False
    try:
        return pick(accept, None, DESCRIPTION).name == "html"
    except NotAcceptable:
        return False


def choose(accept: str | None, format_param: str | None) -> dict[Kind, Format | None]:
    """The format each kind of answer would be written in; NotAcceptable if none can be."""
    return dict(_chosen(accept, format_param))


@functools.lru_cache(maxsize=256)  # clients send a few Accept headers, again and again
def _chosen(accept: str | None, format_param: str | None) -> tuple[tuple[Kind, Format | None], ...]:
    chosen: dict[Kind, Format | None] = {
        kind: override(format_param or "", formats) for kind, formats in CANDIDATES.items()
    }
    # A known format for one kind says nothing of the others: they follow Accept (see above).
    if any(chosen.values()) or not items(format_param):
        for kind, formats in CANDIDATES.items():
            chosen[kind] = chosen[kind] or negotiate(accept, formats)
    if not any(chosen.values()):
        wanted = f"format={format_param!r}" if format_param else f"Accept: {accept}"
        raise NotAcceptable(
            f"no SPARQL result format matches {wanted}; available: "
            + ", ".join(sorted({f.media_type for fs in CANDIDATES.values() for f in fs}))
        )
    return tuple(chosen.items())


def store_choice(chosen: dict[Kind, Format | None]) -> Choice:
    """What the store should write: the chosen formats, with pages written as data first."""
    names = {
        kind: (
            PAGE_SOURCE[kind]
            if fmt is not None and fmt.name == "html"
            else fmt.name
            if fmt is not None
            else None
        )
        for kind, fmt in chosen.items()
    }
    return Choice(names[Kind.SOLUTIONS], names[Kind.BOOLEAN], names[Kind.GRAPH])


def description_format(accept: str | None, format_param: str | None) -> Format:
    """The format of the service description; NotAcceptable if none fits."""
    return pick(accept, format_param, DESCRIPTION, "the service description")
