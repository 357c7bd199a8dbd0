"""When the planned tasks fire: the load per GP service and per federated server over the next
week, the minutes where too many tasks start on one service, and tasks whose runs outlast the
time between their fire times. Pure; from data already read (no request of its own).

Counting is kept cheap for 10,000 tasks: a task's fire times are those of its (schedule, start,
end, runs left), computed once per such tuple (tasks share a few hundred) with the window's end
as the Quartz engine's bound, at most CAP of them per task (every quarter-hour for a week; a task
firing more often is counted up to its CAP-th fire and named in Load.capped); tasks are then
grouped by (service, those times), so each distinct group is added once.
"""

from __future__ import annotations

import functools
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

from reconciler import quartz
from reconciler.errors import CronError
from reconciler.instants import from_ms, iso, to_ms
from reconciler.model import CronFields, RemoteRun, RemoteTask, Severity, TaskFields
from reconciler.planning.checks import occurrences_left
from reconciler.planning.options import Policy
from reconciler.planning.plan import Action, Diagnostic, Load, LoadSeries

DAYS = 7
BUCKET_MINUTES = 15
CAP = DAYS * 24 * 60 // BUCKET_MINUTES  # 672 fire times per task and window
PER_MINUTE = Policy.collisions_per_minute  # collisions.per_minute's default
RECENT_RUNS = 5  # the finished runs whose median duration is compared with the schedule's interval
FINISHED = ("succeeded", "failed")  # runs that ran to an end (a skipped or submit-failed one did not run)
_NAMED = 5  # tasks named in a collision warning


@dataclass(frozen=True, kw_only=True)
class Planned:
    """One task as it will stand once the plan is applied, active: what fires, where."""

    name: str
    owner: str
    task_url: str
    schedule: CronFields
    start_ms: int | None = None
    end_ms: int | None = None
    runs_left: int | None = None  # what max_occurrences still allows; None: no limit
    task_id: str | None = None  # on the portal already: its runs say how long it takes
    zone: str = "UTC"  # the zone the portal's scheduler reads the schedule in (scheduler_timezone)


def as_planned(name: str, owner: str, desired: TaskFields | None, actions: Sequence[Action], remote: RemoteTask | None,
               *, rescheduled: bool, runs: Mapping[str, Sequence[RemoteRun]], zone: str = "UTC") -> Planned | None:
    """A task of the plan once applied: None unless a GP service task that will be active. A task
    kept on its schedule counts what its runs leave of max_occurrences (when they were read); a
    created or rescheduled one the whole of it (the portal counts again for a new schedule [I])."""
    if desired is None or desired.task_type != "GPService" or not desired.task_url:
        return None
    if not (desired.active or Action.ENABLE in actions) or Action.DELETE in actions:
        return None
    left = desired.max_occurrences if desired.max_occurrences not in (None, -1) else None
    if left is not None and remote is not None and not rescheduled and remote.id in runs:
        left = occurrences_left(remote, runs[remote.id])[0]
    return Planned(name=name, owner=owner, task_url=desired.task_url, schedule=desired.schedule,
                   start_ms=desired.start_date, end_ms=desired.end_date, runs_left=left,
                   task_id=remote.id if remote is not None else None, zone=zone)


def from_remote(task: RemoteTask, name: str, runs_left: int | None = None, zone: str = "UTC") -> Planned | None:
    """A portal task as it stands (status): None unless an active GP service task."""
    if not task.active or task.task_type != "GPService" or not task.task_url:
        return None
    return Planned(name=name, owner=task.owner, task_url=task.task_url, schedule=task.schedule, start_ms=task.start_date,
                   end_ms=task.end_date, runs_left=runs_left, task_id=task.id, zone=zone)


def service_of(task_url: str) -> str:
    """The GP service a task URL names: its path up to `/GPServer` (the task's own name cut off)."""
    parts = urlsplit(task_url.strip())
    path = parts.path.rstrip("/")
    at = path.lower().find("/gpserver")
    path = path[: at + len("/gpserver")] if at >= 0 else path.rsplit("/", 1)[0]
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, "", ""))


def server_of(task_url: str) -> str:
    """The federated server: the origin and the web adaptor's context (what precedes `/rest/services`)."""
    parts = urlsplit(task_url.strip())
    at = parts.path.lower().find("/rest/services")
    path = parts.path[:at] if at >= 0 else ""
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path.rstrip("/"), "", ""))


@functools.lru_cache(maxsize=4096)
def fire_minutes(schedule: CronFields, start_ms: int | None, end_ms: int | None, runs_left: int | None,
                 now: datetime, zone: str = "UTC") -> tuple[int, ...]:
    """Epoch minutes of the fire times in (now, now + DAYS], the schedule read in `zone` (the
    scheduler's), at most CAP + 1 (one more than is counted, so that a capped task shows); none
    for an invalid schedule."""
    try:
        expr = quartz.from_fields(schedule)
    except CronError:
        return ()
    until = now + timedelta(days=DAYS)
    if end_ms is not None:
        until = min(until, from_ms(end_ms))
    after = max(now, from_ms(start_ms) - timedelta(seconds=1)) if start_ms is not None else now
    count = CAP + 1 if runs_left is None else min(CAP + 1, max(0, runs_left))
    if count == 0 or until <= after:
        return ()
    return tuple(int(t.timestamp()) // 60 for t in quartz.next_fire_times(expr, after=after, count=count, until=until,
                                                                          tz=ZoneInfo(zone)))


def _fires(p: Planned, now: datetime) -> tuple[int, ...]:
    now_ms = to_ms(now) or 0
    start = p.start_ms if p.start_ms is not None and p.start_ms > now_ms else None  # a past start: shared times
    return fire_minutes(p.schedule, start, p.end_ms, p.runs_left, now, p.zone)


def assess(planned: Sequence[Planned], now: datetime, *, per_minute: int = PER_MINUTE
           ) -> tuple[Load, tuple[Diagnostic, ...]]:
    """The load of `planned` and the collision warnings (more than `per_minute` tasks starting in
    one minute on one service)."""
    start = now.replace(minute=0, second=0, microsecond=0)
    first = int(start.timestamp()) // 60
    groups: dict[tuple[str, tuple[int, ...]], list[Planned]] = defaultdict(list)
    capped: list[str] = []
    for p in planned:
        fires = _fires(p, now)
        if len(fires) > CAP:
            capped.append(p.name)
        groups[(service_of(p.task_url), fires[:CAP])].append(p)
    by_service: dict[str, Counter[int]] = defaultdict(Counter)
    tasks: Counter[str] = Counter()
    for (service, fires), members in groups.items():
        minutes = by_service[service]
        tasks[service] += len(members)
        for minute in fires:
            minutes[minute] += len(members)
    by_server: dict[str, Counter[int]] = defaultdict(Counter)
    server_tasks: Counter[str] = Counter()
    for service, minutes in by_service.items():
        server = server_of(service)
        by_server[server].update(minutes)
        server_tasks[server] += tasks[service]
    load = Load(start=iso(start), days=DAYS, bucket_minutes=BUCKET_MINUTES, cap=CAP, capped=tuple(sorted(capped)),
                servers=tuple(_series(url, server_tasks[url], by_server[url], first) for url in sorted(by_server)),
                services=tuple(_series(url, tasks[url], by_service[url], first) for url in sorted(by_service)))
    notes = [n for service in sorted(by_service)
             if (n := _collision(service, by_service[service], groups, per_minute)) is not None]
    return load, tuple(notes)


def _series(url: str, tasks: int, minutes: Counter[int], first: int) -> LoadSeries:
    buckets: Counter[int] = Counter()
    for minute, count in minutes.items():
        buckets[(minute - first) // BUCKET_MINUTES] += count
    return LoadSeries(url=url, tasks=tasks, fires=sum(minutes.values()), buckets=tuple(sorted(buckets.items())))


def _collision(service: str, minutes: Counter[int], groups: Mapping[tuple[str, tuple[int, ...]], list[Planned]],
               per_minute: int) -> Diagnostic | None:
    crowded = sorted(m for m, n in minutes.items() if n > per_minute)
    if not crowded:
        return None
    worst = max(crowded, key=lambda m: (minutes[m], -m))  # the most crowded, the earliest of those
    names = sorted(p.name for (s, fires), members in groups.items() if s == service and worst in fires for p in members)
    shown = ", ".join(names[:_NAMED]) + (f" and {len(names) - _NAMED} more" if len(names) > _NAMED else "")
    others = len(crowded) - 1
    more = f"; {others} other minute{'s' if others != 1 else ''} in the next {DAYS} days too" if others else ""
    return Diagnostic(severity=Severity.WARNING, message=f"{minutes[worst]} tasks start on {service} in the same "
                      f"minute, {iso(from_ms(worst * 60_000))} ({shown}){more}: more than {per_minute} at once",
                      hint="spread their start minutes, or raise `collisions: {per_minute: N}` in the project file")


def overruns(planned: Iterable[Planned], runs: Mapping[str, Sequence[RemoteRun]], now: datetime, *,
             attached: bool = True) -> tuple[Diagnostic, ...]:
    """Tasks whose recent runs (the median of the last RECENT_RUNS finished ones) take longer than
    the shortest time between two of their coming fire times: the portal skips a fire while the
    previous run is still going (docs/portal-api.md §6). Only tasks whose runs were read count.

    `attached=False` (the plan): each warning is about the plan as a whole and names its task in
    the message, because a change's own warnings are part of what `apply PLANFILE` compares, and a
    run finishing between plan and apply (which leaves the plan fresh) can move the median."""
    found = []
    for p in planned:
        if p.task_id is None or p.task_id not in runs:
            continue
        took = _typical_ms(runs[p.task_id])
        gap = _interval_ms(_fires(p, now))
        if took is None or gap is None or took <= gap:
            continue
        message = (f"its recent runs take {_span(took)} (the median of its last finished ones), longer than the "
                   f"{_span(gap)} between its fire times: runs will be skipped while the previous one is still going")
        found.append(Diagnostic(severity=Severity.WARNING, name=p.name, owner=p.owner, message=message,
                                hint="fire less often, or make the tool faster") if attached else
                     Diagnostic(severity=Severity.WARNING, message=f"{p.name} ({p.owner}): {message}",
                                hint="fire less often, or make the tool faster"))
    return tuple(found)


def _typical_ms(runs: Sequence[RemoteRun]) -> int | None:
    newest = sorted((r for r in runs if r.status in FINISHED and r.created is not None and r.updated is not None),
                    key=lambda r: -(r.created or 0))[:RECENT_RUNS]
    return int(statistics.median((r.updated or 0) - (r.created or 0) for r in newest)) if newest else None


def _interval_ms(fires: Sequence[int]) -> int | None:
    gaps = [b - a for a, b in pairwise(fires)]
    return min(gaps) * 60_000 if gaps else None


def _span(ms: int) -> str:
    minutes = round(ms / 60_000)
    if minutes < 1:
        return f"{ms / 1000:.0f} s"
    return f"{minutes} min" if minutes < 120 else f"{minutes / 60:.1f} h"
