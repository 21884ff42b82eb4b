"""Answers of repeated queries, kept in memory: the data is immutable for a release.

A least-recently-used map bounded by the memory its entries take: the answer's bytes, the key's
bytes and a fixed overhead per entry (the map's slot, the Answer object, the bytes objects'
headers). Keys are digests (see endpoint.py), so a 60 KB query costs 32 bytes here, not 60 KB;
a cache of unique queries with tiny answers stays within its bound. It belongs to one app
(``create_app`` makes it) and is used from the event loop only, so it needs no lock.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from ..results import Answer

#: Bytes an entry takes beyond its key and body (measured about 400 with sys.getsizeof and
#: tracemalloc on CPython 3.11; rounded up).
ENTRY_OVERHEAD = 512
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def _size(key: bytes, answer: Answer) -> int:
    return len(key) + len(answer.body) + len(answer.format) + ENTRY_OVERHEAD


class Lru(Generic[K, V]):
    """A least-recently-used map bounded in bytes, as ``size(key, value)`` counts them; an entry
    larger than ``largest`` is never kept (one big entry must not flush everything else)."""

    def __init__(self, max_bytes: int, size: Callable[[K, V], int], largest: int | None = None):
        self.max_bytes = max_bytes
        self.largest = max_bytes if largest is None else largest
        self.bytes = 0
        self.items: OrderedDict[K, V] = OrderedDict()
        self._size = size

    def __len__(self) -> int:
        return len(self.items)

    def get(self, key: K) -> V | None:
        """The value kept for a key, if any (and mark it recently used)."""
        value = self.items.get(key)
        if value is not None:
            self.items.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> None:
        """Keep a value, dropping the least recently used ones to stay within the bound."""
        size = self._size(key, value)
        if size > self.largest:
            return
        old = self.items.pop(key, None)
        if old is not None:
            self.bytes -= self._size(key, old)
        self.items[key] = value
        self.bytes += size
        while self.bytes > self.max_bytes:
            dropped_key, dropped = self.items.popitem(last=False)
            self.bytes -= self._size(dropped_key, dropped)


class AnswerCache(Lru[bytes, Answer]):
    """An LRU cache of answers, bounded in bytes of memory, keys included."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(max_bytes, _size, largest=max_bytes // 8)
