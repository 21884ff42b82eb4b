"""The one exception tree of lima-lod.

LimaLodError                 exit 1, HTTP 500
├── DataError                exit 2: bad input data (YAML or RDF), names file:line, key, value
│   └── DataErrors           several DataErrors found in one pass
├── ValidationFailed         exit 3: the data does not conform to the shapes
├── ReleaseError             exit 4: a release could not be written or read
├── ConfigError              exit 5: a bad setting
├── StoreError               exit 6: a triple store refused or failed a load
└── QueryError               HTTP 4xx/5xx: a SPARQL request was refused or failed
    ├── BadRequest           400: malformed query or protocol misuse
    │   └── MalformedQuery   400: the query does not parse (the parser's message)
    ├── Forbidden            403: an update on the read-only endpoint
    ├── NotFound             404: nothing is known about the IRI or file asked for
    ├── NotAcceptable        406: no acceptable result format
    ├── UnsupportedMediaType 415: wrong or missing Content-Type on POST
    ├── PayloadTooLarge      413: request body over the limit
    ├── URITooLong           414: query string over the limit
    ├── QueryTimeout         503: the query ran past its deadline or memory bound
    └── EngineError          502: the remote SPARQL engine failed or answered nonsense
        └── EngineTimeout    504: the remote SPARQL engine did not answer in time
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


class LimaLodError(Exception):
    """Base of every error lima-lod raises on purpose."""

    exit_code = 1
    status = 500


@dataclass(frozen=True)
class Location:
    """Where a value came from: a file and a 1-based line (0 when unknown)."""

    file: str
    line: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass(frozen=True)
class CellLocation(Location):
    """A cell of a spreadsheet: file, sheet, 1-based row and column letter (with its header)."""

    sheet: str = ""
    row: int = 0
    column: str = ""
    header: str = ""

    def __str__(self) -> str:
        parts = [
            self.file,
            f"sheet {self.sheet}" if self.sheet else "",
            f"row {self.row}" if self.row else "",
            f"column {self.column} ({self.header})" if self.column else "",
        ]
        return ", ".join(p for p in parts if p)


class DataError(LimaLodError):
    """Bad input data: says where, which key, the bad value and what was expected."""

    exit_code = 2
    status = 400

    def __init__(
        self,
        location: Location | str,
        key: str,
        value: object,
        expected: str,
        *,
        code: str = "",
        params: dict[str, object] | None = None,
    ) -> None:
        self.location = location
        self.key = key
        self.value = value
        self.expected = expected
        # A message key and its parameters, so each interface can say it in its own language
        # (lima_lod.messages); empty when the key is inferred from `expected`.
        self.code = code
        self.params = params or {}
        shown = str(value) if isinstance(value, Decimal) else repr(value)
        super().__init__(f"{location}: {key!r} is {shown}; expected {expected}")


class DataErrors(DataError):
    """Several data errors, reported together."""

    def __init__(self, errors: list[DataError]) -> None:
        self.errors = errors
        Exception.__init__(self, "\n".join(str(e) for e in errors))


class ValidationFailed(LimaLodError):
    """The data does not conform to the SHACL shapes."""

    exit_code = 3

    def __init__(self, report_text: str) -> None:
        self.report_text = report_text
        super().__init__(report_text)


class ReleaseError(LimaLodError):
    """A release could not be written or read."""

    exit_code = 4


class ConfigError(LimaLodError):
    """A setting has a bad value."""

    exit_code = 5


class StoreError(LimaLodError):
    """A triple store refused or failed a load (lima-lod load)."""

    exit_code = 6


class QueryError(LimaLodError):
    """A SPARQL request was refused or failed."""

    status = 400


class BadRequest(QueryError):
    """Malformed query or misuse of the protocol."""

    status = 400


class MalformedQuery(BadRequest):
    """A query the SPARQL parser rejects; the message is the parser's."""


class Forbidden(QueryError):
    """An update sent to the read-only endpoint."""

    status = 403


class NotFound(QueryError):
    """Nothing is known about the IRI (or release file, or vocabulary version) asked for."""

    status = 404


class NotAcceptable(QueryError):
    """No result format matches the Accept header."""

    status = 406


class UnsupportedMediaType(QueryError):
    """A POST with a missing or wrong Content-Type."""

    status = 415


class PayloadTooLarge(QueryError):
    """A request body over the configured limit."""

    status = 413


class QueryTimeout(QueryError):
    """A query ran past its deadline or memory bound and was stopped."""

    status = 503


class URITooLong(QueryError):
    """A query string over the configured limit."""

    status = 414


class EngineError(QueryError):
    """The remote SPARQL engine behind the endpoint failed or could not be understood."""

    status = 502


class EngineTimeout(EngineError):
    """The remote SPARQL engine did not answer before the deadline."""

    status = 504
