"""Refuse, before evaluation, what would make the endpoint reach out or change anything.

SERVICE (pyoxigraph would call the named URL: an SSRF path), FROM / FROM NAMED of graphs we do
not hold (an engine like rdflib's would fetch them), and updates (LOAD, INSERT...) never reach the
engine. The decision is made on rdflib's algebra of the query, never on its text.

One shortcut keeps unique queries fast, since rdflib's parser takes milliseconds: a query in
which, once strings, IRIs and comments are blanked out, neither ``SERVICE`` nor ``FROM`` stands
as a keyword of its own (``prov:wasDerivedFrom``, ``?from`` and ``ex:service`` are names, not
keywords) and which has no ``\\u`` escape cannot contain those clauses, so it is not parsed here;
pyoxigraph parses it when it runs. Where the scan is unsure (an unterminated string, say) the
keyword stays visible and the query is parsed: the shortcut can only skip work, never a check.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pyparsing import ParseException
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from ..errors import BadRequest, Forbidden, MalformedQuery
from ..store import Dataset

#: Strings, IRIs and comments, scanned left to right as SPARQL's tokenizer would.
_OPAQUE = re.compile("|".join((  # noqa: FLY002 - one alternative a line, commented
    "'{3}.*?'{3}",  # long strings
    '"{3}.*?"{3}',
    r"'(?:[^'\\\n\r]|\\.)*'",  # short strings: escapes allowed, no line break
    r'"(?:[^"\\\n\r]|\\.)*"',
    r'<[^<>"{}|^`\\\x00-\x20]*>',  # IRIs ("<" then a space is the less-than operator)
    r"#[^\n\r]*",  # comments
)), re.DOTALL)
#: SERVICE or FROM as a keyword: not part of a prefixed name, a variable or a longer word.
#: Update keywords are scanned for too: none is a keyword of a query, and a remote engine
#: (Virtuoso reads updates in the ``query`` parameter) must never be sent an update.
_KEYWORD = re.compile(r"(?<![\w:?$.-])(?:service|from|insert|delete|load|clear|drop|create|add"
                      r"|move|copy|with)(?![\w:-])", re.IGNORECASE)


def may_reach_out(query: str) -> bool:
    """Say whether a query could hold SERVICE, FROM or an update, so that it must be parsed and
    checked."""
    return "\\u" in query.lower() or bool(_KEYWORD.search(_OPAQUE.sub(" ", query)))


def _walk(node: object) -> Iterator[CompValue]:
    """Every algebra node below ``node``, expressions (EXISTS) included."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            yield item
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())


def _algebra(query: str) -> CompValue:
    try:
        parsed = parseQuery(query)
    except ParseException as exc:
        if is_update(query):
            raise Forbidden("this endpoint is read-only: SPARQL updates are not accepted") \
                from None
        raise MalformedQuery(f"malformed query: {exc}") from None
    try:
        return translateQuery(parsed).algebra
    # rdflib raises bare Exception for an unknown prefix and the like: not hidden, told as 400.
    except Exception as exc:  # noqa: BLE001
        raise BadRequest(f"cannot check the query: {exc}") from None


def check(query: str, held: frozenset[str]) -> Dataset | None:
    """Refuse SERVICE and unknown FROM graphs; return the FROM dataset when the query has one.

    Args:
        query: the query text, as the client sent it.
        held: the named graphs of the store; FROM may name only these.
    """
    if not may_reach_out(query):
        return None
    algebra = _algebra(query)
    if any(node.name == "ServiceGraphPattern" for node in _walk(algebra)):
        raise BadRequest("SERVICE is refused: this endpoint never queries other services")
    default: list[str] = []
    named: list[str] = []
    for clause in algebra.get("datasetClause") or ():
        if "default" in clause:
            default.append(str(clause["default"]))
        if "named" in clause:
            named.append(str(clause["named"]))
    unknown = sorted({iri for iri in default + named if iri not in held})
    if unknown:
        raise BadRequest("FROM names graphs this endpoint does not hold (it fetches nothing): "
                         + ", ".join(f"<{iri}>" for iri in unknown)
                         + "; it holds " + (", ".join(f"<{g}>" for g in sorted(held)) or "none"))
    if default or named:
        return Dataset(tuple(default), tuple(named))
    return None


def is_update(text: str) -> bool:
    """Say whether a text is a SPARQL update (to answer 403 rather than 400 for it)."""
    try:
        parsed = parseUpdate(text)
    except ParseException:
        return False
    return "request" in parsed
