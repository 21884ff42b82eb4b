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
    ("commitments", "text"), ("commitments", "summary"), ("findings", "text"),
    ("conclusions", "text"), ("calls_to_action", "text"), ("quoted_figures", "quote"),
    ("context_figures", "statement"), ("criteria", "definition"), ("organizations", "description"),
    ("specialists", "printed_name"), ("participants", "name"), ("references", "title"),
    ("report", "funding"), ("report", "acknowledgement"), ("axes", "label"),
    ("scale", "label"), ("countries", "name"),
]


def normal(text: str) -> str:
    """Collapse whitespace and unify quote marks, as a page break or a folded YAML line would."""
    text = text.replace("“", '"').replace("”", '"').replace("’", "'").replace("‘", "'")
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
    missing = [(str(i.where(key)), i[key]) for i in items
               if not found_in_order(normal(str(i[key])), source)]
    assert not missing, f"not in the source report: {missing[:3]}"


def test_an_invented_word_is_caught(source: str) -> None:
    real = normal("Consolidating the autonomy and independence of high-level oversight bodies.")
    assert found_in_order(real, source)
    assert not found_in_order(real.replace("independence of", "independence and funding of"),
                              source)


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
    texts = {c["number"]: normal(c["text"]) for c in corpus.section("commitments")
             if c.get("text")}
    assert texts == {n: normal(r.text) for n, r in annex.items()}
    axes = {c["number"]: c["axis"] for c in corpus.section("commitments")}
    assert {n: axes[n] for n in annex} == {n: r.axis for n, r in annex.items()}


def test_quoted_figures_appear_in_their_quote(corpus: Corpus) -> None:
    figures = corpus.section("quoted_figures")
    assert len(figures) >= 12
    for figure in figures:
        assert str(figure["value"]) in figure["quote"], figure.where("value")
