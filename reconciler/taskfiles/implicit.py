"""Values YAML 1.1 changes behind the user's back, worded as problems.

PyYAML reads YAML 1.1: unquoted `NO` is false, `010` is 8, `12:30` is 750, `1_000` is 1000, and
all of it is sent to the portal as such. yamllint's `truthy` and `octal-values` rules are the
model: say what it became at the line it was written, and the quoted form that keeps the text.
A value so read is a warning (it may be meant); a field name so read is an error, since a name
must be text (and two of them, `no:` and `off:`, would otherwise collide as "False").
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from reconciler.model import FieldPath
from reconciler.taskfiles.yamlsource import Position, Retyped

_OCTAL = re.compile(r"[-+]?0[0-7_]+\Z")
# Task-file fields that take a boolean or a number, never text: the hint is the plain value.
_TYPED = {"enabled": "boolean", "max_occurrences": "number"}


@dataclass(frozen=True, kw_only=True)
class RetypedProblem:
    path: FieldPath
    position: Position
    message: str
    hint: str
    key: bool


def problems(retyped: tuple[Retyped, ...]) -> list[RetypedProblem]:
    return [_problem(r) for r in retyped]


def _problem(r: Retyped) -> RetypedProblem:
    became = _became(r)
    if r.key:
        return RetypedProblem(path=(*r.path[:-1], r.written), position=r.position, key=True,
                              message=f"field name {r.written!r} {became}; a field name must be text",
                              hint=f'quote it: "{r.written}":')
    label = f"{r.path[-1]}: " if r.path and isinstance(r.path[-1], str) else ""
    if len(r.path) == 1 and r.path[0] in _TYPED:  # quoting would give text, which the field refuses
        return RetypedProblem(path=r.path, position=r.position, key=False, message=f"{r.written!r} {became}",
                              hint=f"write {label}{json.dumps(r.value)}: {r.path[0]} takes a {_TYPED[str(r.path[0])]}")
    return RetypedProblem(path=r.path, position=r.position, key=False, message=f"{r.written!r} {became}",
                          hint=f'quote it to keep the text: {label}"{r.written}" (or write {json.dumps(r.value)} '
                          f"for the {'boolean' if isinstance(r.value, bool) else 'number'})")


def _became(r: Retyped) -> str:
    """What YAML 1.1 made of it, and by which of its rules."""
    if isinstance(r.value, bool):
        return f"is read as the boolean {json.dumps(r.value)} (YAML 1.1 reads yes/no/on/off as booleans)"
    if _OCTAL.match(r.written):
        return f"is read as the octal number {r.value} (YAML 1.1 reads a leading 0 as octal)"
    if r.written.lstrip("+-").startswith("0b"):
        return f"is read as the binary number {r.value} (YAML 1.1)"
    if ":" in r.written:
        return f"is read as the number {r.value} (YAML 1.1 reads numbers separated by ':' as base 60)"
    if "_" in r.written:
        return f"is read as the number {r.value} (YAML 1.1 ignores '_' in numbers)"
    return f"is read as the number {r.value} (YAML 1.1)"
