"""The answer cache: least recently used out first, bounded in bytes."""

from __future__ import annotations

from lima_lod.results import Answer, Kind
from lima_lod.web.cache import AnswerCache


def answer(size: int) -> Answer:
    return Answer(b"x" * size, "json", Kind.SOLUTIONS, 1, False)


def test_keeps_and_returns_answers() -> None:
    cache = AnswerCache(1000)
    cache.put("a", answer(10))
    got = cache.get("a")
    assert got is not None and got.body == b"x" * 10
    assert cache.get("b") is None


def test_drops_the_least_recently_used_to_stay_within_bytes() -> None:
    cache = AnswerCache(800)
    for key in "abcd":
        cache.put(key, answer(100))
    cache.get("a")  # a is now the most recently used
    for key in "efgh":
        cache.put(key, answer(100))
    cache.put("i", answer(100))
    assert cache.bytes <= 800
    assert cache.get("a") is not None
    assert cache.get("b") is None


def test_an_answer_too_big_to_share_the_cache_is_not_kept() -> None:
    cache = AnswerCache(800)
    cache.put("big", answer(200))
    assert cache.get("big") is None and len(cache) == 0


def test_size_zero_keeps_nothing() -> None:
    cache = AnswerCache(0)
    cache.put("a", answer(1))
    assert len(cache) == 0
