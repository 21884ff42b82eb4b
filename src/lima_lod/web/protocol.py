"""Read a SPARQL 1.1 Protocol request: which operation, which dataset, which format.

Implements the rules of https://www.w3.org/TR/sparql11-protocol/ section 2.1: query by GET, by
POST of a form, or by POST of the query itself; ``default-graph-uri`` and ``named-graph-uri``
repeatable; the query exactly once. Updates are recognised only to be refused (403): the
public endpoint is read-only. Knows nothing of the store or of HTTP frameworks.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote

import pyoxigraph as ox

from ..errors import BadRequest, UnsupportedMediaType
from ..store import GraphSelection
from .guard import read_only

FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"
MAX_FIELDS = 200  # a form with more fields than this is not a SPARQL request


@dataclass(frozen=True)
class Operation:
    """A protocol request, read: a query (or None: describe the service) and its options."""

    query: str | None
    dataset: GraphSelection | None = None  # given by default-graph-uri / named-graph-uri
    format: str | None = None  # the ``format`` (or ``output``) parameter


def _unquote(text: str) -> str:
    """A form field's value, decoded as ``parse_qsl`` decodes it (``+`` is a space, ``%XX`` a
    byte, the bytes UTF-8, strictly), in C: a query's hundreds of escapes cost a Python loop
    each in ``urllib``. Where a ``%`` starts no escape, ``urllib`` itself decodes."""
    text = text.replace("+", " ")
    if "%" not in text:
        return text
    if text.isascii():
        # As "\x" escapes (backslashes doubled first), the unicode_escape codec decodes every
        # escape to the byte it names, one Latin-1 character each; a "%" that starts no escape
        # is an error to it, and urllib reads that text instead.
        escaped = text.replace("\\", "\\\\").replace("%", "\\x").encode("ascii")
        try:
            decoded = escaped.decode("unicode_escape")
        except UnicodeDecodeError:
            pass
        else:
            return decoded.encode("latin-1").decode("utf-8")
    return unquote(text, encoding="utf-8", errors="strict")


def fields(encoded: str) -> list[tuple[str, str]]:
    """The fields of a query string or form, as ``parse_qsl(keep_blank_values=True)`` reads
    them, with at most :data:`MAX_FIELDS`."""
    if encoded.count("&") + 1 > MAX_FIELDS:
        raise BadRequest("cannot read the parameters: Max number of fields exceeded")
    read = []
    try:
        for field in encoded.split("&"):
            if field:
                name, _, value = field.partition("=")
                read.append((_unquote(name), _unquote(value)))
    except UnicodeDecodeError:
        raise BadRequest("the parameters are not percent-encoded UTF-8") from None
    return read


def _utf8(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequest(f"the request body is not UTF-8: {exc}") from None


def _media_type(content_type: str | None) -> tuple[str, str | None]:
    """Split a Content-Type into its bare media type and its charset, both lower case."""
    if not content_type:
        return "", None
    bare, *params = (part.strip() for part in content_type.split(";"))
    charset = None
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return bare.lower(), charset


def _iris(values: list[str], parameter: str) -> tuple[str, ...]:
    for value in values:
        try:
            ox.NamedNode(value)
        except ValueError:
            raise BadRequest(f"{parameter} {value!r} is not an absolute IRI") from None
    return tuple(values)


def read(method: str, query_string: str, content_type: str | None, body: bytes) -> Operation:
    """Read one request to the endpoint; raise the protocol's 400, 403 or 415 when it is wrong.

    Args:
        method: the HTTP method (GET, HEAD or POST).
        query_string: the raw, still percent-encoded query string of the URL.
        content_type: the Content-Type header of a POST, if any.
        body: the request body (empty for GET).
    """
    given = fields(query_string)
    direct: str | None = None
    if method == "POST":
        media_type, charset = _media_type(content_type)
        if charset not in (None, "utf-8", "utf8"):
            raise UnsupportedMediaType(f"charset {charset!r}: SPARQL requests must be UTF-8")
        if media_type == FORM:
            given += fields(_utf8(body))
        elif media_type == QUERY:
            direct = _utf8(body)
        elif media_type == UPDATE:
            raise read_only()
        else:
            raise UnsupportedMediaType(
                f"POST needs Content-Type {FORM} or {QUERY}, not {content_type or 'none'!r}"
            )
    values: dict[str, list[str]] = {}
    for name, value in given:
        values.setdefault(name, []).append(value)
    queries = values.get("query", []) + ([direct] if direct is not None else [])
    updates = values.get("update", [])
    if len(queries) > 1:
        raise BadRequest(f"the query is given {len(queries)} times; give it once")
    if queries and updates:
        raise BadRequest("a request holds a query or an update, not both")
    if updates:
        raise read_only()
    default = _iris(values.get("default-graph-uri", []), "default-graph-uri")
    named = _iris(values.get("named-graph-uri", []), "named-graph-uri")
    formats = values.get("format", []) + values.get("output", [])
    if not queries and method == "POST":
        raise BadRequest("a POST to the endpoint needs a query")
    return Operation(
        query=queries[0] if queries else None,
        dataset=GraphSelection(default, named) if default or named else None,
        format=formats[-1] if formats else None,
    )
