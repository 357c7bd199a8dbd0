"""Whether the portal's scheduled-task limits leave room for what the plan activates. Pure.

An administrator reads the limits themselves (portaladmin/system/limits: per task type, per user
and per organization, https://developers.arcgis.com/rest/enterprise-administration/portal/
limits-system.htm); anyone else has only the listing's `activeTasksAvailable` for each owner.
The notebook limits count active tasks; the Insights and Workflow Manager ones count tasks
created. Which the GP service limits count is not stated: active, as notebooks [I].
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from reconciler.model import PortalState, RemoteTask, Severity
from reconciler.planning.plan import Action, Change, Diagnostic

# The task type -> the stem of its limits' names (<stem>UserLimit, <stem>OrgLimit).
LIMIT_STEMS = {"GPService": "GPService", "ExecuteNotebook": "ExecuteNotebooks",
               "UpdateInsightsWorkbook": "UpdateInsights", "ExecuteWorkflowManager": "ExecuteWorkflowManager"}
COUNTS_CREATED = frozenset({"UpdateInsightsWorkbook", "ExecuteWorkflowManager"})
RAISE_HINT = ("an administrator raises it: POST <portal>/portaladmin/system/limits/update with category=ScheduleTask "
              "and properties=[{{\"limitName\": \"{limit}\", \"numLimit\": N}}]")


def quota(changes: Iterable[tuple[Change, RemoteTask | None]], state: PortalState) -> list[Diagnostic]:
    """Errors for each owner (and the organization) the plan would take past a limit."""
    changes = list(changes)
    if state.limits is None:
        return _available(changes, state.active_tasks_available)
    return _limits(changes, state, state.limits)


def _limits(changes: list[tuple[Change, RemoteTask | None]], state: PortalState,
            limits: Mapping[str, int]) -> list[Diagnostic]:
    delta: dict[tuple[str, str], int] = {}
    for change, remote in changes:
        kind = _type_of(change, remote)
        step = _creation(change) if kind in COUNTS_CREATED else _activation(change, remote)
        delta[(change.owner, kind)] = delta.get((change.owner, kind), 0) + step
    found: list[Diagnostic] = []
    for (owner, kind), more in sorted(delta.items()):
        stem = LIMIT_STEMS.get(kind)
        if stem is None or more <= 0:
            continue
        limit = limits.get(f"{stem}UserLimit")
        held = sum(1 for t in state.tasks if t.owner == owner and t.task_type == kind
                   and (t.active or kind in COUNTS_CREATED))
        if limit is not None and held + more > limit:
            found.append(_over(f"{owner} would have {held + more} {_counted(kind)} {kind} tasks, but "
                               f"{stem}UserLimit allows {limit}", f"{stem}UserLimit", owner))
    for kind in sorted({k for _, k in delta}):
        stem, more = LIMIT_STEMS.get(kind), sum(v for (_, k), v in delta.items() if k == kind)
        org_limit = limits.get(f"{stem}OrgLimit") if stem else None
        in_org = state.org_active.get(kind, 0) if state.org_active is not None else None  # None: not listed
        if org_limit is None or in_org is None or more <= 0 or kind in COUNTS_CREATED:
            continue
        if in_org + more > org_limit:
            found.append(_over(f"the organization would have {in_org + more} active {kind} tasks, but {stem}OrgLimit "
                               f"allows {org_limit}", f"{stem}OrgLimit", None))
    return found


def _over(message: str, limit: str, owner: str | None) -> Diagnostic:
    return Diagnostic(severity=Severity.ERROR, message=message, owner=owner,
                      hint="disable or delete tasks first, or set `enabled: false` on some of these; "
                      + RAISE_HINT.format(limit=limit))


def _available(changes: list[tuple[Change, RemoteTask | None]], available: Mapping[str, int | None]) -> list[Diagnostic]:
    """Per owner: tasks the plan makes active minus those it stops, vs activeTasksAvailable."""
    delta: dict[str, int] = {}
    for change, remote in changes:
        delta[change.owner] = delta.get(change.owner, 0) + _activation(change, remote)
    return [
        Diagnostic(
            severity=Severity.ERROR,
            message=f"{owner} would have {more} more active tasks, but the portal allows only {available[owner]} more "
                    "(activeTasksAvailable)",
            hint="disable or delete tasks first, or set `enabled: false` on some of these; an administrator can "
                 "raise the owner's limit for the task type (portaladmin/system/limits)",
            owner=owner,
        )
        for owner, more in sorted(delta.items())
        if available.get(owner) is not None and more > (available[owner] or 0)
    ]


def _counted(kind: str) -> str:
    return "created" if kind in COUNTS_CREATED else "active"


def _type_of(change: Change, remote: RemoteTask | None) -> str:
    if change.desired is not None:
        return change.desired.task_type
    return remote.task_type if remote is not None else "GPService"


def _creation(change: Change) -> int:
    return 1 if change.action is Action.CREATE else -1 if change.action is Action.DELETE else 0


def _activation(change: Change, remote: RemoteTask | None) -> int:
    if change.action is Action.CREATE:  # (CREATE, ENABLE) for a move: created paused, then enabled
        wanted = Action.ENABLE in change.actions or (change.desired is not None and change.desired.active)
        return 1 if wanted else 0
    if Action.ENABLE in change.actions:
        return 1
    stops = Action.DISABLE in change.actions or change.action is Action.DELETE
    return -1 if stops and remote is not None and remote.active else 0
