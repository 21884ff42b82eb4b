"""The one exception tree: every error class is drawn in errors.py's docstring, under its parent."""

from __future__ import annotations

import inspect
import re

from lima_lod import errors


def _drawn() -> dict[str, str | None]:
    """Each class drawn in the docstring tree, with its parent (by indentation)."""
    assert errors.__doc__ is not None
    parents: dict[str, str | None] = {}
    stack: list[tuple[int, str]] = []
    for line in errors.__doc__.splitlines():
        match = re.match(r"^(?P<indent>[\s│├└─]*)(?P<name>[A-Z]\w+)\s", line)
        if not match or not inspect.isclass(getattr(errors, match["name"], None)):
            continue
        depth = len(match["indent"])
        while stack and stack[-1][0] >= depth:
            stack.pop()
        parents[match["name"]] = stack[-1][1] if stack else None
        stack.append((depth, match["name"]))
    return parents


def test_every_error_class_is_drawn_under_its_parent() -> None:
    classes = {
        name: cls
        for name, cls in inspect.getmembers(errors, inspect.isclass)
        if issubclass(cls, errors.LimaLodError)
    }
    drawn = _drawn()
    assert set(drawn) == set(classes)
    for name, parent in drawn.items():
        base = classes[name].__bases__[0]
        assert (base.__name__ if base is not Exception else None) == parent, name


def test_not_found_is_a_404_in_the_tree() -> None:
    assert issubclass(errors.NotFound, errors.QueryError) and errors.NotFound.status == 404
