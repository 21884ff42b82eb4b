import pytest

from lima_lod.iris import DEFAULT_BASE, Iris, document_path, is_key


def test_mints_slash_iris_under_the_base() -> None:
    iris = Iris()
    assert str(iris.commitment(10)) == f"{DEFAULT_BASE}id/commitment/10"
    assert str(iris.observation("mx-2021", 10, "relevance")) == (
        f"{DEFAULT_BASE}id/observation/mx-2021/10/relevance"
    )
    assert str(iris.vocab.score) == f"{DEFAULT_BASE}def/cfu#score"
    assert str(iris.graph("report/mx-2021")) == f"{DEFAULT_BASE}graph/report/mx-2021"


@pytest.mark.parametrize("keys", [("mx-2021", "A-1"), ("a/b", "c d"), ("ñandú", "x%2Fy")])
def test_parse_inverts_mint(keys: tuple[str, str]) -> None:
    iris = Iris("https://example.org/obs")
    iri = iris.mint("finding", *keys)
    # each key is one path segment: a slash inside a key is encoded, not a new segment
    assert str(iri).count("/") == "https://example.org/obs/id/finding/".count("/") + 1
    assert iris.parse(str(iri)) == ("finding", keys)


def test_parse_refuses_foreign_iris() -> None:
    iris = Iris()
    assert iris.parse("https://example.org/id/commitment/1") is None
    assert iris.parse(f"{DEFAULT_BASE}def/cfu#score") is None


def test_rebase_text() -> None:
    iris = Iris("https://data.example.org/cco/")
    assert iris.rebase_text(f"<{DEFAULT_BASE}id/x>") == "<https://data.example.org/cco/id/x>"
    assert Iris().rebase_text("unchanged") == "unchanged"


@pytest.mark.parametrize("keys", [("mx-2021", "A-1"), ("a/b", "c d"), ("ñandú", "x%2Fy")])
def test_a_resource_key_round_trips_through_its_iri(keys: tuple[str, str]) -> None:
    iris = Iris("https://example.org/obs/")
    iri = iris.mint("finding", *keys)
    key = iris.key_of(str(iri))
    assert key is not None and key.startswith("finding/")
    assert iris.resource_from_key(key) == iri
    assert iris.local_path(str(iri)) == f"/id/{key}"
    assert document_path(key, ".ttl") == f"/doc/{key}.ttl"


def test_keys_that_cannot_stand_in_an_iri_are_refused() -> None:
    iris = Iris()
    assert iris.key_of("https://example.org/id/commitment/1") is None
    assert iris.local_path("https://example.org/id/commitment/1") is None
    for bad in ("a b", "x>y", "ñ", ""):
        assert not is_key(bad)
        with pytest.raises(ValueError):
            iris.resource_from_key(bad)
