"""A complete listing of tasks out of checked pages (reconciler.portal.paging): each entry read
into a RemoteTask, or kept as an UnreadableTask naming the field, so one bad entry neither
stops the listing nor goes unnoticed. Pure."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

from reconciler.model import RemoteTask, UnreadableTask
from reconciler.portal import paging, wire
from reconciler.portal.protocol import TaskList


def _entries(pages: Iterator[dict[str, Any]]) -> Iterator[RemoteTask | UnreadableTask]:
    """Every entry of every page, in order; an id listed twice means the pages overlapped."""
    seen: set[str] = set()
    for page in pages:
        for data in page["tasks"]:
            try:
                task = wire.task_from_wire(data)
            except wire.MalformedTask as e:
                owner = data.get("userId") if isinstance(data, dict) and isinstance(data.get("userId"), str) else None
                yield UnreadableTask(id=e.task_id, title=e.title, owner=owner, reason=e.message)
                continue
            if task.id in seen:
                raise paging.ListingError(f"task {task.id} was listed twice (the pages overlap)")
            seen.add(task.id)
            yield task


def read(pages: Iterator[dict[str, Any]]) -> TaskList:
    """The whole listing, with the quota its first page states."""
    first = next(pages)
    entries = list(_entries(itertools.chain((first,), pages)))
    return TaskList(tasks=tuple(e for e in entries if isinstance(e, RemoteTask)),
                    active_tasks_available=wire.quota_from_wire(first),
                    unreadable=tuple(e for e in entries if isinstance(e, UnreadableTask)))


def tasks(pages: Iterator[dict[str, Any]]) -> Iterator[RemoteTask]:
    """The tasks page by page, as they arrive; once all are read, MalformedTask if any entry
    could not be read (so no caller mistakes a partial list for the whole)."""
    unreadable: list[UnreadableTask] = []
    for entry in _entries(pages):
        if isinstance(entry, UnreadableTask):
            unreadable.append(entry)
        else:
            yield entry
    if unreadable:
        more = f" (and {len(unreadable) - 1} more)" if len(unreadable) > 1 else ""
        raise wire.MalformedTask(unreadable[0].reason + more, task_id=unreadable[0].id, title=unreadable[0].title,
                                 field=None)
