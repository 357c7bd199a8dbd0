"""How each managed task is doing (`reconciler status`): its state, runs, next fire, drift. Pure.

A task is unhealthy when its last finished runs failed (even while it is still active), when the
portal stopped it (taskState "disabled" or "failed" after failed runs, docs/portal-api.md §6.12),
or when it is active and a fire time passed without a run: never run although due, or overdue
(the portal's scheduler stalled: a fire time after its last run, and after its last creation,
start or write, is more than DUE_GRACE old). Every fire leaves a run, a skipped one included
(docs/portal-api.md §6), so a run in flight is a run like any other here. Drift is what the plan
would change for it; a field whose declared value is unknown (an unset ${secret:NAME}, for
status only) has no drift, only `drift_unknown`: never a change, never in sync.

"Runs left" is max_occurrences minus the runs since the portal last restarted its count. The
emulator restarts it when an update changes the schedule, dates or max_occurrences; the portal
shows no restart time, only `updated` (its last write, which is at or after the restart), and
keeps only its last runs (TaskRunHistoryCount, 30 by default). So only runs after `updated` are
counted, and the result is an upper bound ("at most"), exact only for a task never written since
its creation whose whole history is kept [I].
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from reconciler.instants import from_ms, iso_ms, parse_instant
from reconciler.model import RemoteRun, RemoteTask
from reconciler.planning.checks import IN_FLIGHT, is_completed, is_stopped, next_fires, occurrences_left
from reconciler.planning.plan import Action, Change, FieldChange, Plan

FAILED = ("failed", "submitfailed")
# Runs that neither end nor extend a failure streak: under way, or skipped because the previous run
# was still going (not a success; the portal's five-failures count, as the emulator keeps it,
# ignores them too) [I]. Every run, these included, used up an occurrence when it fired [I].
NEUTRAL = (*IN_FLIGHT, "skipped")
DUE_GRACE = timedelta(minutes=10)  # a fire time this long past without a run: due, and not run
# Missed fire times counted past this say "at least": counting is per fire (100 cost a few ms, a
# stall of 16,000 half-hourly fires about a second a task) and the count adds little [I].
MISSED_CAP = 100


@dataclass(frozen=True, kw_only=True)
class TaskHealth:
    name: str
    owner: str
    task_id: str | None  # None: declared, not on the portal
    state: str  # the portal's taskState, else active/paused; "missing" when not on the portal
    active: bool
    last_run: RemoteRun | None
    failures: int  # consecutive failed runs among the finished ones, newest first
    next_fire: str | None  # UTC ISO; None when it will not fire
    would_fire: str | None  # for a paused task: when it would fire if enabled
    runs_left: int | None  # None: no max_occurrences; else at most this many (see the module doc)
    runs_left_exact: bool  # runs_left is exactly what the portal still allows
    drift: tuple[str, ...]  # what the plan would do, e.g. ("update: schedule",); empty: in sync
    drift_fields: tuple[FieldChange, ...]  # what differs, field by field (masked as in the plan)
    drift_unknown: tuple[str, ...]  # fields (dotted) whose drift is unknown: their secret is not set
    problems: tuple[str, ...]  # why it is unhealthy; empty: healthy

    @property
    def healthy(self) -> bool:
        return not self.problems


def assess(plan: Plan, tasks: Sequence[RemoteTask], names: Mapping[str, str],
           runs: Mapping[str, Sequence[RemoteRun]], *, now: datetime,
           unknown: Mapping[str, tuple[str, ...]] | None = None, zone: str = "UTC") -> tuple[TaskHealth, ...]:
    """Every managed task (`names`: task id -> managed name), and every declared task the portal
    lacks; unhealthy ones first, then by owner and name. `unknown`: per declared name, the fields
    (dotted) whose declared value is unknown; fire times read the schedules in `zone` (the scheduler's)."""
    tz = ZoneInfo(zone)
    unknown = unknown or {}
    drift: dict[tuple[str, str], list[Change]] = {}
    for change in plan.changes:
        if (known := _known(change, unknown.get(change.name, ()))) is not None:
            drift.setdefault((change.name, change.owner), []).append(known)
    found = [_one(t, names[t.id], sorted(runs.get(t.id, ()), key=_newest), drift.get((names[t.id], t.owner), []), now,
                  unknown.get(names[t.id], ()), tz)
             for t in tasks if t.id in names]
    seen = {(h.name, h.owner) for h in found}
    found += [TaskHealth(name=c.name, owner=c.owner, task_id=None, state="missing", active=False, last_run=None,
                         failures=0, next_fire=None, would_fire=None, runs_left=None, runs_left_exact=False,
                         drift=tuple(_drift(d) for d in drift[c.key]),
                         drift_fields=tuple(f for d in drift[c.key] for f in d.fields),
                         drift_unknown=unknown.get(c.name, ()), problems=())
              for c in plan.changes if c.task_id is None and (c.name, c.owner) not in seen and c.key in drift]
    return tuple(sorted(found, key=lambda h: (h.healthy, h.owner, h.name)))


def _one(task: RemoteTask, name: str, runs: list[RemoteRun], drift: list[Change], now: datetime,
         unknown: tuple[str, ...], tz: tzinfo) -> TaskHealth:
    failures = _streak(runs)
    capped = task.max_occurrences not in (None, -1)
    left, exact = occurrences_left(task, runs) if capped else (None, False)
    fires = next_fires(task.schedule, start_ms=task.start_date, now=now, count=1, end_ms=task.end_date,
                       runs_left=left, tz=tz)
    upcoming = fires[0] if fires else None
    problems = []
    if failures:
        finished = " finished" if runs[0].status in NEUTRAL else ""
        problems.append(f"the last {failures}{finished} run{'s' if failures > 1 else ''} failed"
                        + (" while the task is still active" if task.active else ""))
    if is_stopped(task):
        problems.append(f"stopped by the portal (taskState {task.task_state}) after failed runs")
    if task.active and not is_completed(task):
        problems += _overdue(task, runs, left, now, tz)
    state = task.task_state or ("active" if task.active else "paused")
    return TaskHealth(
        name=name, owner=task.owner, task_id=task.id, state=state, active=task.active,
        last_run=runs[0] if runs else None, failures=failures,
        next_fire=upcoming if task.active and not is_completed(task) else None,
        would_fire=upcoming if not task.active else None,
        runs_left=left, runs_left_exact=exact, drift=tuple(_drift(c) for c in drift),
        drift_fields=tuple(f for c in drift for f in c.fields), drift_unknown=unknown, problems=tuple(problems),
    )


def _streak(runs: Sequence[RemoteRun]) -> int:
    """Failed runs in a row, newest first, over the finished ones: a run under way or skipped
    neither ends the streak nor adds to it; anything else (a success) ends it."""
    failures = 0
    for run in runs:
        if run.status in FAILED:
            failures += 1
        elif run.status not in NEUTRAL:
            break
    return failures


def _overdue(task: RemoteTask, runs: Sequence[RemoteRun], left: int | None, now: datetime,
             tz: tzinfo) -> list[str]:
    """Why an active task should have run by now and did not: a fire time, more than DUE_GRACE
    ago, after its last run and after its last creation, start or write (enabling is a write: a
    task created paused long ago and enabled a minute ago is not yet due; the portal shows no
    enable time, so `updated` stands for it [I]). None after `end` nor beyond what
    max_occurrences still allows (`left`). Cheap for a task that is on time: one fire time."""
    last = max((r.created for r in runs if r.created is not None), default=None)
    written = max(filter(None, (task.created, task.start_date, task.updated)), default=None)
    since = max(filter(None, (last, written)), default=None)
    if since is None:
        return []
    cutoff = now - DUE_GRACE

    def missed(count: int) -> list[str]:
        fires = next_fires(task.schedule, start_ms=since, now=from_ms(since), count=count, end_ms=task.end_date,
                           runs_left=left, tz=tz)
        return [f for f in fires if parse_instant(f) < cutoff]
    first = missed(1)
    if not first:
        return []
    if not runs:
        return ["never run although due"]
    if last is None or (written is not None and written > last):
        return [f"no run since {iso_ms(written)} although due at {first[0]}"]
    count = len(missed(MISSED_CAP))
    times = f"{'at least ' if count == MISSED_CAP else ''}{count} fire time{'' if count == 1 else 's'}"
    return [f"missed {times} since its last run at {iso_ms(last)}"]


DST_REASON = "daylight-saving change in "  # how planning.zoned words the reason of a DST update


def _known(change: Change, unknown: tuple[str, ...]) -> Change | None:
    """The change without the fields at, under or above an unknown value (what they compare is a
    placeholder); None for an update left with nothing to change."""
    fields = tuple(f for f in change.fields
                   if not any(f.path == u or f.path.startswith(u + ".") or u.startswith(f.path + ".") for u in unknown))
    if len(fields) == len(change.fields):
        return change
    return None if not fields and change.actions == (Action.UPDATE,) else replace(change, fields=fields)


def _newest(run: RemoteRun) -> int:
    return -(run.created or 0)


def _drift(change: Change) -> str:
    paths = sorted({f.path.split(".")[0] for f in change.fields})
    actions = "+".join(a.value for a in change.actions)
    said = f"{actions}: {', '.join(paths)}" if paths and change.task_id is not None else actions
    # A predictable recompile is not a hand edit: say so (planner: reasons joined by "; ").
    dst = next((r for r in change.reason.split("; ") if r.startswith(DST_REASON)), None)
    return f"{said} ({dst})" if dst else said
