"""Reading protocol requests: the W3C rules for GET, form POST and direct POST."""

from __future__ import annotations

import random
from urllib.parse import parse_qsl, quote, urlencode

import pytest

from lima_lod.errors import BadRequest, Forbidden, UnsupportedMediaType
from lima_lod.store import GraphSelection
from lima_lod.web.protocol import FORM, QUERY, UPDATE, fields, read

QUERY_TEXT = "SELECT * WHERE { <http://x/a%2Fb> ?p ?o }"


def test_get_form_and_direct_post_read_the_same_query() -> None:
    encoded = urlencode({"query": QUERY_TEXT})
    by_get = read("GET", encoded, None, b"")
    by_form = read("POST", "", FORM, encoded.encode())
    by_direct = read("POST", "", QUERY, QUERY_TEXT.encode())
    assert by_get.query == by_form.query == by_direct.query == QUERY_TEXT


def test_percent_encoded_slash_inside_an_iri_survives() -> None:
    operation = read("GET", "query=" + quote(QUERY_TEXT, safe=""), None, b"")
    assert "<http://x/a%2Fb>" in str(operation.query)


def test_plus_is_a_space_in_forms() -> None:
    assert read("GET", "query=ASK+%7B%7D", None, b"").query == "ASK {}"


def test_dataset_parameters_repeat_and_mix_url_and_body() -> None:
    operation = read(
        "POST",
        "default-graph-uri=http%3A%2F%2Fg%2F1&named-graph-uri=http%3A%2F%2Fg%2F3",
        FORM,
        b"query=ASK%7B%7D&default-graph-uri=http%3A%2F%2Fg%2F2",
    )
    assert operation.dataset == GraphSelection(("http://g/1", "http://g/2"), ("http://g/3",))


def test_no_dataset_parameters_means_the_store_dataset() -> None:
    assert read("GET", "query=ASK%7B%7D", None, b"").dataset is None


def test_no_query_describes_the_service() -> None:
    operation = read("GET", "format=turtle", None, b"")
    assert operation.query is None and operation.format == "turtle"


@pytest.mark.parametrize(
    ("method", "query_string", "content_type", "body", "error"),
    [
        ("GET", "query=ASK%7B%7D&query=ASK%7B%7D", None, b"", BadRequest),
        ("POST", "query=ASK%7B%7D", QUERY, b"ASK {}", BadRequest),
        ("POST", "", FORM, b"query=ASK%7B%7D&update=CLEAR%20ALL", BadRequest),
        ("POST", "", "text/plain", b"ASK {}", UnsupportedMediaType),
        ("POST", "", None, b"query=ASK%7B%7D", UnsupportedMediaType),
        ("POST", "", f"{QUERY}; charset=UTF-16", "ASK {}".encode("utf-16"), UnsupportedMediaType),
        ("POST", "", QUERY, b"ASK { \xff }", BadRequest),
        ("GET", "query=%FF", None, b"", BadRequest),
        ("POST", "", FORM, b"", BadRequest),
        ("GET", "query=ASK%7B%7D&default-graph-uri=not%20an%20iri", None, b"", BadRequest),
        ("GET", "update=CLEAR%20ALL", None, b"", Forbidden),
        ("POST", "", FORM, b"update=CLEAR%20ALL", Forbidden),
        ("POST", "", UPDATE, b"CLEAR ALL", Forbidden),
        ("POST", "", f"{UPDATE}; charset=utf-8", b"LOAD <http://example.org/>", Forbidden),
    ],
)
def test_protocol_errors(
    method: str, query_string: str, content_type: str | None, body: bytes, error: type[Exception]
) -> None:
    with pytest.raises(error) as info:
        read(method, query_string, content_type, body)
    assert str(info.value)  # every refusal says why


def test_charset_utf8_is_accepted() -> None:
    assert read("POST", "", f"{QUERY}; charset=UTF-8", b"ASK {}").query == "ASK {}"


def test_output_is_an_alias_of_format() -> None:
    assert read("GET", "query=ASK%7B%7D&output=xml", None, b"").format == "xml"


# -- the fields are read as urllib reads them -------------------------------------------------
_PIECES = ["%", "%2", "%20", "%7B", "%c3", "%A9", "%C3%A9", "%e2%82%ac", "%zz", "%0A", "%25",
           "+", "&", "=", "\\", "\\x41", "\\u0041", "a", "Z", "9", " ", "é", "Ã©", "query", "%5C"]  # fmt: skip


def _reference(encoded: str) -> list[tuple[str, str]] | str:
    try:
        return parse_qsl(encoded, keep_blank_values=True, errors="strict", max_num_fields=200)
    except UnicodeDecodeError:
        return "not UTF-8"


def _ours(encoded: str) -> list[tuple[str, str]] | str:
    try:
        return fields(encoded)
    except BadRequest as exc:
        assert "UTF-8" in str(exc)
        return "not UTF-8"


def test_fields_are_decoded_exactly_as_parse_qsl_decodes_them() -> None:
    rng = random.Random(20261203)
    cases = ["", "&", "&&a", "=", "a=", "=b", "a=b=c", "query=ASK+%7B%7D"]
    cases += ["".join(rng.choices(_PIECES, k=rng.randint(1, 12))) for _ in range(5000)]
    differing = [c for c in cases if _ours(c) != _reference(c)]
    assert differing == []
    # the cases did reach every path: escapes decoded in C, urllib's fallback, and bad UTF-8
    assert any(_reference(c) == "not UTF-8" for c in cases)
    assert any("%zz" in c and _reference(c) != "not UTF-8" for c in cases)
    assert any("\\x41" in c and "%" in c and c.isascii() for c in cases)


def test_a_query_of_many_escapes_reads_back_whole() -> None:
    text = 'SELECT ?s WHERE { ?s ?p "50% \\\\ \\u00e9 é €" } # 100%'
    assert read("GET", urlencode({"query": text}), None, b"").query == text
    assert read("GET", "query=" + quote(text, safe=""), None, b"").query == text


def test_too_many_fields_are_refused() -> None:
    with pytest.raises(BadRequest, match="Max number of fields"):
        read("GET", "&".join(["a=1"] * 201), None, b"")
    assert read("GET", "&".join(["a=1"] * 199) + "&query=ASK{}", None, b"").query == "ASK{}"
