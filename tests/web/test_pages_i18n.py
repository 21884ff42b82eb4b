"""The interface texts (every key in English and Spanish), the reader's language, the label
fallback chain."""

from __future__ import annotations

import pytest

from lima_lod.web.i18n import LANGUAGES, TEXTS, Texts, chain, choose, pick


def test_every_text_exists_in_every_language() -> None:
    missing = [
        (key, lang)
        for key, entry in TEXTS.items()
        for lang in LANGUAGES
        if not entry.get(lang, "").strip()
    ]
    assert missing == []
    assert set(LANGUAGES) == {"en", "es"}


def test_texts_differ_by_language() -> None:
    assert Texts("es")("search") == "Buscar"
    assert Texts("en")("search") == "Search"


@pytest.mark.parametrize(
    ("param", "cookie", "header", "expected"),
    [
        ("es", None, None, "es"),
        ("es", "en", "en", "es"),  # the switch wins over everything
        (None, "es", "en-GB,en;q=0.9", "es"),  # then the cookie it set
        (None, None, "es-MX,es;q=0.9,en;q=0.5", "es"),
        (None, None, "fr-FR,fr;q=0.9,es;q=0.8", "es"),  # the first we have
        (None, None, "en;q=0.2,es;q=0.9", "es"),  # by quality, not order
        (None, None, "fr", "en"),
        (None, None, None, "en"),
        ("de", "xx", "es;q=0", "en"),  # unknown values and q=0 are ignored
    ],
)
def test_language_choice(
    param: str | None, cookie: str | None, header: str | None, expected: str
) -> None:
    assert choose(param, cookie, header) == expected


def test_label_fallback_chain() -> None:
    values = [("Compromiso", "es"), ("Commitment", "en"), ("Engagement", "fr")]
    assert pick(values, "es") == ("Compromiso", "es")
    assert pick(values, "en") == ("Commitment", "en")
    assert pick([("Compromiso", "es"), ("Engagement", "fr")], "en") == ("Compromiso", "es")
    assert pick([("sin idioma", ""), ("Engagement", "fr")], "en") == ("sin idioma", "")
    # never a random language: the same choice whatever the order the store answers in
    others = [("Zusage", "de"), ("Engagement", "fr")]
    assert pick(others, "en") == pick(list(reversed(others)), "en") == ("Engagement", "fr")
    assert pick([], "en") is None
    assert chain("es") == ("es", "en")
