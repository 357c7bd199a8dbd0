"""Read what the planner needs from a portal: tasks, user, servers, GP task descriptions, quotas, runs.

Only reads; the planner (reconciler.planning.planner) decides. Which owners are read: the default owner,
every `owner:` named in tasks.d/, and (for an administrator) every owner that holds a managed
task, so a task moved between owners is seen on both sides and a task whose file was removed, or
whose `owner:` line was dropped, is still found under the owner it was created for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace

from reconciler.errors import NotFoundError, PermissionDeniedError, PortalError
from reconciler.model import FederatedServer, GPTaskInfo, PortalState, PortalUser, RemoteRun, RemoteTask, TaskSpec
from reconciler.portal.protocol import Portal
from reconciler.urls import on_federated_server


def owners_of(specs: Iterable[TaskSpec], default_owner: str, holders: Iterable[str] = ()) -> tuple[str, ...]:
    """The default owner first, then every other owner named in the specs or in `holders`, sorted."""
    others = sorted(({s.owner for s in specs if s.owner} | set(holders)) - {default_owner, ""})
    return (default_owner, *others)


def organization_tasks(portal: Portal, user: PortalUser) -> dict[str, list[RemoteTask]]:
    """Every task of the organization by owner, for an administrator; {} for anyone else.

    Only an administrator may list the organization's tasks (allScheduledTasks, docs/portal-api.md §6.11) or manage
    another user's tasks; a non-administrator can manage only their own, which the default owner
    already covers, so nothing more is read for them.
    """
    if not user.is_admin:
        return {}
    found: dict[str, list[RemoteTask]] = {}
    for task in portal.iter_all_tasks():
        found.setdefault(task.owner, []).append(task)
    return found


def gather(portal: Portal, specs: tuple[TaskSpec, ...], *, default_owner: str,
           managed: Callable[[RemoteTask], bool]) -> PortalState:
    """Everything the planner needs except runs (see with_runs). `managed` tells the tasks the
    reconciler manages (the planner's ownership rule; this reader holds none of its own).

    An administrator's owners come from one organization-wide listing (allScheduledTasks): every
    owner holding a managed task is read, and an owner it covers costs only its quota request;
    an owner it does not cover (no tasks at all, or not an administrator) is listed on its own,
    which states the quota too.

    Another owner's tasks that the signed-in user may not list (403), or an owner that does not
    exist (404), count as no tasks and an unknown quota: the planner reports the owner problem.

    Raises:
        PortalError: reading the default owner's tasks, the user, the organization's tasks (as an
            administrator) or the servers failed.
    """
    user = portal.me()
    listed = organization_tasks(portal, user)
    holders = {owner for owner, held in listed.items() if any(managed(t) for t in held)}
    tasks: list[RemoteTask] = []
    quota: dict[str, int | None] = {}
    for owner in owners_of(specs, default_owner, holders):
        try:
            if owner in listed:
                quota[owner] = portal.active_tasks_available(owner)
                tasks.extend(listed[owner])
            else:
                found = portal.list_tasks(owner)
                quota[owner] = found.active_tasks_available
                tasks.extend(found.tasks)
        except (PermissionDeniedError, NotFoundError):
            if owner == default_owner:
                raise
            quota[owner] = None
    servers = portal.federated_servers()
    return PortalState(
        tasks=tuple(tasks),
        user=user,
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


def _gp_tasks(
    portal: Portal, specs: Iterable[TaskSpec], servers: tuple[FederatedServer, ...]
) -> Mapping[str, GPTaskInfo | None]:
    """Each distinct GP task URL's description; None when it cannot be read.

    URLs not on a federated server (urls.on_federated_server, the planner's own rule) are not
    requested at all (None): the portal could not run them, an unknown host may only time out,
    and the planner reports them as not federated anyway.
    """
    found: dict[str, GPTaskInfo | None] = {}
    for url in sorted({s.task_url for s in specs if s.task_url}):
        found[url] = _describe(portal, url) if on_federated_server(url, servers) else None
    return found


def _describe(portal: Portal, url: str) -> GPTaskInfo | None:
    try:
        return portal.gp_task_info(url)
    except PortalError:  # NotFoundError, or a server that answers with an error: "not found" to the planner
        return None
