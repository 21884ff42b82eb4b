"""Refuse, before evaluation, what would make the endpoint reach out or change anything.

SERVICE (pyoxigraph would call the named URL: an SSRF path), FROM / FROM NAMED of graphs we do
not hold (an engine like rdflib's would fetch them), and updates (LOAD, INSERT...) never reach the
engine. The decision is made on rdflib's algebra of the query, never on its text. It runs inside
the query worker (see workers.py), under the query's deadline and memory bound: rdflib's parser
can take seconds on a crafted query, and it is not thread-safe.

One shortcut keeps unique queries fast, since rdflib's parser takes milliseconds: :func:`scan`
is a lexer of SPARQL 1.1's terminals (IRIREF, prefixed names with their ``\\`` and ``%``
escapes, the four string forms with their escapes, variables, comments). A query in which no
bare word holds ``SERVICE`` or ``FROM`` once these are read cannot hold those clauses, so it
is not parsed here ("holds": parsers split ``1SERVICE`` into a number and the keyword). Wherever the lexer could read the text otherwise than a SPARQL parser does
it answers "unsure", and the query is parsed: any ``\\u``/``\\U`` escape (SPARQL undoes them
before tokenizing), an unterminated string, a stray backslash, and a ``<...>`` after an operand
that holds ``#`` or ``'`` (a parser may read that ``<`` as less-than, and then a comment or a
string starts inside what the lexer took for an IRI). The shortcut can only skip work, never a
check; and the worker cannot open connections anyway where the platform allows (workers.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from pyparsing import ParseException
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from ..errors import BadRequest, Forbidden, MalformedQuery
from ..store import GraphSelection, Job

READ_ONLY = "this endpoint is read-only: SPARQL updates are not accepted"
MAX_DEPTH = 128  # brackets nested deeper than this are refused: parsers recurse on them

# SPARQL 1.1 grammar, section 19.8 (terminals).
_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_CHARS_U = _BASE + "_"
_CHARS = _CHARS_U + r"\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PREFIX = f"[{_BASE}](?:[{_CHARS}.]*[{_CHARS}])?"
_LOCAL = f"(?:[{_CHARS_U}:0-9]|{_PLX})(?:(?:[{_CHARS}.:]|{_PLX})*(?:[{_CHARS}:]|{_PLX}))?"
_VARNAME = f"[{_CHARS_U}0-9][{_CHARS_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*"
_TOKEN = re.compile(
    "|".join(
        (  # one terminal a line, in the order tried
            r"(?P<space>\s+)",
            r"(?P<comment>#[^\n\r]*)",
            (
                r"(?P<string>'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''"
                r'|"""(?:(?:"|"")?(?:[^"\\]|\\.))*"""'
                r"|'(?:[^'\\\n\r]|\\.)*'"
                r'|"(?:[^"\\\n\r]|\\.)*")'
            ),
            r'(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)',
            f"(?P<var>[?$]{_VARNAME})",
            f"(?P<pname>(?:{_PREFIX})?:(?:{_LOCAL})?)",
            r"(?P<word>\w+)",
            r"(?P<unsure>['\"\\])",  # an unterminated string, a backslash outside a name or string
            r"(?P<open>[({\[])",
            r"(?P<close>[)}\]])",
            r"(?P<other>.)",
        )
    ),
    re.DOTALL,
)
#: Tokens that may end an operand: a "<" after one of them may be "less than", not an IRI.
_OPERANDS = {"var", "string", "iri", "pname", "number", "close"}
#: Words that send a query to the full check: SERVICE and FROM, and the update keywords (none is
#: a keyword of a query; a remote engine such as Virtuoso runs an update sent as ``query=``).
_TRIGGERS = {
    "service",
    "from",
    "insert",
    "delete",
    "load",
    "clear",
    "drop",
    "create",
    "add",
    "move",
    "copy",
    "with",
}

_TRIGGER = re.compile("|".join(sorted(_TRIGGERS)))
#: The lines a query opens with that hold only spaces, tabs and comments, each up to a line
#: break (a comment ends at CR or LF in SPARQL: one that ends otherwise ends the match).
_OPENING_COMMENTS = re.compile(r"(?:[ \t]*(?:#[^\r\n]*)?(?:\r\n|\n|\r))*")


@dataclass(frozen=True)
class Scan:
    """What the lexer saw: whether the query must be parsed, and how deep it nests."""

    must_check: bool
    depth: int


def scan(query: str) -> Scan:
    """Read a query's terminals once, left to right; say whether SERVICE or FROM may hide in it."""
    unsure = "\\u" in query or "\\U" in query
    depth = deepest = 0
    previous = before = ("", "")  # the last two tokens read, as (kind, text)
    for match in _TOKEN.finditer(query):
        kind = match.lastgroup or "other"
        text = match.group()
        if kind in ("space", "comment"):
            continue
        if kind == "word":
            # A parser may split a run of word characters where this lexer does not: "1SERVICE"
            # is 1 and SERVICE to pyoxigraph, "ASKFROM" is ASK and FROM. So a trigger anywhere
            # in a word counts; a word of other than ASCII is never read as harmless.
            if not text.isascii() or _TRIGGER.search(text.lower()):
                unsure = True
            kind = "number" if text[0].isdigit() or text.lower() in ("true", "false") else "word"
        elif (
            kind == "iri"
            and previous[0] in _OPERANDS
            and not (previous[0] == "pname" and before[1].lower() == "prefix")
        ):
            if "#" in text or "'" in text or _TRIGGER.search(text.lower()):
                unsure = True
        elif kind == "unsure":
            unsure = True
        elif kind == "open":
            depth += 1
            deepest = max(deepest, depth)
        elif kind == "close":
            depth -= 1
            kind = "brace" if text == "}" else kind
        before, previous = previous, (kind, text)
    return Scan(unsure, deepest)


def read_only() -> Forbidden:
    """The one refusal of an update (403), wherever it is recognised."""
    return Forbidden(READ_ONLY)


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
            raise read_only() from None
        raise MalformedQuery(f"malformed query: {exc}") from None
    except RecursionError:
        raise BadRequest("the query nests too deeply to be checked") from None
    try:
        return translateQuery(parsed).algebra
    # rdflib raises bare Exception for an unknown prefix and the like: not hidden, told as 400.
    except Exception as exc:
        raise BadRequest(f"cannot check the query: {exc}") from None


def plainly_clear(query: str) -> bool:
    """Say, without lexing, whether a query surely holds no SERVICE, FROM or update keyword and
    nests within bounds: past the comment lines it opens with, no trigger word is left anywhere
    in its text (strings, IRIs and later comments included), and it opens at most
    :data:`MAX_DEPTH` brackets.

    Those opening lines hold nothing but spaces, tabs and comments for any parser, however
    lenient (nothing before them can have started a string or an IRI), unless a ``\\u`` escape
    stands for a line break: then the lexer decides. So does it for a text of other than ASCII
    (case folding beyond ASCII). Most queries' trigger words are in the comments they open with
    ("with", "from"): those skip the lexer, a few hundred microseconds each.
    """
    if "\\u" in query or "\\U" in query:
        return False
    body = query[_OPENING_COMMENTS.match(query).end() :]  # type: ignore[union-attr]
    if not body.isascii() or _TRIGGER.search(body.lower()):
        return False
    return body.count("(") + body.count("{") + body.count("[") <= MAX_DEPTH


def passes_unparsed(query: str) -> bool:
    """Say whether :func:`check` lets a query through as it is without parsing it (no SERVICE,
    FROM or update word, nesting within bounds): then it has nothing to check, anywhere."""
    if plainly_clear(query):
        return True
    seen = scan(query)
    return not seen.must_check and seen.depth <= MAX_DEPTH


def check(query: str, held: frozenset[str]) -> GraphSelection | None:
    """Refuse SERVICE, unknown FROM graphs and deep nesting; return the FROM dataset if any.

    Args:
        query: the query text, as the client sent it.
        held: the named graphs of the store; FROM may name only these.
    """
    if plainly_clear(query):
        return None
    seen = scan(query)
    if seen.depth > MAX_DEPTH:
        raise BadRequest(
            f"the query nests brackets {seen.depth} deep; at most {MAX_DEPTH} are accepted"
        )
    if not seen.must_check:
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
        raise BadRequest(
            "FROM names graphs this endpoint does not hold (it fetches nothing): "
            + ", ".join(f"<{iri}>" for iri in unknown)
            + "; it holds "
            + (", ".join(f"<{g}>" for g in sorted(held)) or "none")
        )
    if default or named:
        return GraphSelection(tuple(default), tuple(named))
    return None


def checked(job: Job, held: frozenset[str]) -> Job:
    """The job, checked, with its FROM clauses as its dataset (the protocol's dataset wins)."""
    from_clause = check(job.query, held)
    return replace(job, dataset=job.dataset or from_clause)


def is_update(text: str) -> bool:
    """Say whether a text is a SPARQL update (to answer 403 rather than 400 for it)."""
    if scan(text).depth > MAX_DEPTH:
        return False
    try:
        parsed = parseUpdate(text)
    except (ParseException, RecursionError):
        return False
    return "request" in parsed
