"""Answers of repeated queries, kept in memory: the data is immutable for a release.

A least-recently-used map bounded by the bytes of the answers it holds. It belongs to one app
(``create_app`` makes it) and is used from the event loop only, so it needs no lock.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable

from ..results import Answer


class AnswerCache:
    """An LRU cache of answers, bounded in bytes."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.bytes = 0
        self._answers: OrderedDict[Hashable, Answer] = OrderedDict()

    def __len__(self) -> int:
        return len(self._answers)

    def get(self, key: Hashable) -> Answer | None:
        """The answer kept for a key, if any (and mark it recently used)."""
        answer = self._answers.get(key)
        if answer is not None:
            self._answers.move_to_end(key)
        return answer

    def put(self, key: Hashable, answer: Answer) -> None:
        """Keep an answer, dropping the least recently used ones to stay within the bound."""
        size = len(answer.body)
        if size > self.max_bytes // 8 or key in self._answers:
            return  # one big answer must not flush everything else
        self._answers[key] = answer
        self.bytes += size
        while self.bytes > self.max_bytes:
            _, dropped = self._answers.popitem(last=False)
            self.bytes -= len(dropped.body)
