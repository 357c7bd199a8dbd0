"""Several portal tasks under one managed title: copies to remove, or a conflict to report. Pure.

Copies identical in every managed field (a create that landed twice) heal themselves: the oldest
(by `created`, then id) stays, with its run history, and the others are deleted as ordinary
changes. Copies that differ are a conflict no plan may guess at: an error names them and the
fields they differ in, and the name is left alone until someone deletes the wrong ones.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from reconciler.jsonforms import canonical_json, normal_json
from reconciler.model import RemoteTask
from reconciler.planning.compare import schedule_text
from reconciler.urls import normal_url

_FIELDS: dict[str, Callable[[RemoteTask], Any]] = {
    "type": lambda t: t.task_type,
    "schedule": lambda t: schedule_text(t.schedule),
    "task_url": lambda t: normal_url(t.task_url),
    "item_id": lambda t: t.item_id or None,
    "parameters": lambda t: canonical_json(normal_json(t.parameters)),
    "max_occurrences": lambda t: t.max_occurrences,
    "start": lambda t: t.start_date,
    "end": lambda t: t.end_date,
    "enabled": lambda t: t.active,
}


def differing(copies: Sequence[RemoteTask]) -> list[str]:
    """The managed fields in which the copies do not all agree (empty: identical)."""
    return [name for name, value in _FIELDS.items() if len({value(t) for t in copies}) > 1]


def oldest(copies: Sequence[RemoteTask]) -> RemoteTask:
    """The copy to keep: the earliest created (an unknown date counts as newest), then the smallest id."""
    return min(copies, key=lambda t: (t.created is None, t.created or 0, t.id))
