"""Transcribe, never invent: every text in data/ is found in the source report, and every figure
matches what the report prints."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from annex import read_annex

from lima_lod.load import Corpus, load_corpus

#: (section, field) pairs whose values are copied verbatim from the report.
VERBATIM = [
    ("commitments", "text"),
    ("commitments", "summary"),
    ("findings", "text"),
    ("conclusions", "text"),
    ("calls_to_action", "text"),
    ("quoted_figures", "quote"),
    ("context_figures", "statement"),
    ("criteria", "definition"),
    ("organizations", "description"),
    ("specialists", "printed_name"),
    ("participants", "name"),
    ("references", "title"),
    ("report", "funding"),
    ("report", "acknowledgement"),
    ("axes", "label"),
    ("scale", "label"),
    ("countries", "name"),
    ("laws", "title"),
    ("laws", "spanish_title"),
    ("laws", "statement"),
    ("projects", "title"),
    ("projects", "purpose"),
    ("projects", "description"),
    ("acronyms", "expansion"),
    ("figures", "caption"),
    ("organizations", "name"),
    ("organizations", "role"),
    ("specialists", "role"),
    ("specialists", "organization_name"),
    ("participants", "organization_name"),
    ("methodology", "title"),
    ("criteria", "label"),
    ("report", "statement"),
    ("figures", "credit"),
    ("figures", "note"),
    ("footnotes", "text"),
]
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def normal(text: str) -> str:
    """Collapse whitespace and unify quote marks, as a page break or a folded YAML line would."""
    text = text.replace("“", '"').replace("”", '"').replace("’", "'").replace("‘", "'")  # noqa: RUF001
    text = re.sub(r"[¹²³⁴⁵⁶⁷⁸⁹⁰*]+", "", text)
    return " ".join(text.split())


@pytest.fixture(scope="module")
def corpus(root: Path) -> Corpus:
    return load_corpus(root / "data")


@pytest.fixture(scope="module")
def source(source_text: str) -> str:
    # Table cells are tab-separated and a row can continue after a page break: join them.
    return normal(source_text.replace("\t", " "))


def found_in_order(text: str, source: str, min_piece: int = 20, max_pieces: int = 4) -> bool:
    """Whether a text is the source's words, allowing it to be split (by a page break, a table's
    figures or footnotes in between) into a few long pieces that occur in order."""
    position, rest = 0, text
    for _ in range(max_pieces):
        if source.find(rest, position) >= 0:
            return True
        low, high = 0, len(rest)  # the longest prefix of rest found after position
        while low < high:
            middle = (low + high + 1) // 2
            if source.find(rest[:middle], position) >= 0:
                low = middle
            else:
                high = middle - 1
        if low < min_piece:
            return False
        position = source.find(rest[:low], position) + low
        rest = rest[low:].lstrip()
    return False


@pytest.mark.parametrize(("section", "key"), VERBATIM)
def test_texts_are_in_the_source(corpus: Corpus, source: str, section: str, key: str) -> None:
    items = [i for i in corpus.section(section) if i.get(key)]
    missing = [
        (str(i.where(key)), i[key])
        for i in items
        if not found_in_order(normal(str(i[key])), source)
    ]
    assert not missing, f"not in the source report: {missing[:3]}"


def test_an_invented_word_is_caught(source: str) -> None:
    real = normal("Consolidating the autonomy and independence of high-level oversight bodies.")
    assert found_in_order(real, source)
    assert not found_in_order(
        real.replace("independence of", "independence and funding of"), source
    )


def test_every_item_says_where_it_comes_from(corpus: Corpus) -> None:
    for section, items in corpus.items.items():
        if section in ("participating_organizations", "sources"):
            continue
        for item in items:
            assert item.get("source") or section in ("working_group",), (section, item.where())
            assert item.context.get("document") == "cco-mexico-report-2021", item.where()


def test_ratings_are_the_annex_as_printed(corpus: Corpus, source_text: str) -> None:
    annex = {row.number: row for row in read_annex(source_text)}
    ratings = {r["commitment"]: r for r in corpus.section("ratings")}
    assert set(ratings) == set(annex)
    for number, row in annex.items():
        for column in ("relevance", "effectiveness", "sustainability", "average"):
            assert str(ratings[number][column]) == getattr(row, column), (number, column)
            assert ratings[number][column] == Decimal(getattr(row, column))
        assert f"Table {row.table}" in ratings[number]["source"]


def test_commitment_texts_are_the_annex_texts(corpus: Corpus, source_text: str) -> None:
    annex = {row.number: row for row in read_annex(source_text)}
    texts = {c["number"]: normal(c["text"]) for c in corpus.section("commitments") if c.get("text")}
    assert texts == {n: normal(r.text) for n, r in annex.items()}
    axes = {c["number"]: c["axis"] for c in corpus.section("commitments")}
    assert {n: axes[n] for n in annex} == {n: r.axis for n, r in annex.items()}


def test_quoted_figures_appear_in_their_quote(corpus: Corpus) -> None:
    figures = corpus.section("quoted_figures")
    assert len(figures) >= 12
    for figure in figures:
        assert str(figure["value"]) in figure["quote"], figure.where("value")


def document_acronyms(source_text: str) -> dict[str, str]:
    """The "Document Acronyms" list as printed: acronym -> expansion (without a final stop)."""
    start = source_text.index("Document Acronyms")
    block = source_text[start : source_text.index("\nIntroduction", start)]
    pairs = re.findall(r"^([A-Z]+) = (.+?)\.?\s*$", block, flags=re.MULTILINE)
    return dict(pairs)


def test_every_listed_acronym_is_in_the_data(corpus: Corpus, source_text: str) -> None:
    listed = document_acronyms(source_text)
    assert len(listed) == 20
    on_organizations = {
        a
        for o in corpus.section("organizations")
        for a in [o.get("acronym"), *o.get("alt_acronyms", [])]
        if a
    }
    glossary = {a["acronym"]: a["expansion"] for a in corpus.section("acronyms")}
    for acronym, expansion in listed.items():
        assert acronym in on_organizations or glossary.get(acronym) == expansion, acronym
    assert {"CSPSA", "CSO", "NGO", "EPPS", "SDG"} <= set(glossary)
    # the glossary holds no organisation's acronym twice
    assert not set(glossary) & on_organizations


def test_acronyms_outside_the_list_are_printed_with_their_expansion(
    corpus: Corpus, source_text: str, source: str
) -> None:
    listed = document_acronyms(source_text)
    for a in corpus.section("acronyms"):
        if a["acronym"] in listed:
            continue
        printed = normal(f"{a['expansion']} ({a['acronym']}, by its Spanish initials)")
        assert printed in source, a.where("acronym")


def test_project_acronyms_are_printed(corpus: Corpus, source_text: str, source: str) -> None:
    listed = document_acronyms(source_text)
    projects = corpus.section("projects")
    assert {p["id"] for p in projects} >= {"pasca", "cco-follow-up-project", "susanavigilancia"}
    for p in projects:
        if p.get("acronym"):
            assert normal(f"{p['title']} ({p['acronym']}, by its Spanish initials)") in source
        for other in p.get("alt_acronyms", []):
            assert listed[other] == p["title"], p.where("alt_acronyms")
        for alt in p.get("alt_titles", []):
            assert normal(f"{p['title']}, better known as {alt}") in source, p.where("alt_titles")


def test_law_dates_are_printed(corpus: Corpus, source: str) -> None:
    dated = [law for law in corpus.section("laws") if law.get("date")]
    assert {str(law["id"]): str(law["date"]) for law in dated} == {
        "constitutional-amendment-2014": "2014",
        "general-law-of-administrative-responsibilities": "2016",
        "national-law-on-forfeiture": "2019",
        "oaxaca-constitutional-reform-2021": "2021-06-01",
    }
    for law in dated:
        year, _, rest = str(law["date"]).partition("-")
        printed = year
        if rest:
            month, day = rest.split("-")
            printed = f"{MONTHS[int(month) - 1]} {int(day)}, {year}"
        in_statement = printed in law["statement"]
        in_references = normal(f"{law.get('spanish_title')} ({printed})") in source
        assert in_statement or in_references, law.where("date")


def test_the_first_package_is_the_report_s_list(corpus: Corpus, source: str) -> None:
    laws = {str(law["id"]): law for law in corpus.section("laws")}
    package = laws["first-anti-corruption-package"]
    created = [laws[i]["title"] for i in package["includes"]]
    amended = [laws[i]["title"] for i in package["amends"]]
    # the report: "modify five normative systems and create two others"
    assert (len(amended), len(created)) == (5, 2)
    printed = normal(
        f"comprised the creation of the {created[0]} and the {created[1]}, and the "
        f"amendments to the {', the '.join(amended[:-1])}, and the {amended[-1]}."
    )
    assert printed in source
    amendment = laws["constitutional-amendment-2014"]
    assert amendment["establishes"] == ["sna"] and amendment["amends"] == ["political-constitution"]
    assert (
        "in 2014 the Political Constitution was amended to create the National "
        "Anti-Corruption System" in source
    )


def test_every_graph_and_table_caption_is_in_the_data(corpus: Corpus, source_text: str) -> None:
    printed = re.findall(r"^(Graph|Table) (\d+)[¹⁶]*\. (.+)$", source_text, flags=re.MULTILINE)
    assert len(printed) == 11
    ours = {
        (str(f["kind"]).capitalize(), str(f["number"]), normal(f["caption"]))
        for f in corpus.section("figures")
    }
    assert ours == {(kind, number, normal(caption)) for kind, number, caption in printed}


def test_participants_record_only_the_printed_organisation_cell(
    corpus: Corpus, source_text: str
) -> None:
    start = source_text.index("Participants and Civil Society Organizations")
    rows = source_text[start : source_text.index("Image:", start)].splitlines()[1:]
    cells = dict(row.split("\t", 1) for row in rows if "\t" in row)
    participants = corpus.section("participants")
    assert len(participants) == len(cells) == 16
    for p in participants:
        printed = cells[p["name"]].strip()
        assert p.get("organization_name", "") == printed, p.where("name")
        assert bool(p.get("organization")) == bool(printed), p.where("name")
