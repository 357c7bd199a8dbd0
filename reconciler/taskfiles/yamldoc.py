"""What a parsed task file is: its documents, with where each value and key was written.

Shared by the two readers: yamlevents (the fast one, straight from the parser's events, for the
plain files almost every task file is) and yamlsource (PyYAML's node graph, for everything else,
and every error). Positions are kept as the parser's marks and made into line/column only when a
problem is reported: most documents never need one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import yaml

from reconciler.model import FieldPath

# Bounds for hostile files (a 1 KB alias bomb expands to millions of values): every value of a
# file counted with aliases expanded, and how deep values may nest. A task document holds a few
# dozen values; GP parameters with inline features may hold many thousands.
MAX_VALUES = 200_000
MAX_DEPTH = 100

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Loader(_BaseLoader):  # type: ignore[valid-type,misc,unused-ignore]
    """SafeLoader without the implicit timestamp type: `start: 2027-01-01T00:00:00Z` stays text."""


Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True, kw_only=True)
class Position:
    line: int  # 1-based
    column: int  # 1-based


class Mark(Protocol):
    """Where the parser was (yaml.Mark, or libyaml's own): 0-based."""

    line: int
    column: int
    index: int


def pos(mark: Mark) -> Position:
    return Position(line=mark.line + 1, column=mark.column + 1)


@dataclass(frozen=True, kw_only=True)
class Retyped:
    """An unquoted value YAML 1.1 (PyYAML) reads as a boolean or number where YAML 1.2 and most
    readers see text or another number: `NO` is false, `010` is 8, `12:30` is 750, `1_000` is 1000.
    `path` as in the data (a key's own path when `key`); `written` is the text as typed."""

    path: FieldPath
    written: str
    value: bool | int | float
    position: Position
    key: bool


# YAML 1.2's core schema, for comparison: what these spellings mean there (anything else is text).
_CORE_INT = re.compile(r"[-+]?[0-9]+\Z")
_CORE_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
_CORE_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")


def core_value(written: str) -> object:
    """The value YAML 1.2 gives a plain scalar PyYAML read as a boolean or number (text when neither)."""
    if written in ("true", "True", "TRUE", "false", "False", "FALSE"):
        return written.lower() == "true"
    if _CORE_INT.match(written):
        return int(written, 10)
    if _CORE_HEX.match(written):
        return int(written, 16)
    if written.lstrip("+-") in (".inf", ".Inf", ".INF", ".nan", ".NaN", ".NAN"):
        return None  # the same in YAML 1.2, and not JSON (rules.json_only says so)
    return float(written) if _CORE_FLOAT.match(written) else written


IMPLICIT_TAGS = {"tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}


# Where each value (first) and each key (second) of a document was written, by path.
Marks = tuple[dict[FieldPath, Mark], dict[FieldPath, Mark]]


@dataclass(frozen=True, kw_only=True)
class Document:
    """One YAML document: its data, where it starts, and where each value and key sits.

    `marks` finds the positions when a problem first asks for one: recording them as the fast
    reader goes was almost half its time, and most documents have no problem to place."""

    data: Any
    start: Position
    marks: Callable[[], Marks] = field(compare=False)
    duplicate_keys: tuple[tuple[FieldPath, Position], ...]
    retyped: tuple[Retyped, ...] = ()
    # What the fast reader saw on its way, so the loader need not walk the data again (None:
    # not known, walk it): whether every key is text and every number finite (rules.json_only
    # finds nothing), and the paths of the text values holding a `$` (variables.resolve's work).
    json_plain: bool = False
    dollars: tuple[FieldPath, ...] | None = None

    def position(self, path: FieldPath, *, key: bool = False) -> Position:
        """The position of `path`, or of its nearest written ancestor."""
        values, keys = self.marks()
        table = keys if key else values
        for depth in range(len(path), -1, -1):
            found = table.get(path[:depth]) or values.get(path[:depth])
            if found is not None:
                return pos(found)
        return self.start
