"""Checks before anything is proposed, and the warnings a reviewer needs. Pure.

Each finding is a Diagnostic on the task it concerns; the planner masks secret values in them.
An unchanged task is never blocked: the owner check runs on every change (delete and disable
included), the service checks only on what apply would send (create, update, enable), and a
run in flight blocks only an update or delete. Warnings about a task's own state (expiry,
auto-disabled, completed) are shown for unchanged tasks too.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta, timezone, tzinfo
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from reconciler import quartz
from reconciler.errors import CronError
from reconciler.instants import from_ms, iso, iso_ms
from reconciler.model import (
    CronFields,
    FederatedServer,
    GPTaskInfo,
    PortalState,
    PortalUser,
    PortalVersion,
    RemoteRun,
    RemoteTask,
    Severity,
    TaskSpec,
)
from reconciler.planning.compare import SCHEDULE_PATHS
from reconciler.planning.plan import Action, Change, Diagnostic
from reconciler.urls import on_federated_server

COMPLETED = "completed"  # maxOccurrences or endDate reached (the emulator's state name [I])
# The states a person or the schedule's own end leaves an inactive task in. Any other state of an
# inactive task ("disabled", "failed", "inactive", in any case) is the portal stopping it: the
# documentation does not say which follows the last failed run, and the docs and UI name
# Disabled, Failed and Inactive [I].
NOT_STOPPED = frozenset({"active", "paused", COMPLETED, ""})


def is_completed(task: RemoteTask) -> bool:
    return (task.task_state or "").strip().lower() == COMPLETED


def is_stopped(task: RemoteTask) -> bool:
    """The portal stopped this task (after failed runs), whatever it calls the state."""
    return not task.active and (task.task_state or "").strip().lower() not in NOT_STOPPED
GP_SERVICE_RELEASE = (11, 2)  # the first Enterprise release that schedules GP services
IN_FLIGHT = ("scheduled", "executing")  # run statuses that mean a run is under way
# What the GP-scheduling blog asks of a custom role (docs/portal-api.md §6.2); the names are
# those reconciler.emulator.auth.GP_SCHEDULING_PRIVILEGES checks. Administrators pass.
GP_SCHEDULING_PRIVILEGES = (
    "portal:publisher:publishFeatures",
    "portal:user:createItem",
    "premium:user:featureanalysis",
)
MIN_INTERVAL = timedelta(minutes=15)
HORIZON = timedelta(days=30)
MAX_COUNTED = 1000
NEXT_FIRES = 3
_SENDS = (Action.CREATE, Action.UPDATE, Action.ENABLE)
# A run in flight blocks what would change or remove the task under it; DISABLE does not stop
# a run that is executing (it only stops future ones), so it is never blocked.
_BLOCKABLE = (Action.UPDATE, Action.DELETE)


@functools.lru_cache(maxsize=4096)  # pure; 10,000 tasks share a few hundred (schedule, start, end) triples
def next_fires(schedule: CronFields, *, start_ms: int | None, now: datetime, count: int = NEXT_FIRES,
               end_ms: int | None = None, runs_left: int | None = None, tz: tzinfo = timezone.utc) -> tuple[str, ...]:
    """The next fire times (UTC ISO "Z") after max(now, start), none after `end_ms` and at most
    `runs_left` (what max_occurrences still allows), the schedule read in `tz` (the scheduler's
    zone); empty for an invalid schedule."""
    after = _counting_from(now, from_ms(start_ms) if start_ms is not None else None)
    if runs_left is not None:
        count = max(0, min(count, runs_left))
    try:
        expr = quartz.from_fields(schedule)
    except CronError:
        return ()
    end = from_ms(end_ms) if end_ms is not None else None
    return tuple(iso(t) for t in quartz.next_fire_times(expr, after=after, count=count, tz=tz) if end is None or t <= end)


RUN_HISTORY = 30  # runs the portal keeps by default (TaskRunHistoryCount); a full list may be trimmed
SAME_WRITE_MS = 1000  # `updated` this close to `created`: the creation itself, no later write [I]


def occurrences_left(task: RemoteTask, runs: Sequence[RemoteRun]) -> tuple[int, bool]:
    """What max_occurrences still allows, at most (counting only runs fired after the task's last
    write, the latest the portal can have restarted its count: a fire is never at the instant of
    a write, so one stamped with it came first), and whether that is exact: only for a task never
    written since its creation whose whole history is kept [I]."""
    since = task.updated if task.updated is not None else task.created
    counted = len(runs) if since is None else sum(1 for r in runs if r.created is not None and r.created > since)
    never_written = (task.created is not None and task.updated is not None
                     and task.updated - task.created <= SAME_WRITE_MS)
    exact = never_written and len(runs) < RUN_HISTORY and all(r.created is not None for r in runs)
    return max(0, (task.max_occurrences or 0) - counted), exact


def _counting_from(now: datetime, start: datetime | None) -> datetime:
    """Fire times are those after this: now, or just before a later start (a fire exactly at
    the start counts)."""
    return max(now, start - timedelta(seconds=1)) if start is not None else now


def needs_runs(actions: Sequence[Action], remote: RemoteTask | None, *, start_listed: bool = False) -> bool:
    """Whether the plan reads this task's runs (see planner.tasks_needing_runs). `start_listed`:
    some task of the picture carries `lastStart` [D], so the listing states it, and a task without
    one never started: no run can be in flight. Without that evidence (a portal whose listing
    leaves the field out) every candidate's runs are read: the block must not fail open."""
    if remote is None:
        return False
    if start_listed and remote.last_start is None and not is_stopped(remote):
        return False
    blockable = any(a in _BLOCKABLE for a in actions)
    return blockable or is_stopped(remote)


def review(
    change: Change | None,
    spec: TaskSpec | None,
    remote: RemoteTask | None,
    *,
    owner: str,
    state: PortalState,
    now: datetime,
    allow_active_runs: bool,
) -> tuple[Change | None, list[Diagnostic]]:
    """Errors and warnings for one task; the change comes back blocked when a run is in flight.
    Messages may hold secret values: the planner masks them (every secret of the run)."""
    notes: list[tuple[Severity, str, str | None]] = []
    actions = change.actions if change is not None else ()
    if actions:
        notes.extend(_owner_check(state.user, owner))
    if spec is not None and any(a in _SENDS for a in actions):
        notes.extend(_service_checks(spec, state, owner))
    if spec is not None:
        notes.extend(_schedule_warnings(spec, change, remote, now))
    if remote is not None and spec is not None:
        notes.extend(_state_warnings(spec, remote, actions, state.runs.get(remote.id)))
    blocked = None
    if change is not None and remote is not None and any(a in _BLOCKABLE for a in actions):
        running = _in_flight(state.runs.get(remote.id, ()))
        if running is not None:
            started = iso_ms(running.created) or "at an unknown time"
            run, verb = f"a run is {running.status} (started {started})", change.action.value
            if allow_active_runs:  # one message either way: the block, or the warning that it was lifted
                notes.append((Severity.WARNING, f"{run}; apply will {verb} the task during it (--allow-active-runs)", None))
            else:
                blocked = f"{run}; pass --allow-active-runs to {verb} the task during it"
    if change is not None and blocked is not None:
        change = replace(change, blocked=blocked)
    name = spec.name if spec is not None else (change.name if change is not None else None)
    source = spec.source if spec is not None else None
    diagnostics = [
        Diagnostic(severity=sev, message=msg, hint=hint, name=name, owner=owner, source=source)
        for sev, msg, hint in notes
    ]
    return change, diagnostics


Note = tuple[Severity, str, "str | None"]


def _owner_check(user: PortalUser, owner: str) -> list[Note]:
    if user.is_admin or owner == user.username:
        return []
    return [(Severity.ERROR, f"signed-in user {user.username} cannot manage tasks of {owner}: only an administrator can",
             f"sign in as {owner} or as an administrator, or change `owner:`")]


def _service_checks(spec: TaskSpec, state: PortalState, owner: str) -> list[Note]:
    if spec.task_type == "ExecuteReport" and state.version is not None and state.version.enterprise:
        # Documented for ArcGIS Online only; refused on a portal that states an Enterprise release.
        return [(Severity.ERROR, f"ExecuteReport tasks are for ArcGIS Online only; this portal is ArcGIS Enterprise "
                 f"{state.version.enterprise}", "remove the task, or schedule the report another way")]
    if spec.task_type != "GPService" or not spec.task_url:
        return []
    notes = _version_check(state.version)
    notes.extend(_privilege_check(state.user))
    if owner in state.owner_users:
        notes.extend(_privilege_check(state.owner_users[owner], whose=f"owner {owner}",
                                      why="the portal checks the owner's privileges when it creates the task"))
    notes.extend(_system_service_check(spec.task_url, state.user))
    federated = _federation_check(spec.task_url, state.federated_servers)
    notes.extend(federated)
    gp_tasks = state.gp_tasks
    if spec.task_url in gp_tasks and not federated:  # a URL off the federated servers is never requested
        info = gp_tasks[spec.task_url]
        if info is None:
            notes.append((Severity.ERROR, f"GP task not found: {spec.task_url}",
                          "check the service and task name in the server's REST services directory"))
        else:
            notes.extend(parameter_checks(spec.parameters, info))
    return notes


def _version_check(version: PortalVersion | None) -> list[Note]:
    """Refused only on evidence: a release the portal states (never a guess from currentVersion)."""
    release = version.release() if version is not None else None
    if version is None or release is None or release >= GP_SERVICE_RELEASE:
        return []
    return [(Severity.ERROR, f"the portal is ArcGIS Enterprise {version.enterprise} (its {version.source}); scheduling "
             "GP services needs 11.2 or later", "upgrade the portal, or schedule these tools another way")]


def _system_service_check(task_url: str, user: PortalUser) -> list[Note]:
    """The services under System/ (publishing, printing, reporting) run for administrators only:
    the portal would refuse the task at apply [I]."""
    if user.is_admin or "/rest/services/system/" not in task_url.lower():
        return []
    return [(Severity.ERROR, f"{task_url} is a System service, which only an administrator may schedule "
             f"(signed in as {user.username})", "sign in as an administrator, or schedule a service of your own")]


def _privilege_check(user: PortalUser, *, whose: str = "", why: str = "") -> list[Note]:
    missing = [p for p in GP_SCHEDULING_PRIVILEGES if p not in user.privileges]
    if user.is_admin or not missing:
        return []
    return [(Severity.ERROR,
             f"{whose or 'signed-in user ' + user.username} lacks privileges needed to schedule geoprocessing services: "
             + ", ".join(missing) + (f" ({why})" if why else ""),
             "a role with Publish hosted feature layers; Create, update, and delete items; "
             "and Standard feature analysis is needed (or an administrator)")]


def _federation_check(task_url: str, servers: Sequence[FederatedServer]) -> list[Note]:
    if on_federated_server(task_url, servers):
        return []
    listed = ", ".join(sorted(s.url for s in servers)) or "none"
    return [(Severity.ERROR, f"task_url is not on a server federated with the portal: {task_url}",
             f"federated servers: {listed}")]


def parameter_checks(parameters: Mapping[str, Any], info: GPTaskInfo) -> list[Note]:
    """YAML parameters vs the service's published inputs: names, required ones, choice lists."""
    inputs = {p.name: p for p in info.inputs}
    notes: list[Note] = []
    for name in sorted(parameters):
        if name not in inputs:
            close = difflib.get_close_matches(name, list(inputs), n=1)
            hint = f"did you mean {close[0]!r}?" if close else "its inputs are: " + (", ".join(sorted(inputs)) or "none")
            notes.append((Severity.ERROR, f"parameter {name!r} is not an input of GP task {info.name}", hint))
        elif inputs[name].choices:
            notes.extend(_choice_check(name, parameters[name], inputs[name].choices))
    for p in info.inputs:
        if p.required and p.default_json in ("null", "") and p.name not in parameters:
            notes.append((Severity.ERROR, f"required parameter {p.name!r} of GP task {info.name} is missing",
                          f"add parameters.{p.name} ({p.data_type})"))
    return notes


def _choice_check(name: str, value: Any, choices: tuple[str, ...]) -> list[Note]:
    values = value if isinstance(value, list) else [value]
    bad = [v for v in values if not isinstance(v, (dict, list)) and str(v) not in choices]
    return [(Severity.ERROR, f"parameter {name!r}: {v!r} is not one of the service's choices",
             "choose one of: " + ", ".join(choices)) for v in bad]


def _schedule_warnings(spec: TaskSpec, change: Change | None, remote: RemoteTask | None, now: datetime) -> list[Note]:
    notes: list[Note] = []
    actions = change.actions if change is not None else ()
    changed = {f.path for f in change.fields} if change is not None else set()
    new_schedule = Action.CREATE in actions or "schedule" in changed
    try:
        expr = quartz.from_fields(spec.schedule)
    except CronError:
        return notes
    if new_schedule:
        gap = min_gap(expr)
        if gap is not None and gap < MIN_INTERVAL:
            minutes = int(gap.total_seconds() // 60)
            notes.append((Severity.WARNING, f"the schedule fires as often as every {minutes} minute"
                          f"{'s' if minutes != 1 else ''}, more often than every 15 minutes", None))
    wanted_active = spec.enabled if change is None or change.desired is None else change.desired.active
    if not wanted_active:
        return notes
    if spec.end is not None and now < spec.end <= now + HORIZON:
        notes.append((Severity.WARNING, f"end {iso(spec.end)} stops the task within 30 days", None))
    elif spec.max_occurrences is not None and (Action.CREATE in actions or changed & SCHEDULE_PATHS):
        notes.extend(_occurrence_warning(expr, spec, now))
    return notes


def min_gap(expr: quartz.QuartzExpression) -> timedelta | None:
    """The shortest time between two fire times, from the minute and hour sets; None when it
    fires at most once an hour. Gaps across midnight are not considered (never below an hour
    unless minutes repeat within the hour anyway)."""
    minutes, hours = sorted(expr.parsed.minutes), expr.parsed.hours
    gaps = [b - a for a, b in pairwise(minutes)]
    if any(h + 1 in hours for h in hours):
        gaps.append(60 - minutes[-1] + minutes[0])
    return timedelta(minutes=min(gaps)) if gaps else None


def _occurrence_warning(expr: quartz.QuartzExpression, spec: TaskSpec, now: datetime) -> list[Note]:
    """When max_occurrences will end the task within the horizon (counted from now, as the
    portal restarts the count for a new schedule). Counting stops at MAX_COUNTED fire times to
    stay cheap; beyond that the warning says "may". Fire times are computed once, and not at
    all when the schedule cannot fire that often within the horizon."""
    limit = spec.max_occurrences
    assert limit is not None
    wanted = min(limit, MAX_COUNTED)
    if wanted > _most_fires_within_horizon(expr):
        return []
    tz = ZoneInfo(spec.zoned.scheduler_zone) if spec.zoned else timezone.utc  # what the scheduler reads it in
    fires = quartz.next_fire_times(expr, after=_counting_from(now, spec.start), count=wanted, tz=tz)
    if len(fires) < wanted or fires[-1] > now + HORIZON:
        return []  # the schedule ends first, or the last run lies beyond the horizon
    if limit <= MAX_COUNTED:
        return [(Severity.WARNING, f"max_occurrences {limit} stops the task within 30 days "
                 f"(its last run at {iso(fires[-1])})", None)]
    return [(Severity.WARNING, f"max_occurrences {limit} may stop the task within 30 days "
             f"({MAX_COUNTED} runs by {iso(fires[-1])})", None)]


def _most_fires_within_horizon(expr: quartz.QuartzExpression) -> int:
    """An upper bound: every second, minute and hour it names on each calendar day the
    horizon touches."""
    p = expr.parsed
    days = HORIZON.days + 1
    return days * len(p.hours) * len(p.minutes) * len(p.seconds)


def _state_warnings(spec: TaskSpec, remote: RemoteTask, actions: tuple[Action, ...],
                    runs: Sequence[RemoteRun] | None) -> list[Note]:
    if remote.active:
        return []
    if is_stopped(remote):
        return [(Severity.WARNING, f"the portal stopped this task (taskState {remote.task_state}) after repeated "
                 "failed runs; " + _last_error(runs),
                 "enabling it runs it again as it is; fix the cause first" if Action.ENABLE in actions else None)]
    if is_completed(remote) and spec.enabled and Action.ENABLE not in actions:
        return [(Severity.WARNING,
                 "the portal completed this task (max_occurrences or end reached); it stays inactive",
                 "to run it again, raise max_occurrences, move end, or change the schedule")]
    return []


def _last_error(runs: Sequence[RemoteRun] | None) -> str:
    if runs is None:
        return "its runs were not read"
    failed = next((r for r in runs if r.status in ("failed", "submitfailed")), None)
    if failed is None:
        return "no failed run is left in its history"
    return f"last failed run ({iso_ms(failed.created) or 'time unknown'}): {failed.result or failed.status}"


def _in_flight(runs: Iterable[RemoteRun]) -> RemoteRun | None:
    return next((r for r in runs if r.status in IN_FLIGHT), None)
