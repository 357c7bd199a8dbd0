"""Pure rules about task documents: values JSON cannot hold, task names, unique names."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from reconciler.model import FieldPath, Problem, SourceRef, TaskSpec
from reconciler.taskfiles import schema


@dataclass(frozen=True, kw_only=True)
class NotJson:
    """A value YAML can express but JSON (and so the portal) cannot; `path` as in the cleaned data
    (mapping keys as text, list indices as ints); `at_key` when the key itself is the problem."""

    path: FieldPath
    message: str
    hint: str
    at_key: bool = False


def json_only(value: Any, path: FieldPath = ()) -> tuple[Any, list[NotJson]]:
    """`value` with keys as text and non-JSON values as None, and what was wrong where."""
    if isinstance(value, dict):
        cleaned: dict[str, Any] = {}
        found: list[NotJson] = []
        for key, item in value.items():
            child = (*path, str(key))
            if not isinstance(key, str):
                written = json.dumps(key) if isinstance(key, (bool, int, float, type(None))) else str(key)  # false, null
                found.append(NotJson(path=child, message=f"field name {written} is not text",
                                     hint=f'quote it: "{written}":', at_key=True))
            cleaned[str(key)], inner = json_only(item, child)
            found.extend(inner)
        return cleaned, found
    if isinstance(value, list):
        pairs = [json_only(item, (*path, index)) for index, item in enumerate(value)]
        return [v for v, _ in pairs], [p for _, problems in pairs for p in problems]
    if isinstance(value, float) and not math.isfinite(value):
        return None, [NotJson(path=path, message=f"{value} is not a JSON number",
                              hint="write a finite number, or quote it as text")]
    if isinstance(value, (str, int, float, bool, type(None))):
        return value, []
    kinds: dict[type, str] = {bytes: "binary data (!!binary)", set: "a set (!!set)"}
    kind = kinds.get(type(value), f"a {type(value).__name__}")
    return None, [NotJson(path=path, message=f"{kind} is not a JSON value",
                          hint="use text, numbers, true/false, lists and mappings")]


def is_task_name(text: str) -> bool:
    """The schema's rule for `name`, as the whole string (the planner reads names back from titles)."""
    return schema.matches(schema.task_schema()["properties"]["name"]["pattern"], text)


@dataclass(frozen=True, kw_only=True)
class Claim:
    """The names and adopt_id one task document claims. Read even from a document with other
    errors, so a duplicate name is reported in the same run as those errors."""

    name: str | None
    previous_names: tuple[str, ...]
    adopt_id: str | None
    source: SourceRef


def claim(data: dict[str, Any], bad_fields: set[str | int], source: SourceRef) -> Claim:
    """What `data` claims, from the fields that have no error of their own."""
    def good(key: str) -> Any:
        return None if key in bad_fields else data.get(key)

    name, previous, adopt_id = good("name"), good("previous_names"), good("adopt_id")
    return Claim(
        name=name if isinstance(name, str) else None,
        previous_names=tuple(n for n in previous if isinstance(n, str)) if isinstance(previous, list) else (),
        adopt_id=adopt_id if isinstance(adopt_id, str) else None,
        source=source,
    )


def duplicate_names(claims: Iterable[Claim]) -> list[Problem]:
    """Names (and previous names) must be unique across the whole folder."""
    claims = list(claims)
    seen: dict[str, Claim] = {}
    problems: list[Problem] = []
    for one in claims:
        for name in (*([one.name] if one.name else []), *one.previous_names):
            first = seen.get(name)
            if first is not None and first is not one:
                problems.append(
                    Problem(
                        source=one.source,
                        field="name" if name == one.name else "previous_names",
                        message=f"task name '{name}' is already used at {first.source}",
                        hint="names identify tasks on the portal and must be unique across the folder",
                    )
                )
            else:
                seen[name] = one
    adopters: dict[str, Claim] = {}
    for one in claims:
        first = adopters.setdefault(one.adopt_id, one) if one.adopt_id else one
        if first is not one:
            taken_by = f"{first.name} at {first.source}" if first.name else f"the task at {first.source}"
            problems.append(Problem(source=one.source, field="adopt_id",
                                    message=f"adopt_id {one.adopt_id} is already taken by {taken_by}",
                                    hint="one portal task can become one declared task: remove one of them"))
    return problems


# The longest portal title the reconciler writes, ownership mark included. Esri documents no limit
# for task titles [I]; 128 characters stays well under the item title limits portals apply, and a
# portal that cut a title short would make the task look unmanaged (README, "The project file").
MAX_TITLE = 128


def long_names(specs: Iterable[TaskSpec], mark: str) -> list[Problem]:
    """Names whose title (`mark` + name) would be longer than MAX_TITLE."""
    return [
        Problem(
            source=spec.source,
            field="name",
            message=f"the portal title {mark + spec.name!r} would be {len(mark + spec.name)} characters, more than "
            f"the {MAX_TITLE} the reconciler writes",
            hint=f"shorten the name to at most {MAX_TITLE - len(mark)} characters (the mark {mark!r} takes the rest)",
        )
        for spec in specs if len(mark + spec.name) > MAX_TITLE
    ]
