"""Read what the planner needs from a portal: tasks, user, servers, GP task descriptions, quotas, runs.

Only reads; the planner (reconciler.planning.planner) decides. Which owners are read: the default owner,
every `owner:` named in tasks.d/, and (for an administrator) every owner that holds a managed
task, so a task moved between owners is seen on both sides and a task whose file was removed, or
whose `owner:` line was dropped, is still found under the owner it was created for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

from reconciler.errors import NotFoundError, PermissionDeniedError, PortalError
from reconciler.model import (
    FederatedServer,
    GPTaskInfo,
    PortalState,
    PortalUser,
    PortalVersion,
    RemoteTask,
    TaskSpec,
    UnreadableTask,
)
from reconciler.portal.paging import ListingError
from reconciler.portal.protocol import Portal, TaskList
from reconciler.urls import on_federated_server


def owners_of(specs: Iterable[TaskSpec], default_owner: str, holders: Iterable[str] = ()) -> tuple[str, ...]:
    """The default owner first, then every other owner named in the specs or in `holders`, sorted."""
    others = sorted(({s.owner for s in specs if s.owner} | set(holders)) - {default_owner, ""})
    return (default_owner, *others)


class _Reading:
    """What gather collects; listings that fail their checks are recorded, not raised, so the
    planner can refuse exactly the owners it cannot see completely."""

    def __init__(self) -> None:
        self.tasks: list[RemoteTask] = []
        self.unreadable: list[UnreadableTask] = []
        self.quota: dict[str, int | None] = {}
        self.incomplete: dict[str, str] = {}
        self.org_active: dict[str, int] | None = None  # from a complete organization listing

    def add(self, owner: str, listing: TaskList) -> None:
        self.tasks.extend(listing.tasks)
        self.unreadable.extend(replace(u, owner=u.owner or owner) for u in listing.unreadable)
        self.quota[owner] = listing.active_tasks_available


def organization_tasks(portal: Portal, user: PortalUser, reading: _Reading) -> dict[str, TaskList]:
    """Every task of the organization by owner, for an administrator; {} for anyone else (or
    when that listing is incomplete: recorded under the owner "", which the planner refuses).

    Only an administrator may list the organization's tasks (allScheduledTasks, docs/portal-api.md
    §6.11) or manage another user's tasks; a non-administrator can manage only their own, which
    the default owner already covers, so nothing more is read for them.
    """
    if not user.is_admin:
        return {}
    try:
        listing = portal.list_all_tasks()
    except ListingError as e:
        reading.incomplete[""] = e.detail
        return {}
    by_owner: dict[str, list[RemoteTask]] = {}
    reading.org_active = {}
    for task in listing.tasks:
        by_owner.setdefault(task.owner, []).append(task)
        if task.active:
            reading.org_active[task.task_type] = reading.org_active.get(task.task_type, 0) + 1
    lost: dict[str, list[UnreadableTask]] = {}
    for entry in listing.unreadable:
        if entry.owner:
            lost.setdefault(entry.owner, []).append(entry)
        else:  # whose it is is unknown: the planner weighs it against every owner
            reading.unreadable.append(entry)
    return {owner: TaskList(tasks=tuple(by_owner.get(owner, ())), active_tasks_available=None,
                            unreadable=tuple(lost.get(owner, ())))
            for owner in {*by_owner, *lost}}


def gather(portal: Portal, specs: tuple[TaskSpec, ...], *, default_owner: str,
           managed: Callable[[str], bool]) -> PortalState:
    """Everything the planner needs except runs (see with_runs). `managed` tells, by title, the
    tasks the reconciler manages (the planner's ownership rule; this reader holds none of its own).

    An administrator's owners come from one organization-wide listing (allScheduledTasks): every
    owner holding a managed task (or one that cannot be read) is read, and an owner it covers
    costs only its quota request; an owner it does not cover (no tasks at all, or not an
    administrator) is listed on its own, which states the quota too.

    Another owner's tasks that the signed-in user may not list (403), or an owner that does not
    exist (404), count as no tasks and an unknown quota: the planner reports the owner problem.
    A listing that fails its checks (reconciler.portal.paging) is recorded in `incomplete`.

    Raises:
        PortalError: reading the default owner's tasks, the user, the organization's tasks (as an
            administrator) or the servers failed.
    """
    user = portal.me()
    reading = _Reading()
    listed = organization_tasks(portal, user, reading)
    holders = {owner for owner, held in listed.items()
               if held.unreadable or any(managed(t.title) for t in held.tasks)}
    for owner in owners_of(specs, default_owner, holders):
        try:
            if owner in listed:
                reading.add(owner, replace(listed[owner], active_tasks_available=portal.active_tasks_available(owner)))
            else:
                reading.add(owner, portal.list_tasks(owner))
        except ListingError as e:
            reading.incomplete[owner] = e.detail
        except (PermissionDeniedError, NotFoundError):
            if owner == default_owner:
                raise
            reading.quota[owner] = None
    servers = portal.federated_servers()
    owners = owners_of(specs, default_owner, holders)
    return PortalState(
        owner_users=_owner_users(portal, user, owners),
        version=_version(portal, user), limits=_limits(portal, user),
        org_active=reading.org_active,  # a lower bound when some listed tasks could not be read
        tasks=tuple(reading.tasks),
        user=user,
        federated_servers=servers,
        gp_tasks=_gp_tasks(portal, specs, servers),
        active_tasks_available=reading.quota,
        runs={},
        incomplete=reading.incomplete,
        unreadable=tuple(reading.unreadable),
    )


def _owner_users(portal: Portal, user: PortalUser, owners: Iterable[str]) -> dict[str, PortalUser]:
    """For an administrator, the other owners' privileges: the portal checks the owner's, not
    the administrator's, when it creates a task for them. Unknown ones are left out."""
    if not user.is_admin:
        return {}
    found: dict[str, PortalUser] = {}
    for owner in owners:
        if owner == user.username:
            continue
        try:
            if (other := portal.user(owner)) is not None:
                found[owner] = other
        except PortalError:  # not there (the owner check says so) or not shown: nothing is claimed
            continue
    return found


def _limits(portal: Portal, user: PortalUser) -> dict[str, int] | None:
    """An administrator's limits; None (check activeTasksAvailable instead) when not readable."""
    if not user.is_admin:
        return None
    try:
        return portal.system.limits()
    except PortalError:
        return None


def _version(portal: Portal, user: PortalUser) -> PortalVersion | None:
    try:
        return portal.system.version(admin=user.is_admin)
    except PortalError:  # nothing is refused on a version that was not read
        return None


RUN_READERS = 8  # concurrent runs reads: each is one small GET, so latency, not the portal, bounds them [I]


def with_runs(portal: Portal, state: PortalState, task_ids: Iterable[str]) -> PortalState:
    """`state` with the runs of the given tasks (newest first, as the portal lists them), read
    concurrently (at most RUN_READERS at a time). Raises the first read's PortalError."""
    owners = {t.id: t.owner for t in state.tasks}
    wanted = [task_id for task_id in dict.fromkeys(task_ids) if task_id not in state.runs]
    if not wanted:
        return state
    with ThreadPoolExecutor(max_workers=min(RUN_READERS, len(wanted)), thread_name_prefix="runs") as pool:
        found = dict(zip(wanted, pool.map(lambda task_id: portal.runs(task_id, owners.get(task_id)), wanted), strict=True))
    return replace(state, runs={**state.runs, **found})


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
