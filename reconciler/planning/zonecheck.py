"""The portal scheduler's own time zone, inferred from what the task listing already says. Pure.

Esri documents no time zone for the scheduler. Every listed task carries `nextStart`; for an
active task whose schedule fires at one hour and one minute, that is compared with the next fire
time the schedule has when read as UTC (as reconciler reads it). A consistent whole-quarter-hour
difference is the scheduler's offset. Only such tasks are evidence: with an hour list an offset can
map the list onto itself (0,2,...,22 under UTC+2) and read as UTC. `reconciler doctor`, `plan` and
`status` all judge from this one inference; no request is made for it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from reconciler.instants import parse_instant, to_ms
from reconciler.model import RemoteTask, Severity
from reconciler.planning.checks import next_fires
from reconciler.planning.plan import Diagnostic

_ONE_TIME = re.compile(r"\d{1,2}")
_QUARTER_MS = 15 * 60 * 1000
_HOUR_MS = 3_600_000
_DAY_MS = 86_400_000
# Evidence enough: past this many tasks that count, the rest are not compared (each comparison is
# one fire time; 10,000 tasks would add their cost to every plan for nothing) [I].
MAX_EVIDENCE = 500
PROJECT_KEY = "scheduler_timezone"  # the project-file setting that names the portal's zone


@dataclass(frozen=True, kw_only=True)
class ZoneEvidence:
    """nextStart minus the UTC reading's next fire, in ms, and how many tasks showed each
    difference, most common first. Empty: no task was evidence."""

    deltas: tuple[tuple[int, int], ...]

    @property
    def consistent(self) -> int | None:
        """The one difference every task showed; None when none did or they disagree."""
        return self.deltas[0][0] if len(self.deltas) == 1 else None

    def describe(self) -> str:
        """`5 tasks 2 h earlier; 1 task agree`."""
        return "; ".join(f"{n} task{'s' if n > 1 else ''} {hours(d)}" for d, n in self.deltas)


def infer(tasks: Iterable[RemoteTask], now: datetime) -> ZoneEvidence:
    deltas = Counter[int]()
    counted = 0
    for task in tasks:
        delta = offset(task, now)
        if delta is not None:
            deltas[delta] += 1
            counted += 1
            if counted >= MAX_EVIDENCE:
                break
    return ZoneEvidence(deltas=tuple(deltas.most_common()))


def offset(task: RemoteTask, now: datetime) -> int | None:
    """nextStart minus the next fire by the UTC reading, in ms, when a whole quarter-hour within 14 h."""
    fixed = _ONE_TIME.fullmatch(task.schedule.hour.strip()) and _ONE_TIME.fullmatch(task.schedule.minute.strip())
    if not task.active or task.next_start is None or not fixed:
        return None
    # A start already past counts from now either way; leaving it out lets tasks share the cached times.
    start = task.start_date if task.start_date is not None and task.start_date > (to_ms(now) or 0) else None
    fires = next_fires(task.schedule, start_ms=start, now=now, count=1, end_ms=None)
    if not fires:
        return None
    delta = task.next_start - int(parse_instant(fires[0]).timestamp() * 1000)
    # A nextStart a day off (the UTC reading's next fire falls on the other side of midnight) folds back.
    for shift in (0, -_DAY_MS, _DAY_MS):
        folded = delta + shift
        if abs(folded) <= 14 * _HOUR_MS and folded % _QUARTER_MS == 0:
            return folded
    return None


def hours(delta_ms: int) -> str:
    return "agree" if delta_ms == 0 else f"{abs(delta_ms) / _HOUR_MS:g} h {'later' if delta_ms > 0 else 'earlier'}"


def zone_name(delta_ms: int) -> str:
    """`+02:00`: a schedule read as UTC+2 fires 2 h before its UTC reading."""
    minutes = -delta_ms // 60_000
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def warnings(tasks: Iterable[RemoteTask], now: datetime) -> tuple[Diagnostic, ...]:
    """What `plan` and `status` say about the portal's zone: a consistent offset other than zero
    (fire times are off by it), or disagreeing offsets; nothing when the evidence agrees with UTC
    or there is none."""
    evidence = infer(tasks, now)
    if not evidence.deltas:
        return ()
    delta = evidence.consistent
    if delta == 0:
        return ()
    if delta is None:
        return (Diagnostic(severity=Severity.WARNING, message="the portal's nextStart disagrees with reconciler's "
                           "UTC reading of the schedules by different amounts (" + evidence.describe() + "): a "
                           "daylight-saving zone, or tasks edited elsewhere; fire times shown may be off",
                           hint="`reconciler doctor` reports the portal's time zone"),)
    (_, count), = evidence.deltas
    return (Diagnostic(severity=Severity.WARNING, message=f"the portal's scheduler appears to read schedules as "
                       f"UTC{zone_name(delta)}: the nextStart of {count} task{'s' if count > 1 else ''} is "
                       f"{hours(delta)} than reconciler's UTC reading, so the fire times shown here are off by that much",
                       hint=f"set `{PROJECT_KEY}: <zone>` in the project file (reconciler.yaml) to the portal's "
                       "zone, e.g. Europe/Berlin"),)
