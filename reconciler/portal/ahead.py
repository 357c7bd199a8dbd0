"""The portal's task listing read while the task files load.

A plan first loads tasks.d (CPU: YAML, schema) and then pages through the portal's list of
tasks (mostly waiting: 100 pages at 10,000 tasks). Neither needs the other until the planner
runs, so the first listing snapshot.gather will ask for (the organization's for an
administrator, else the default owner's) is read in a thread meanwhile (issue 14: a plan close to
the cost of reading the list). Only reads are made ahead. What the thread raises is raised where
gather asks for the listing, and what it logs (the client's retry notices) is shown then, exactly
as if it had been read then; when nothing asks (the task files have errors), neither is shown.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from typing import Any, cast

from reconciler.portal.protocol import Portal, TaskList

_log = logging.getLogger("reconciler.portal")  # the client's logger (portal/http.py)
_numbers = itertools.count(1)


@contextlib.contextmanager
def listing_ahead(portal: Portal) -> Iterator[Portal]:
    """`portal`, with its first listing already being read. Leaving the block early (bad task
    files, ^C) does not wait for it: the thread only reads, and is a daemon."""
    ahead = _Ahead(portal)
    try:
        yield cast(Portal, ahead)
    finally:
        ahead.future.cancel()
        ahead.held.drop()
        if ahead.future.done():
            ahead.held.finished()


class _Held(logging.Filter):
    """The thread's log records, held until the listing is asked for (then shown, in order) or
    dropped for good when it never is. Removed from the logger once neither can happen."""

    def __init__(self, thread: str) -> None:
        super().__init__()
        self.thread = thread
        self.records: list[logging.LogRecord] | None = []  # None: passing them on
        self.dropping = False
        self.lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        if record.threadName != self.thread:
            return True
        with self.lock:
            if self.dropping:
                return False
            if self.records is not None:
                self.records.append(record)
                return False
        return True

    def release(self) -> None:
        with self.lock:
            held, self.records = self.records or [], None
        for record in held:
            _log.handle(record)

    def drop(self) -> None:
        with self.lock:
            if self.records is not None:
                self.dropping = True

    def finished(self) -> None:
        """The thread is done: nothing more to hold once the listing is shown or dropped."""
        with self.lock:
            if self.records is None or self.dropping:
                _log.removeFilter(self)


def _start(read: Callable[[], TaskList], held: _Held) -> Future[TaskList]:
    future: Future[TaskList] = Future()

    def work() -> None:
        try:
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(read())
                except BaseException as e:  # re-raised by result(), in the thread that asks
                    future.set_exception(e)
        finally:
            held.finished()

    _log.addFilter(held)
    threading.Thread(target=work, name=held.thread, daemon=True).start()
    return future


class _Ahead:
    """A Portal whose first list_all_tasks (administrators) or list_tasks(default owner) answer
    comes from the listing read ahead; everything else, and any later call, goes to the portal."""

    def __init__(self, portal: Portal) -> None:
        self._portal = portal
        self._admin = portal.me().is_admin
        self._owner = portal.owner
        self.held = _Held(f"reconciler-listing-ahead-{next(_numbers)}")
        self.future = _start(portal.list_all_tasks if self._admin else lambda: portal.list_tasks(self._owner),
                             self.held)
        self._taken = False

    def _take(self) -> TaskList | None:
        if self._taken:
            return None
        self._taken = True
        try:
            return self.future.result()
        finally:
            self.held.release()
            if self.future.done():
                self.held.finished()

    def list_all_tasks(self) -> TaskList:
        found = self._take() if self._admin else None
        return self._portal.list_all_tasks() if found is None else found

    def list_tasks(self, owner: str | None = None) -> TaskList:
        found = self._take() if not self._admin and (owner or self._owner) == self._owner else None
        return self._portal.list_tasks(owner) if found is None else found

    def __getattr__(self, name: str) -> Any:
        return getattr(self._portal, name)
