"""TaskSpec -> TaskFields: what create/update send for a declared task. Pure."""

from __future__ import annotations

from typing import Any

from reconciler.instants import to_ms
from reconciler.model import TaskFields, TaskSpec
from reconciler.planning.ownership import DEFAULT_MARK, title_for


def desired_fields(spec: TaskSpec, *, mark: str = DEFAULT_MARK, active: bool | None = None) -> TaskFields:
    """The portal fields `spec` asks for; the title carries the ownership mark plus the name.
    `active`: whether it should end up active, when not simply `enabled` (the planner's say)."""
    return TaskFields(
        title=title_for(spec.name, mark),
        task_type=spec.task_type,
        schedule=spec.schedule,
        parameters_json=spec.parameters_json,
        item_id=spec.item_id or None,
        task_url=spec.task_url,
        max_occurrences=spec.max_occurrences,
        start_date=to_ms(spec.start),
        end_date=to_ms(spec.end),
        active=spec.enabled if active is None else active,
    )


def secret_bearing(spec: TaskSpec) -> dict[str, Any]:
    """The part of a spec its secret paths point into: {"parameters", "task_url", "item_id"}."""
    return {"parameters": spec.parameters, "task_url": spec.task_url, "item_id": spec.item_id}


def secret_values(spec: TaskSpec) -> tuple[str, ...]:
    """The values at the spec's secret paths (the planner masks them everywhere)."""
    if not spec.secret_paths:
        return ()  # most specs: no need to parse their parameters
    doc: Any = secret_bearing(spec)
    found: list[str] = []
    for path in spec.secret_paths:
        value: Any = doc
        for part in path:
            try:
                value = value[part]
            except (KeyError, IndexError, TypeError):
                value = None
                break
        if isinstance(value, str) and value:
            found.append(value)
    return tuple(found)
