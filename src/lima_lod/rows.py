"""Count and cut the rows of SPARQL results as pyoxigraph's own serialisers write them.

pyoxigraph writes a whole result, fast, but cannot stop after N rows. :func:`serialize` gives it
a file that counts the rows written so far and stops the serialiser once more than the cap are
in; the rows past the cap are then cut off and the document closed again. Rows are counted on
the bytes, with ``bytes.count`` where a row's marker cannot occur inside a value, else with a
scan that skips quoted values:

- XML: ``<result>`` opens each row; a ``<`` in a value is written ``&lt;``.
- TSV: one line a row; values escape newlines and tabs (N-Triples syntax).
- CSV: a row ends with CRLF; a quoted value may hold one, so quoted values are skipped when
  there are any.
- JSON (compact): the first row opens with ``"bindings":[{"``, each next one with ``}},{"``
  and its first bound variable's name. A ``"`` inside a string is escaped, so the ``"`` of that
  marker is either a key's opening quote (a row starts) or the closing quote of a string ending
  in ``}},{`` (then a ``,``, ``}``, ``:`` or ``]`` follows, never a name): the scan with strings
  skipped is used for a body holding such a string, or an empty row (``{}``).

The count of a body still being written never runs ahead: a row counts once it has started.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, cast

import pyoxigraph as ox

from .formats import Format

Body = bytes | bytearray
FIRST_CHECK = 64 * 1024  # bytes written before the rows are first counted
# Then counted again once the rows so far, at their size, would pass the cap: at least a quarter
# and at most four times more bytes later (a few counts, whatever the rows' sizes).
GROWTH = (1.25, 4.0)

_JSON_SCAN = re.compile(rb'"[^"\\]*+(?:\\.[^"\\]*+)*+(?:"|\\?\Z)|[\[,]\{', re.DOTALL)
_JSON_NEXT = b'}},{"'
_JSON_FIRST = b'"bindings":[{"'
_JSON_UNSURE = re.compile(rb'\}\},\{"[,}:\]]')  # a string that ends in "}},{"
_CSV_QUOTED = re.compile(rb'"[^"]*+(?:"|\Z)')
_CSV_SCAN = re.compile(rb'"[^"]*+(?:"|\Z)|\r\n')


@dataclass(frozen=True)
class Rows:
    """How to find the rows of one results format."""

    count: Callable[[Body], int]  # rows started in a (maybe unfinished) document
    start: Callable[[bytes, int], int]  # the offset where row n (from 0) starts
    close: Callable[[bytes, int, int], bytes]  # (body, offset, limit): cut there, closed


def _nth(body: Body, marker: bytes, n: int, after: bool) -> int:
    """The offset of the n-th (from 0) ``marker``, or just after it."""
    at = body.find(marker)
    for _ in range(n):
        at = body.find(marker, at + 1)
    return at + len(marker) if after else at


def _scanned(body: Body, scan: re.Pattern[bytes], quote: int, n: int | None = None) -> list[int]:
    """Offsets of the markers ``scan`` finds outside quoted values (the first ``n`` + 1)."""
    found = []
    for match in scan.finditer(body):
        if match.group()[0] != quote:
            found.append(match.start())
            if n is not None and len(found) > n:
                break
    return found


# -- one table entry per format ----------------------------------------------------------------
def _lines(newline: bytes, quoted: bool) -> Rows:
    """CSV (``quoted``) and TSV: a header line, then one line a row (a quoted value may span)."""

    def count(body: Body) -> int:
        if quoted and b'"' in body:
            return max(_CSV_QUOTED.sub(b"", body).count(newline) - 1, 0)
        return max(body.count(newline) - 1, 0)

    def start(body: bytes, n: int) -> int:
        if quoted and b'"' in body:
            return _scanned(body, _CSV_SCAN, ord('"'), n + 1)[n] + len(newline)
        return _nth(body, newline, n, after=True)

    return Rows(count, start, lambda body, at, limit: body[:at])


def _xml() -> Rows:
    return Rows(
        lambda body: body.count(b"<result>"),
        lambda body, n: _nth(body, b"<result>", n, after=False),
        lambda body, at, limit: body[:at] + b"</results></sparql>",
    )


def _json_unsure(body: Body) -> bool:
    return b"{}" in body or _JSON_UNSURE.search(body) is not None


def _json_count(body: Body) -> int:
    if _json_unsure(body):
        return len(_scanned(body, _JSON_SCAN, ord('"')))
    # a marker at the very end may still become a string's end: not counted yet
    tail = int(body.endswith(_JSON_NEXT))
    return body.count(_JSON_NEXT) - tail + int(body.find(_JSON_FIRST, 0, len(body) - 1) >= 0)


def _json_start(body: bytes, n: int) -> int:
    if _json_unsure(body):
        return _scanned(body, _JSON_SCAN, ord('"'), n)[n]
    if n == 0:
        return body.index(_JSON_FIRST) + len(_JSON_FIRST) - 3
    return _nth(body, _JSON_NEXT, n - 1, after=False) + 2


def _json_close(body: bytes, at: int, limit: int) -> bytes:
    """Cut before row ``at`` (its ``[`` kept, its ``,`` not) and say so between head and results."""
    head = body.index(b'"results":')  # variable names hold no quote: the first is the key
    kept = at + 1 if body[at] == ord("[") else at
    return body[:head] + b'"truncated":true,"limit":%d,' % limit + body[head:kept] + b"]}}"


ROWS = {
    "json": Rows(_json_count, _json_start, _json_close),
    "xml": _xml(),
    "csv": _lines(b"\r\n", quoted=True),
    "tsv": _lines(b"\n", quoted=False),
}
"""The rows of each results format, by its row name in the format table."""


class _Full(Exception):
    """More rows than the cap are written: stops pyoxigraph's serialiser."""


class _Capped:
    """A file for pyoxigraph to write into, which stops it once more than ``limit`` rows are in."""

    def __init__(self, rows: Rows, limit: int) -> None:
        self.rows = rows
        self.limit = limit
        self.buffer = bytearray()
        self.check_at = FIRST_CHECK

    def write(self, chunk: bytes) -> int:
        self.buffer += chunk
        size = len(self.buffer)
        if size >= self.check_at:
            counted = self.rows.count(self.buffer)
            if counted > self.limit:
                raise _Full
            at_cap = size * (self.limit + 1) * 21 // (20 * max(counted, 1))  # and 5% more
            self.check_at = int(min(max(at_cap, size * GROWTH[0]), size * GROWTH[1]))
        return len(chunk)

    def flush(self) -> None:
        pass


@dataclass(frozen=True)
class Cut:
    """A serialised result: the document, cut and closed again if it held too many rows."""

    body: bytes
    count: int  # rows in body
    truncated: bool


def serialize(solutions: ox.QuerySolutions, fmt: Format, limit: int) -> Cut:
    """Write solutions with pyoxigraph in a results format, keeping at most ``limit`` rows."""
    rows = ROWS[fmt.name]
    out = _Capped(rows, limit)
    # pyoxigraph only calls write and flush on the file it is given
    file = cast("IO[bytes]", out)
    try:
        solutions.serialize(file, format=getattr(ox.QueryResultsFormat, str(fmt.oxigraph)))
    except _Full:  # more than the cap written: cut
        count = limit + 1
    else:
        count = rows.count(out.buffer)
    body = bytes(out.buffer)
    if count <= limit:
        return Cut(body, count, False)
    return Cut(rows.close(body, rows.start(body, limit), limit), limit, True)
