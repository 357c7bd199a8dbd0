"""How each managed task is doing (`reconciler status`): its state, runs, next fire, drift. Pure.

A task is unhealthy when its last runs failed (even while it is still active), when the portal
stopped it (taskState "disabled" or "failed" after failed runs, docs/portal-api.md §6.12), or
when it is active and due but has never run. Drift is what the plan would change for it.
Runs are those the portal keeps (TaskRunHistoryCount, 30 by default): "occurrences left" is
max_occurrences minus the runs counted, so it is a lower bound once history was trimmed [I].
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from reconciler.instants import from_ms, parse_instant
from reconciler.model import RemoteRun, RemoteTask
from reconciler.planning.checks import AUTO_DISABLED, COMPLETED, next_fires
from reconciler.planning.plan import Change, Plan

FAILED = ("failed", "submitfailed")
STOPPED = (AUTO_DISABLED, "failed")  # states the portal puts a task in after failed runs
COUNTED = ("succeeded", "failed", "submitfailed", "skipped")  # runs that use up an occurrence (as the emulator counts) [I]
DUE_GRACE = timedelta(minutes=10)  # a fire time this long past without a run: "never run although due"


@dataclass(frozen=True, kw_only=True)
class TaskHealth:
    name: str
    owner: str
    task_id: str | None  # None: declared, not on the portal
    state: str  # the portal's taskState, else active/paused; "missing" when not on the portal
    active: bool
    last_run: RemoteRun | None
    failures: int  # consecutive failed runs, newest first
    next_fire: str | None  # UTC ISO; None when it will not fire
    would_fire: str | None  # for a paused task: when it would fire if enabled
    runs_left: int | None  # None: no max_occurrences
    drift: tuple[str, ...]  # what the plan would do, e.g. ("update: schedule",); empty: in sync
    problems: tuple[str, ...]  # why it is unhealthy; empty: healthy

    @property
    def healthy(self) -> bool:
        return not self.problems


def assess(plan: Plan, tasks: Sequence[RemoteTask], names: Mapping[str, str],
           runs: Mapping[str, Sequence[RemoteRun]], *, now: datetime) -> tuple[TaskHealth, ...]:
    """Every managed task (`names`: task id -> managed name), and every declared task the portal
    lacks; unhealthy ones first, then by owner and name."""
    drift: dict[tuple[str, str], list[str]] = {}
    for change in plan.changes:
        drift.setdefault((change.name, change.owner), []).append(_drift(change))
    found = [_one(t, names[t.id], sorted(runs.get(t.id, ()), key=_newest), drift.get((names[t.id], t.owner), []), now)
             for t in tasks if t.id in names]
    seen = {(h.name, h.owner) for h in found}
    found += [TaskHealth(name=c.name, owner=c.owner, task_id=None, state="missing", active=False, last_run=None,
                         failures=0, next_fire=None, would_fire=None, runs_left=None,
                         drift=tuple(drift[(c.name, c.owner)]), problems=())
              for c in plan.changes if c.task_id is None and (c.name, c.owner) not in seen]
    return tuple(sorted(found, key=lambda h: (h.healthy, h.owner, h.name)))


def _one(task: RemoteTask, name: str, runs: list[RemoteRun], drift: list[str], now: datetime) -> TaskHealth:
    failures = 0
    for run in runs:
        if run.status not in FAILED:
            break
        failures += 1
    counted = sum(1 for r in runs if r.status in COUNTED)
    capped = task.max_occurrences not in (None, -1)
    left = max(0, (task.max_occurrences or 0) - counted) if capped else None
    fires = next_fires(task.schedule, start_ms=task.start_date, now=now, count=1, end_ms=task.end_date,
                       runs_left=left)
    upcoming = fires[0] if fires else None
    problems = []
    if failures:
        problems.append(f"the last {failures} run{'s' if failures > 1 else ''} failed"
                        + (" while the task is still active" if task.active else ""))
    if not task.active and task.task_state in STOPPED:
        problems.append(f"stopped by the portal (taskState {task.task_state}) after failed runs")
    if task.active and not runs and _was_due(task, now):
        problems.append("never run although due")
    state = task.task_state or ("active" if task.active else "paused")
    return TaskHealth(
        name=name, owner=task.owner, task_id=task.id, state=state, active=task.active,
        last_run=runs[0] if runs else None, failures=failures,
        next_fire=upcoming if task.active and state != COMPLETED else None,
        would_fire=upcoming if not task.active else None,
        runs_left=left, drift=tuple(drift), problems=tuple(problems),
    )


def _was_due(task: RemoteTask, now: datetime) -> bool:
    """A fire time fell between the task's creation (or start) and now, with time to spare."""
    since = max(filter(None, (task.created, task.start_date)), default=None)
    if since is None:
        return False
    first = next_fires(task.schedule, start_ms=since, now=from_ms(since), count=1, end_ms=task.end_date)
    return bool(first) and parse_instant(first[0]) < now - DUE_GRACE


def _newest(run: RemoteRun) -> int:
    return -(run.created or 0)


def _drift(change: Change) -> str:
    paths = sorted({f.path.split(".")[0] for f in change.fields})
    actions = "+".join(a.value for a in change.actions)
    return f"{actions}: {', '.join(paths)}" if paths and change.task_id is not None else actions
