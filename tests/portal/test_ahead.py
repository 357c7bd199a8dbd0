"""The listing read ahead (portal/ahead.py): the answer, the error and the log lines of the read
made in a thread are those of a read made when gather asks; nothing of it shows when nobody asks.

A stand-in portal records the calls (this is the wrapper's own contract; the e2e tests read real
listings through it on every plan)."""

from __future__ import annotations

import logging
import threading
from typing import Any

import pytest

from reconciler.errors import PortalError
from reconciler.portal.ahead import listing_ahead
from reconciler.portal.protocol import TaskList

LOG = logging.getLogger("reconciler.portal")


class User:
    def __init__(self, admin: bool) -> None:
        self.is_admin = admin


class Portal:
    def __init__(self, *, admin: bool = False, fail: bool = False) -> None:
        self.admin, self.fail = admin, fail
        self.owner = "publisher"
        self.calls: list[tuple[str, Any]] = []
        self.logged = threading.Event()

    def me(self) -> User:
        return User(self.admin)

    def _listing(self, what: str, owner: Any) -> TaskList:
        self.calls.append((what, owner))
        LOG.warning("retrying GET %s in 0.50 s (HTTP 503)", what)
        self.logged.set()
        if self.fail:
            raise PortalError("list tasks failed: HTTP 503", operation="list tasks")
        return TaskList(tasks=(), active_tasks_available=7, unreadable=())

    def list_tasks(self, owner: str | None = None) -> TaskList:
        return self._listing("tasks", owner)

    def list_all_tasks(self) -> TaskList:
        return self._listing("all", None)

    def federated_servers(self) -> tuple[()]:
        return ()


def test_the_first_listing_comes_from_the_read_ahead_and_later_ones_from_the_portal() -> None:
    portal = Portal()
    with listing_ahead(portal) as ahead:  # type: ignore[arg-type]
        assert ahead.list_tasks().active_tasks_available == 7
        assert portal.calls == [("tasks", "publisher")], "read once, ahead"
        ahead.list_tasks()
        ahead.list_tasks("other")
        assert ahead.federated_servers() == ()
    assert portal.calls == [("tasks", "publisher"), ("tasks", None), ("tasks", "other")]


def test_an_administrator_reads_the_organization_ahead() -> None:
    portal = Portal(admin=True)
    with listing_ahead(portal) as ahead:  # type: ignore[arg-type]
        ahead.list_all_tasks()
        ahead.list_tasks()
    assert portal.calls == [("all", None), ("tasks", None)]


def test_an_error_of_the_read_ahead_is_raised_where_the_listing_is_asked_for() -> None:
    with listing_ahead(Portal(fail=True)) as ahead:  # type: ignore[arg-type]
        with pytest.raises(PortalError, match="HTTP 503"):
            ahead.list_tasks()


def test_its_log_lines_show_when_the_listing_is_asked_for(caplog: pytest.LogCaptureFixture) -> None:
    portal = Portal()
    with caplog.at_level(logging.DEBUG, logger="reconciler.portal"), listing_ahead(portal) as ahead:  # type: ignore[arg-type]
        assert portal.logged.wait(10)
        LOG.warning("the main thread's own line")
        assert [r.getMessage() for r in caplog.records] == ["the main thread's own line"], "held meanwhile"
        ahead.list_tasks()
        assert [r.getMessage() for r in caplog.records][-1] == "retrying GET tasks in 0.50 s (HTTP 503)"
    assert not [f for f in LOG.filters if type(f).__name__ == "_Held"], "the filter is gone"


def test_nothing_of_it_shows_when_the_listing_is_never_asked_for(caplog: pytest.LogCaptureFixture) -> None:
    """The task files have errors: plan stops before the portal is needed."""
    portal = Portal(fail=True)
    with caplog.at_level(logging.DEBUG, logger="reconciler.portal"), listing_ahead(portal):  # type: ignore[arg-type]
        assert portal.logged.wait(10)
    LOG.warning("after")
    assert [r.getMessage() for r in caplog.records] == ["after"]
