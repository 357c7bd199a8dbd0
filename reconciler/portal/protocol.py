"""`Portal`: what plan/apply (reconciler.portal.snapshot, reconciler.applying.executor) need from a portal.

PortalClient implements it over HTTP; tests/portal/test_protocol.py checks the signatures match.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from reconciler.model import (
    FederatedServer,
    GPJob,
    GPTaskInfo,
    PortalUser,
    RemoteRun,
    RemoteTask,
    TaskFields,
    UnreadableTask,
)
from reconciler.portal.content import UserContent
from reconciler.portal.system import PortalSystem


@dataclass(frozen=True, kw_only=True)
class TaskList:
    """A complete listing: the tasks read, those that could not be read, and the quota the
    listing states (activeTasksAvailable; None if unsaid)."""

    tasks: tuple[RemoteTask, ...]
    active_tasks_available: int | None
    unreadable: tuple[UnreadableTask, ...] = ()


class Portal(Protocol):
    system: PortalSystem  # the portal's version and task limits

    @property
    def owner(self) -> str: ...

    def me(self) -> PortalUser: ...

    def portal_time(self) -> datetime: ...

    def content(self) -> UserContent: ...

    def user(self, username: str) -> PortalUser | None: ...

    def federated_servers(self) -> tuple[FederatedServer, ...]: ...

    def iter_tasks(self, owner: str | None = None) -> Iterator[RemoteTask]: ...

    def list_tasks(self, owner: str | None = None) -> TaskList: ...

    def iter_all_tasks(self) -> Iterator[RemoteTask]: ...

    def list_all_tasks(self) -> TaskList: ...

    def active_tasks_available(self, owner: str | None = None) -> int | None: ...

    def get_task(self, task_id: str, owner: str | None = None) -> RemoteTask: ...

    def create_task(self, fields: TaskFields, owner: str | None = None) -> str: ...

    def update_task(self, task_id: str, fields: TaskFields, owner: str | None = None) -> None: ...

    def enable_task(self, task_id: str, owner: str | None = None) -> None: ...

    def disable_task(self, task_id: str, owner: str | None = None) -> None: ...

    def delete_task(self, task_id: str, owner: str | None = None) -> None: ...

    def runs(self, task_id: str, owner: str | None = None, *, with_jobs: bool = False) -> tuple[RemoteRun, ...]: ...

    def run(self, task_id: str, run_id: str, owner: str | None = None, *, with_job: bool = True) -> RemoteRun: ...

    def gp_job(self, job_url: str) -> GPJob: ...

    def gp_task_info(self, task_url: str) -> GPTaskInfo: ...

    def close(self) -> None: ...
