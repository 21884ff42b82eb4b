"""Read YAML keeping where every value came from, and printed numbers exactly as printed.

First stage of the flow: ``data/*.yaml`` -> :class:`Mapping` / :class:`Sequence` trees whose
nodes know their file and line, so every later error can point back to the source.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from .errors import DataError, Location


class Mapping(dict[str, Any]):
    """A YAML mapping that remembers its own location and the line of each key."""

    location: Location
    key_lines: dict[str, int]

    def where(self, key: str | None = None) -> Location:
        """The location of one key's value (or of the mapping itself)."""
        if key is not None and key in self.key_lines:
            return Location(self.location.file, self.key_lines[key])
        return self.location


class Sequence(list[Any]):
    """A YAML sequence that remembers its location and the line of each item."""

    location: Location
    item_lines: list[int]

    def where(self, index: int) -> Location:
        """The location of one item."""
        line = self.item_lines[index] if index < len(self.item_lines) else self.location.line
        return Location(self.location.file, line)


def _loader_for(name: str) -> type[yaml.SafeLoader]:
    class Loader(yaml.SafeLoader):
        """A safe loader that keeps locations and reads decimals as printed."""

    def mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> Mapping:
        out = Mapping()
        out.location = Location(name, node.start_mark.line + 1)
        out.key_lines = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                raise DataError(
                    Location(name, key_node.start_mark.line + 1), str(key), key, "a text key"
                )
            if key in out:
                raise DataError(
                    Location(name, key_node.start_mark.line + 1),
                    key,
                    "a second value",
                    "each key once in a mapping",
                )
            out[key] = loader.construct_object(value_node, deep=True)
            out.key_lines[key] = value_node.start_mark.line + 1
        return out

    def sequence(loader: yaml.SafeLoader, node: yaml.SequenceNode) -> Sequence:
        out = Sequence(loader.construct_object(child, deep=True) for child in node.value)
        out.location = Location(name, node.start_mark.line + 1)
        out.item_lines = [child.start_mark.line + 1 for child in node.value]
        return out

    def decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal | float:
        text = str(loader.construct_scalar(node))
        try:
            return Decimal(text.replace("_", ""))
        except ArithmeticError:  # .inf, .nan: keep YAML's float, the schema rejects it
            return float(loader.construct_yaml_float(node))

    def as_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> str:
        # Dates and times stay text: the schema decides what a date must look like.
        return str(loader.construct_scalar(node))

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, sequence)
    Loader.add_constructor("tag:yaml.org,2002:float", decimal)
    Loader.add_constructor("tag:yaml.org,2002:timestamp", as_text)
    return Loader


def read_yaml(path: Path, shown_as: str | None = None) -> Mapping:
    """Parse one YAML file into a located tree; raise DataError with file and line if it is bad.

    Args:
        path: the file to read.
        shown_as: the name errors give the file (defaults to the path as given).
    """
    name = shown_as or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(Location(name), "(file)", f"byte {exc.start}", "UTF-8 text") from None
    except OSError as exc:
        raise DataError(Location(name), "(file)", exc.strerror, "a readable file") from None
    try:
        tree = yaml.load(text, Loader=_loader_for(name))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        raise DataError(
            Location(name, line), "(syntax)", exc.problem or str(exc), "well-formed YAML"
        ) from None
    except yaml.YAMLError as exc:
        raise DataError(Location(name), "(syntax)", str(exc), "well-formed YAML") from None
    if not isinstance(tree, Mapping):
        raise DataError(
            Location(name, 1), "(top level)", type(tree).__name__, "a mapping of sections"
        )
    return tree
