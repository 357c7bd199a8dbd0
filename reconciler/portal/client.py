"""PortalClient: every Sharing API operation the reconciler needs, over the one choke-point. Writes go through
reconciler.portal.writes (an unknown outcome resolved without duplicates); listing through reconciler.portal.paging."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime
from types import TracebackType
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit

from reconciler.errors import NotFoundError, PermissionDeniedError
from reconciler.model import FederatedServer, GPJob, GPTaskInfo, PortalUser, RemoteRun, RemoteTask, TaskFields
from reconciler.portal import listing, paging, system, wire, writes
from reconciler.portal.auth import DEFAULT_EXPIRATION_MINUTES, FixedToken, PasswordToken, TokenSource
from reconciler.portal.content import UserContent
from reconciler.portal.http import Http, origin
from reconciler.portal.protocol import TaskList
from reconciler.portal.retry import RetryPolicy
from reconciler.portal.settings import ConnectionSettings

T = TypeVar("T")
PAGE_SIZE = 100  # asked for: the documented maximum of `num` (docs/portal-api.md §4, as every § here)


class PortalClient:
    """A signed-in session with one portal. Thread-safe; use as a context manager.

    Args:
        settings: connection settings (reconciler.portal.settings.settings_from).
        retry, sleep, clock: the retry policy, how to wait, and monotonic seconds for token refresh
            (tests pass tiny delays, record instead of sleeping, and move the clock).
        expiration_minutes: token lifetime to ask generateToken for.
        max_workers: bound on concurrent page/job reads.
    """

    def __init__(self, settings: ConnectionSettings, *, retry: RetryPolicy | None = None,
                 sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic,
                 expiration_minutes: int = DEFAULT_EXPIRATION_MINUTES, max_workers: int = 4) -> None:
        self.settings = settings
        self._http = Http(settings, retry=retry, sleep=sleep)
        self._http.tokens = self._token_source(settings, clock, expiration_minutes)
        self._max_workers = max(1, max_workers)
        self._lock = threading.Lock()
        self._me: PortalUser | None = None
        self._servers: tuple[FederatedServer, ...] | None = None
        self._gp_tasks: dict[str, GPTaskInfo] = {}
        self.system = system.PortalSystem(self._http)  # the portal's version and task limits

    def portal_time(self) -> datetime:
        return self._http.portal_time()  # now by the portal's clock (its Date header)

    def _token_source(self, s: ConnectionSettings, clock: Callable[[], float], minutes: int) -> TokenSource:
        if s.token:
            return FixedToken(s.token)
        assert s.username and s.password, "build_settings guarantees credentials"
        return PasswordToken(username=s.username, password=s.password, referer=origin(s.portal_url),
                             fetch=self._generate_token, expiration_minutes=minutes, clock=clock)

    def _generate_token(self, form: Any) -> dict[str, Any]:
        # POST body only (never the URL); idempotent in effect, so retried like a read.
        return self._http.call("POST", "generateToken", data=form, auth=False, operation="sign in",
                               credentials_check=True)

    def __repr__(self) -> str:
        return f"PortalClient(portal_url={self.settings.portal_url!r}, username={self.settings.username!r})"

    def __enter__(self) -> PortalClient:
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def me(self) -> PortalUser:
        """The signed-in user with role and privileges (community/self), cached.

        Raises:
            AuthError: bad credentials or token.
        """
        with self._lock:
            if self._me is None:
                self._me = wire.user_from_wire(self._get("community/self", operation="read the signed-in user"))
            return self._me

    def user(self, username: str) -> PortalUser | None:
        """Another user's role and privileges (community/users/<name>); None unless shown (admins see them [I])."""
        body = self._get(f"community/users/{quote(username, safe='')}", operation=f"read user {username}")
        return wire.user_from_wire(body) if isinstance(body.get("privileges"), list) else None

    @property
    def owner(self) -> str:  # whose tasks to manage: the pinned owner, else the signed-in user
        return self.settings.owner or self.me().username

    def content(self) -> UserContent:
        """The signed-in user's own items (the apply lock's place)."""
        return UserContent(self._http, self.me().username, max_workers=self._max_workers)

    def federated_servers(self) -> tuple[FederatedServer, ...]:
        """Servers federated with the portal (portals/self/servers), cached; the token may go to them.

        Falls back to the `servers` list of portals/self when the servers resource is refused
        (it may be admin-only on real portals [I]).
        """
        with self._lock:
            if self._servers is None:
                try:
                    body = self._get("portals/self/servers", operation="list federated servers")
                except PermissionDeniedError:
                    body = self._get("portals/self", operation="read the portal")
                self._servers = tuple(wire.server_from_wire(s) for s in body.get("servers") or ())
                for server in self._servers:
                    if server.url:
                        self._http.trust(server.url)
            return self._servers

    # -- tasks -------------------------------------------------------------------------------

    def iter_tasks(self, owner: str | None = None) -> Iterator[RemoteTask]:
        """Every task of `owner` (default `self.owner`) as list_tasks checks them, a generator
        (pages are fetched as they are needed, a few ahead).

        Raises:
            PortalError: as list_tasks, and MalformedTask when a task cannot be read.
        """
        return listing.tasks(self._pages(self._tasks_path(owner), operation="list tasks"))

    def list_tasks(self, owner: str | None = None) -> TaskList:
        """Every task of `owner` in the portal's order, with those that could not be read and the
        quota the first page states (activeTasksAvailable), so the quota costs no request of its own.

        Raises:
            ListingError: the pages do not add up to a complete listing (reconciler.portal.paging).
            PortalError: as the choke-point does, e.g. PermissionDeniedError for another's tasks.
        """
        return listing.read(self._pages(self._tasks_path(owner), operation="list tasks"))

    def iter_all_tasks(self) -> Iterator[RemoteTask]:
        """Every user's task in the organization, as list_all_tasks reads them (and raises), and
        MalformedTask when a task cannot be read."""
        return listing.tasks(self._pages("portals/self/allScheduledTasks", operation="list all scheduled tasks"))

    def list_all_tasks(self) -> TaskList:
        """Every user's task in the organization (portals/self/allScheduledTasks, §6.11), each
        task's `owner` its `userId`; paged and checked like list_tasks.

        Raises:
            PermissionDeniedError: the signed-in user is not an administrator.
        """
        return listing.read(self._pages("portals/self/allScheduledTasks", operation="list all scheduled tasks"))

    def active_tasks_available(self, owner: str | None = None) -> int | None:
        """How many more tasks `owner` may have active (the list's activeTasksAvailable); None if
        unsaid. One request (num=1); list_tasks gives it with the tasks at no extra cost."""
        body = self._get(self._tasks_path(owner), params={"start": "1", "num": "1"}, operation="read the task quota")
        return wire.quota_from_wire(body)

    def get_task(self, task_id: str, owner: str | None = None) -> RemoteTask:
        """One task. Raises: NotFoundError when it does not exist."""
        return wire.task_from_wire(self._get(self._task_path(task_id, owner), operation=f"read task {task_id}"))

    def create_task(self, fields: TaskFields, owner: str | None = None) -> str:
        """Create a task, never twice (reconciler.portal.writes); returns its id. An inactive one
        is created paused. `owner` defaults to `self.owner`.

        Raises:
            PortalError: the portal refused it (e.g. 400 invalid schedule, 403 privilege), or its
                outcome is unknown (never resent: reconciler.portal.writes).
        """
        owner = owner or self.owner
        op = f"create task {fields.title!r}"
        task_id = self._write(f"{self._tasks_path(owner)}/createTask", wire.create_form(fields), operation=op,
                              landed=lambda: self._find(owner, fields), done=lambda body: wire.created_id(body, op),
                              resend=False)
        if not fields.active and self.get_task(task_id, owner).active:
            self.disable_task(task_id, owner)  # in case the portal ignored isActive=false [I]
        return task_id

    def update_task(self, task_id: str, fields: TaskFields, owner: str | None = None) -> None:
        """Replace every field of a task but its active state (see wire.update_form); checked
        before any resend (see reconciler.portal.writes).

        Raises:
            NotFoundError: no such task. PortalError: the portal refused the change.
        """
        owner = owner or self.owner
        self._write(f"{self._task_path(task_id, owner)}/update", wire.update_form(fields),
                    operation=f"update task {task_id}", done=lambda body: True,
                    landed=lambda: wire.matches(self.get_task(task_id, owner), fields, check_active=False) or None)

    def enable_task(self, task_id: str, owner: str | None = None) -> None:
        """Set a task active (counts against the portal's active-task quota)."""
        self._toggle(task_id, owner, active=True)

    def disable_task(self, task_id: str, owner: str | None = None) -> None:
        """Set a task inactive (paused); it keeps its definition and runs."""
        self._toggle(task_id, owner, active=False)

    def delete_task(self, task_id: str, owner: str | None = None) -> None:
        """Delete a task. Raises: NotFoundError when it was not there in the first place."""
        self._write(f"{self._task_path(task_id, owner)}/delete", {}, operation=f"delete task {task_id}",
                    done=lambda body: True, landed=lambda: self._gone(task_id, owner), gone=True)

    # -- runs and GP jobs --------------------------------------------------------------------

    def runs(self, task_id: str, owner: str | None = None, *, with_jobs: bool = False) -> tuple[RemoteRun, ...]:
        """A task's runs as the portal lists them (newest first; at most 30 by default, §6.7).

        With `with_jobs`, each run that links a GP job gets `job` (status and messages), read
        concurrently (bounded).
        """
        body = self._get(f"{self._task_path(task_id, owner)}/runs", operation=f"list runs of task {task_id}")
        found = tuple(wire.run_from_wire(r, task_id) for r in body.get("runs") or ())
        return self._with_jobs(found) if with_jobs else found

    def run(self, task_id: str, run_id: str, owner: str | None = None, *, with_job: bool = True) -> RemoteRun:
        """One run, with its GP job's status and messages when it links one."""
        body = self._get(f"{self._task_path(task_id, owner)}/runs/{quote(run_id, safe='')}", operation=f"read run {run_id}")
        found = wire.run_from_wire(body, task_id)
        return self._with_jobs((found,))[0] if with_job else found

    def gp_job(self, job_url: str) -> GPJob:
        """A GP job's status and messages: GET <job URL>?returnMessages=true on the federated server."""
        self._ensure_trusted(job_url)
        body = self._get(job_url, params={"returnMessages": "true"}, operation=f"read GP job {job_url.rsplit('/', 1)[-1]}")
        return wire.job_from_wire(body, job_url)

    def gp_task_info(self, task_url: str) -> GPTaskInfo:
        """A GP task's parameters as its service describes them (GET <taskUrl>?f=json), cached
        (apply's convergence check plans again); a failed read is not cached."""
        if task_url in self._gp_tasks:
            return self._gp_tasks[task_url]
        self._ensure_trusted(task_url)
        info = wire.gp_task_from_wire(self._get(task_url, operation=f"describe GP task {task_url}"), task_url)
        with self._lock:
            return self._gp_tasks.setdefault(task_url, info)

    # -- internals ---------------------------------------------------------------------------

    def _get(self, path: str, *, operation: str, params: dict[str, str] | None = None) -> dict[str, Any]:
        return self._http.call("GET", path, params=params, operation=operation)

    def _tasks_path(self, owner: str | None) -> str:
        return f"community/users/{quote(owner or self.owner, safe='')}/tasks"

    def _task_path(self, task_id: str, owner: str | None) -> str:
        return f"{self._tasks_path(owner)}/{quote(task_id, safe='')}"

    def _pages(self, path: str, *, operation: str) -> Iterator[dict[str, Any]]:
        return paging.iter_pages(lambda start: self._page(path, start, operation), max_workers=self._max_workers,
                                 operation=operation)

    def _page(self, path: str, start: int, operation: str) -> dict[str, Any]:
        return self._get(path, params={"start": str(start), "num": str(PAGE_SIZE)}, operation=operation)

    def _write(self, path: str, form: dict[str, str], *, operation: str, landed: Callable[[], T | None],
               done: Callable[[dict[str, Any]], T], resend: bool = True, gone: T | None = None) -> T:
        send = lambda: self._http.call("POST", path, data=form, write=True, operation=operation)  # noqa: E731
        return writes.checked(send, operation=operation, landed=landed, done=done, wait=self._wait_before_check,
                              resend=resend, gone=gone)

    def _wait_before_check(self) -> None:
        self._http.sleep(self._http.retry.verify_delay)

    def _find(self, owner: str, fields: TaskFields) -> str | None:
        candidates = [t for t in self.iter_tasks(owner) if wire.matches(t, fields, check_active=False)]
        return max(candidates, key=lambda t: t.created or 0).id if candidates else None

    def _gone(self, task_id: str, owner: str | None) -> bool | None:
        try:
            self.get_task(task_id, owner)
        except NotFoundError:
            return True
        return None

    def _toggle(self, task_id: str, owner: str | None, *, active: bool) -> None:
        verb = "enable" if active else "disable"
        self._write(f"{self._task_path(task_id, owner)}/{verb}", {}, operation=f"{verb} task {task_id}",
                    done=lambda body: True, landed=lambda: self.get_task(task_id, owner).active is active or None)

    def _ensure_trusted(self, url: str) -> None:
        if origin(url) not in self._http.trusted:
            self.federated_servers()

    def _with_jobs(self, runs: tuple[RemoteRun, ...]) -> tuple[RemoteRun, ...]:
        def attach(run: RemoteRun) -> RemoteRun:
            if "/jobs/" not in urlsplit(run.url).path:
                return run
            return replace(run, job=self.gp_job(run.url))

        if not runs:
            return runs
        with ThreadPoolExecutor(max_workers=min(self._max_workers, len(runs))) as pool:
            return tuple(pool.map(attach, runs))
