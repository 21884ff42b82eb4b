import pytest

from lima_lod.iris import DEFAULT_BASE, Iris


def test_mints_slash_iris_under_the_base() -> None:
    iris = Iris()
    assert str(iris.commitment(10)) == f"{DEFAULT_BASE}id/commitment/10"
    assert str(iris.observation("mx-2021", 10, "relevance")) == (
        f"{DEFAULT_BASE}id/observation/mx-2021/10/relevance")
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
