"""The portal's task listing read while the task files load.

A plan first loads tasks.d (CPU: YAML, schema) and then pages through the portal's list of
tasks (mostly waiting: 100 pages at 10,000 tasks). Neither needs the other until the planner
runs, so the first listing snapshot.gather will ask for (the organization's for an
administrator, else the default owner's) is read in a thread meanwhile (issue 14: a plan close to
the cost of reading the list). Only reads are made ahead; what the thread raises is raised where
gather asks for the listing, exactly as if it had been read then.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from typing import Any, cast

from reconciler.portal.protocol import Portal, TaskList


@contextlib.contextmanager
def listing_ahead(portal: Portal) -> Iterator[Portal]:
    """`portal`, with its first listing already being read. Leaving the block early (bad task
    files, ^C) does not wait for it: the thread only reads, and is a daemon."""
    ahead = _Ahead(portal)
    try:
        yield cast(Portal, ahead)
    finally:
        ahead.future.cancel()


def _start(read: Callable[[], TaskList]) -> Future[TaskList]:
    future: Future[TaskList] = Future()

    def work() -> None:
        if not future.set_running_or_notify_cancel():
            return
        try:
            future.set_result(read())
        except BaseException as e:  # re-raised by result(), in the thread that asks
            future.set_exception(e)

    threading.Thread(target=work, name="reconciler-listing-ahead", daemon=True).start()
    return future


class _Ahead:
    """A Portal whose first list_all_tasks (administrators) or list_tasks(default owner) answer
    comes from the listing read ahead; everything else, and any later call, goes to the portal."""

    def __init__(self, portal: Portal) -> None:
        self._portal = portal
        self._admin = portal.me().is_admin
        self._owner = portal.owner
        self.future = _start(portal.list_all_tasks if self._admin else lambda: portal.list_tasks(self._owner))
        self._taken = False

    def _take(self) -> TaskList | None:
        if self._taken:
            return None
        self._taken = True
        return self.future.result()

    def list_all_tasks(self) -> TaskList:
        found = self._take() if self._admin else None
        return self._portal.list_all_tasks() if found is None else found

    def list_tasks(self, owner: str | None = None) -> TaskList:
        found = self._take() if not self._admin and (owner or self._owner) == self._owner else None
        return self._portal.list_tasks(owner) if found is None else found

    def __getattr__(self, name: str) -> Any:
        return getattr(self._portal, name)
