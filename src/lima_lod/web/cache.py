"""Answers of repeated queries, kept in memory: the data is immutable for a release.

A least-recently-used map bounded by the memory its entries take: the answer's bytes, the key's
bytes and a fixed overhead per entry (the map's slot, the Answer object, the bytes objects'
headers). Keys are digests (see endpoint.py), so a 60 KB query costs 32 bytes here, not 60 KB;
a cache of unique queries with tiny answers stays within its bound. It belongs to one app
(``create_app`` makes it) and is used from the event loop only, so it needs no lock.
"""

from __future__ import annotations

from collections import OrderedDict

from ..results import Answer

#: Bytes an entry takes beyond its key and body (measured about 400 with sys.getsizeof and
#: tracemalloc on CPython 3.11; rounded up).
ENTRY_OVERHEAD = 512


def _size(key: bytes, answer: Answer) -> int:
    return len(key) + len(answer.body) + len(answer.format) + ENTRY_OVERHEAD


class AnswerCache:
    """An LRU cache of answers, bounded in bytes of memory, keys included."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.bytes = 0
        self._answers: OrderedDict[bytes, Answer] = OrderedDict()

    def __len__(self) -> int:
        return len(self._answers)

    def get(self, key: bytes) -> Answer | None:
        """The answer kept for a key, if any (and mark it recently used)."""
        answer = self._answers.get(key)
        if answer is not None:
            self._answers.move_to_end(key)
        return answer

    def put(self, key: bytes, answer: Answer) -> None:
        """Keep an answer, dropping the least recently used ones to stay within the bound."""
        size = _size(key, answer)
        if size > self.max_bytes // 8 or key in self._answers:
            return  # one big answer must not flush everything else
        self._answers[key] = answer
        self.bytes += size
        while self.bytes > self.max_bytes:
            dropped_key, dropped = self._answers.popitem(last=False)
            self.bytes -= _size(dropped_key, dropped)
