"""Read what the planner needs from a portal: tasks, user, servers, GP task descriptions, quotas, runs.

Only reads; the planner (reconciler.planner) decides. Which owners are read: the default owner
and every `owner:` named in tasks.d/, so a task moved between owners is seen on both sides.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from urllib.parse import urlsplit

from reconciler.errors import NotFoundError, PermissionDeniedError, PortalError
from reconciler.model import FederatedServer, GPTaskInfo, RemoteRun, RemoteTask, TaskSpec
from reconciler.planner import PortalState
from reconciler.portal.protocol import Portal


def owners_of(specs: Iterable[TaskSpec], default_owner: str) -> tuple[str, ...]:
    """The default owner first, then every other owner named in the specs, sorted."""
    others = sorted({s.owner for s in specs if s.owner and s.owner != default_owner})
    return (default_owner, *others)


def gather(portal: Portal, specs: tuple[TaskSpec, ...], *, default_owner: str) -> PortalState:
    """Everything the planner needs except runs (see with_runs).

    Another owner's tasks that the signed-in user may not list (403), or an owner that does not
    exist (404), count as no tasks and an unknown quota: the planner reports the owner problem.

    Raises:
        PortalError: reading the default owner's tasks, the user or the servers failed.
    """
    tasks: list[RemoteTask] = []
    quota: dict[str, int | None] = {}
    for owner in owners_of(specs, default_owner):
        try:
            tasks.extend(portal.iter_tasks(owner))
            quota[owner] = portal.active_tasks_available(owner)
        except (PermissionDeniedError, NotFoundError):
            if owner == default_owner:
                raise
            quota[owner] = None
    servers = portal.federated_servers()
    return PortalState(
        tasks=tuple(tasks),
        user=portal.me(),
        federated_servers=servers,
        gp_tasks=_gp_tasks(portal, specs, servers),
        active_tasks_available=quota,
        runs={},
    )


def with_runs(portal: Portal, state: PortalState, task_ids: Iterable[str]) -> PortalState:
    """`state` with the runs of the given tasks (newest first, as the portal lists them)."""
    owners = {t.id: t.owner for t in state.tasks}
    runs: dict[str, tuple[RemoteRun, ...]] = dict(state.runs)
    for task_id in task_ids:
        if task_id not in runs:
            runs[task_id] = portal.runs(task_id, owners.get(task_id))
    return replace(state, runs=runs)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _gp_tasks(
    portal: Portal, specs: Iterable[TaskSpec], servers: tuple[FederatedServer, ...]
) -> Mapping[str, GPTaskInfo | None]:
    """Each distinct GP task URL's description; None when it cannot be read.

    URLs on a host that is not a federated server are not requested at all (None): the portal
    could not run them, and an unknown host may only time out.
    """
    federated = {_origin(s.url) for s in servers if s.url}
    found: dict[str, GPTaskInfo | None] = {}
    for url in sorted({s.task_url for s in specs if s.task_url}):
        found[url] = _describe(portal, url) if _origin(url) in federated else None
    return found


def _describe(portal: Portal, url: str) -> GPTaskInfo | None:
    try:
        return portal.gp_task_info(url)
    except PortalError:  # NotFoundError, or a server that answers with an error: "not found" to the planner
        return None
