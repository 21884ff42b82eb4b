"""The answer cache: least recently used out first, bounded in bytes."""

from __future__ import annotations

from lima_lod.results import Answer, Kind
from lima_lod.web.cache import ENTRY_OVERHEAD, AnswerCache


def answer(size: int) -> Answer:
    return Answer(b"x" * size, "json", Kind.SOLUTIONS, 1, False)


def test_keeps_and_returns_answers() -> None:
    cache = AnswerCache(10000)
    cache.put(b"a", answer(10))
    got = cache.get(b"a")
    assert got is not None and got.body == b"x" * 10
    assert cache.get(b"b") is None


def test_drops_the_least_recently_used_to_stay_within_bytes() -> None:
    cache = AnswerCache(80000)
    for key in (b"a", b"b", b"c", b"d"):
        cache.put(key, answer(9000))
    cache.get(b"a")  # a is now the most recently used
    for key in (b"e", b"f", b"g", b"h"):
        cache.put(key, answer(9000))
    cache.put(b"i", answer(9000))
    assert cache.bytes <= 80000
    assert cache.get(b"a") is not None
    assert cache.get(b"b") is None


def test_an_answer_too_big_to_share_the_cache_is_not_kept() -> None:
    cache = AnswerCache(80000)
    cache.put(b"big", answer(20000))
    assert cache.get(b"big") is None and len(cache) == 0


def test_size_zero_keeps_nothing() -> None:
    cache = AnswerCache(0)
    cache.put(b"a", answer(1))
    assert len(cache) == 0


def test_many_tiny_answers_are_bounded_by_their_keys_and_entries_too() -> None:
    # Regression (issue 12, defect 3): only answer bytes were counted, so unique queries with
    # tiny answers grew the cache without bound. Every entry costs its key and its overhead.
    cache = AnswerCache(100_000)
    for number in range(10_000):
        cache.put(number.to_bytes(32, "big"), answer(1))
    assert cache.bytes <= 100_000
    assert len(cache) <= 100_000 // (32 + 1 + ENTRY_OVERHEAD) + 1
