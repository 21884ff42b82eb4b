"""The schema of the YAML data files, as one table: sections, their fields, types and references.

A data file is a mapping of sections (``agreement``, ``commitments``, ``ratings``...); each section
is one item or a list of items; each item is checked field by field against this table. Other
observatories write their own files against the same table (see data/README.md).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    """One key of an item: its type and whether it must be there.

    Types: ``text``, ``slug``, ``int``, ``score`` (a decimal 0-3), ``url``, ``year``, ``month``
    (YYYY-MM), ``date`` (YYYY, YYYY-MM or YYYY-MM-DD), ``bool``, ``lang`` (a BCP 47 tag); ``ref:<kind>`` (an id defined
    elsewhere); ``list:<type>``; ``item:<section>`` (a nested item of another section's shape).
    """

    name: str
    type: str
    required: bool = False
    expected: str = ""  # extra words for the error message


@dataclass(frozen=True)
class Section:
    """One top-level section of a data file."""

    name: str
    fields: tuple[Field, ...]
    many: bool = True  # a list of items (True) or one item (False)
    defines: str | None = None  # the kind of id its items define (for ref:<kind>)
    key: str = "id"  # the field that is the item's id
    scope: str | None = None  # ids unique only within this context: 'report', 'agreement'...
    needs: str | None = None  # the context it needs in its file: 'report', 'agreement', ...
    item_type: str | None = None  # items are plain values of this type, not mappings


def _f(name: str, type_: str, required: bool = False, expected: str = "") -> Field:
    return Field(name, type_, required, expected)


SOURCE = _f("source", "text", True, "where in the source document this comes from")

SECTIONS: tuple[Section, ...] = (
    Section(
        "sources",
        (
            _f("id", "slug", True),
            _f("title", "text", True),
            _f("publisher", "ref:organization"),
            _f("issued", "date"),
            _f("language", "text"),
            _f("url", "url"),
            _f("note", "text"),
        ),
        defines="source",
    ),
    Section(
        "countries",
        (
            _f("code", "slug", True, "an ISO 3166-1 alpha-2 code"),
            _f("name", "text", True),
            _f("exact_match", "list:url"),
            SOURCE,
        ),
        defines="country",
        key="code",
    ),
    Section(
        "agreement",
        (
            _f("id", "slug", True),
            _f("title", "text", True),
            _f("alt_titles", "list:text"),
            _f("event", "text"),
            _f("place", "text"),
            _f("signed", "date"),
            _f("commitment_count", "int", True),
            _f("related_match", "list:url"),
            _f("description", "text"),
            _f("note", "text"),
            SOURCE,
        ),
        many=False,
        defines="agreement",
    ),
    Section(
        "axes",
        (
            _f("code", "slug", True),
            _f("number", "int"),
            _f("label", "text", True),
            _f("note", "text"),
            SOURCE,
        ),
        defines="axis",
        key="code",
        needs="agreement",
    ),
    Section(
        "commitments",
        (
            _f("number", "int", True, "the commitment's official number"),
            _f("axis", "ref:axis"),
            _f("text", "text"),
            _f("summary", "text"),
            _f("note", "text"),
            SOURCE,
        ),
        defines="commitment",
        key="number",
        scope="agreement",
        needs="agreement",
    ),
    Section(
        "methodology",
        (
            _f("id", "slug", True),
            _f("title", "text", True),
            _f("url", "url"),
            _f("agreement", "ref:agreement"),
            _f("observatory", "ref:organization"),
            _f("countries", "int"),
            _f("prioritised_commitments", "int"),
            _f("axes", "int"),
            _f("normative_questions", "int"),
            _f("practical_questions", "int"),
            _f("period", "text"),
            _f("selection_criteria", "list:item:selection_criteria"),
            _f("note", "text"),
            SOURCE,
        ),
        many=False,
        defines="methodology",
    ),
    Section("selection_criteria", (_f("text", "text", True), SOURCE), defines=None),
    Section(
        "criteria",
        (
            _f("code", "slug", True),
            _f("broader", "ref:criterion"),
            _f("label", "text", True),
            _f("definition", "text"),
            SOURCE,
        ),
        defines="criterion",
        key="code",
        needs="methodology",
    ),
    Section(
        "scale",
        (
            _f("value", "int", True, "a whole number 0-3"),
            _f("label", "text", True),
            SOURCE,
        ),
        defines="level",
        key="value",
        needs="methodology",
    ),
    Section(
        "organizations",
        (
            _f("id", "slug", True),
            _f("kind", "text", True),
            _f("name", "text", True),
            _f("alt_names", "list:text"),
            _f("acronym", "text"),
            _f("alt_acronyms", "list:text"),
            _f("acronym_note", "text"),
            _f("country", "ref:country"),
            _f("website", "url"),
            _f("description", "text"),
            _f("role", "text"),
            _f("part_of", "ref:organization"),
            _f("member_of", "list:ref:organization"),
            _f("exact_match", "list:url"),
            _f("note", "text"),
            SOURCE,
        ),
        defines="organization",
    ),
    Section(
        "report",
        (
            _f("id", "slug", True),
            _f("title", "text", True),
            _f("country", "ref:country", True),
            _f("year", "year", True),
            _f("agreement", "ref:agreement", True),
            _f("methodology", "ref:methodology", True),
            _f("observatory", "ref:organization"),
            _f("local_partner", "ref:organization", True),
            _f("funding", "text"),
            _f("acknowledgement", "text"),
            _f("statement", "text"),
            _f("project", "ref:project"),
            _f("note", "text"),
            SOURCE,
        ),
        many=False,
        defines="report",
    ),
    Section(
        "projects",
        (
            _f("id", "slug", True),
            _f("title", "text", True),
            _f("alt_titles", "list:text"),
            _f("acronym", "text"),
            _f("acronym_note", "text"),
            _f("alt_acronyms", "list:text"),
            _f("purpose", "text"),
            _f("description", "text"),
            _f("partners", "list:ref:organization"),
            _f("supports", "list:ref:project"),
            _f("note", "text"),
            SOURCE,
        ),
        defines="project",
        needs="report",
    ),
    Section(
        "laws",
        (
            _f("id", "slug", True),
            _f("kind", "text", True, "law, amendment, package or bill"),
            _f("title", "text"),
            _f("spanish_title", "text"),
            _f("date", "date"),
            _f("country", "ref:country"),
            _f("amends", "list:ref:law"),
            _f("includes", "list:ref:law"),
            _f("establishes", "list:ref:organization"),
            _f("statement", "text", True),
            _f("note", "text"),
            SOURCE,
        ),
        defines="law",
        needs="report",
    ),
    Section(
        "figures",
        (
            _f("id", "slug", True),
            _f("kind", "text", True, "graph or table"),
            _f("number", "int", True),
            _f("caption", "text", True),
            _f("axis", "ref:axis"),
            _f("credit", "text"),
            _f("note", "text"),
            SOURCE,
        ),
        defines="figure",
        scope="report",
        needs="report",
    ),
    Section(
        "footnotes",
        (
            _f("number", "int", True, "the footnote's number as printed"),
            _f("text", "text", True),
            _f("institutions", "list:ref:organization"),
            _f("note", "text"),
            SOURCE,
        ),
        defines="footnote",
        key="number",
        scope="report",
        needs="report",
    ),
    Section(
        "acronyms",
        (
            _f("acronym", "text", True),
            _f("expansion", "text", True),
            _f("acronym_note", "text"),
            _f("project", "ref:project"),
            _f("note", "text"),
            SOURCE,
        ),
        defines="acronym",
        key="acronym",
        scope="report",
        needs="report",
    ),
    Section(
        "working_group",
        (
            _f("organization", "ref:organization", True),
            _f("name", "text"),
            _f("members", "list:item:members", True),
            _f("source", "text"),
        ),
        many=False,
        needs="report",
    ),
    Section("members", (_f("name", "text", True), _f("role", "text", True), SOURCE)),
    Section(
        "participants",
        (
            _f("name", "text", True),
            _f("organization", "ref:organization"),
            _f("organization_name", "text"),
            SOURCE,
        ),
        needs="report",
    ),
    Section("participating_organizations", (), needs="report", item_type="ref:organization"),
    Section(
        "specialists",
        (
            _f("name", "text", True),
            _f("printed_name", "text", True),
            _f("months", "list:month", True),
            _f("role", "text", True),
            _f("organization", "ref:organization"),
            _f("organization_name", "text"),
            _f("note", "text"),
            SOURCE,
        ),
        needs="report",
    ),
    Section(
        "context_figures",
        (
            _f("id", "slug", True),
            _f("value", "int", True),
            _f("out_of", "int"),
            _f("qualifier", "text"),
            _f("statement", "text", True),
            _f("measured_by", "text"),
            _f("period", "text"),
            _f("note", "text"),
            SOURCE,
        ),
        defines="context_figure",
        scope="report",
        needs="report",
    ),
    Section(
        "ratings",
        (
            _f("commitment", "ref:commitment", True),
            _f("relevance", "score", True),
            _f("effectiveness", "score", True),
            _f("sustainability", "score", True),
            _f("average", "score", True),
            _f("note", "text"),
            SOURCE,
        ),
        defines="rating",
        key="commitment",
        scope="report",
        needs="report",
    ),
    Section(
        "quoted_figures",
        (
            _f("id", "slug", True),
            _f("commitment", "ref:commitment", True),
            _f("criterion", "ref:criterion", True),
            _f("axis", "ref:axis"),
            _f("value", "score", True),
            _f("quote", "text", True),
            _f("note", "text"),
            SOURCE,
        ),
        defines="quoted_figure",
        scope="report",
        needs="report",
    ),
    Section(
        "findings",
        (
            _f("id", "slug", True),
            _f("axis", "ref:axis"),
            _f("text", "text", True),
            _f("commitments", "list:ref:commitment"),
            _f("institutions", "list:ref:organization"),
            SOURCE,
        ),
        defines="finding",
        scope="report",
        needs="report",
    ),
    Section(
        "conclusions",
        (
            _f("id", "slug", True),
            _f("kind", "text", True, "progress, weakness or general"),
            _f("text", "text", True),
            _f("commitments", "list:ref:commitment"),
            _f("institutions", "list:ref:organization"),
            SOURCE,
        ),
        defines="conclusion",
        scope="report",
        needs="report",
    ),
    Section(
        "calls_to_action",
        (
            _f("id", "slug", True),
            _f("axis", "ref:axis", True),
            _f("text", "text", True),
            _f("parent", "ref:call_to_action"),
            _f("commitments", "list:ref:commitment"),
            _f("institutions", "list:ref:organization"),
            SOURCE,
        ),
        defines="call_to_action",
        scope="report",
        needs="report",
    ),
    Section(
        "references",
        (
            _f("id", "slug", True),
            _f("author", "text"),
            _f("year", "year"),
            _f("title", "text", True),
            _f("language", "lang", False, "the language the title is printed in (default en)"),
            _f("url", "url"),
            SOURCE,
        ),
        defines="reference",
        scope="report",
        needs="report",
    ),
)

BY_NAME: dict[str, Section] = {s.name: s for s in SECTIONS}
#: Sections that may only appear nested inside another section's items.
NESTED = frozenset({"selection_criteria", "members"})
#: Closed lists of values for fields of type text.
CHOICES: dict[tuple[str, str], frozenset[str]] = {
    ("organizations", "kind"): frozenset(
        {
            "civil-society",
            "public-institution",
            "international",
            "academic",
            "media",
            "network",
            "system",
            "observatory",
        }
    ),
    ("conclusions", "kind"): frozenset({"progress", "weakness", "general"}),
    ("laws", "kind"): frozenset({"law", "amendment", "package", "bill"}),
    ("figures", "kind"): frozenset({"graph", "table"}),
}
#: Where the id a ``ref:<kind>`` field names must be defined.
REF_SCOPE: dict[str, str] = {
    "commitment": "agreement",
    "rating": "report",
    "call_to_action": "report",
    "finding": "report",
}
#: The file-level keys that are context, not sections.
CONTEXT_KEYS = frozenset({"document"})
