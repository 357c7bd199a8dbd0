"""The portal scheduler's own time zone, inferred from what the task listing already says. Pure.

Esri documents no time zone for the scheduler. Every listed task carries `nextStart`; for an
active task whose schedule fires at one hour and one minute, that is compared with the next fire
time the schedule has when read in the zone reconciler assumes (the project file's
`scheduler_timezone`, UTC by default, daylight saving included). A consistent whole-quarter-hour
difference means the scheduler reads another zone, whose UTC offset is named. Only such tasks are
evidence: with an hour list an offset can map the list onto itself (0,2,...,22 under UTC+2).
`reconciler doctor`, `plan` and `status` all judge from this one inference; no request is made for it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from reconciler.instants import parse_instant, to_ms
from reconciler.model import RemoteTask, Severity
from reconciler.planning.checks import next_fires
from reconciler.planning.plan import Diagnostic

_ONE_TIME = re.compile(r"\d{1,2}")
_QUARTER_MS = 15 * 60 * 1000
_HOUR_MS = 3_600_000
_DAY_MS = 86_400_000
# UTC offsets run from -12 h to +14 h, so one difference modulo a day can name two: of those, the
# one in (-11 h, +13 h] (Honolulu's -10 h rather than Kiribati's +14 h, Auckland's +12 h or +13 h
# rather than -12 h or -11 h, where almost nobody lives) [I].
_EAST_MOST_MS = 13 * _HOUR_MS
# Evidence enough: past this many tasks that count, the rest are not compared (each comparison is
# one fire time; 10,000 tasks would add their cost to every plan for nothing) [I].
MAX_EVIDENCE = 500
PROJECT_KEY = "scheduler_timezone"  # the project-file setting that names the portal's zone


@dataclass(frozen=True, kw_only=True)
class ZoneEvidence:
    """nextStart minus the next fire read in `zone` (the assumed scheduler zone), in ms, and how
    many tasks showed each difference, most common first; `apparent` the UTC offset (ms) the
    scheduler would have for each difference. Empty: no task was evidence."""

    deltas: tuple[tuple[int, int], ...]
    zone: str = "UTC"
    apparent: tuple[tuple[int, int], ...] = ()  # (delta, UTC offset the portal appears to read in)

    @property
    def consistent(self) -> int | None:
        """The one difference every task showed; None when none did or they disagree."""
        return self.deltas[0][0] if len(self.deltas) == 1 else None

    def offset_of(self, delta: int) -> int:
        """The UTC offset (ms) a scheduler showing `delta` reads schedules in."""
        return dict(self.apparent).get(delta, -delta)

    def describe(self) -> str:
        """`5 tasks 2 h earlier; 1 task agree`."""
        return "; ".join(f"{n} task{'s' if n > 1 else ''} {hours(d)}" for d, n in self.deltas)


def infer(tasks: Iterable[RemoteTask], now: datetime, zone: str = "UTC") -> ZoneEvidence:
    """The evidence of `tasks` against schedules read in `zone` (an IANA name, checked already)."""
    tz = ZoneInfo(zone)
    deltas = Counter[int]()
    apparent: dict[int, int] = {}
    for task in tasks:
        found = offset(task, now, tz)
        if found is not None:
            delta, utc_offset = found
            deltas[delta] += 1
            apparent.setdefault(delta, utc_offset)
            if sum(deltas.values()) >= MAX_EVIDENCE:
                break
    return ZoneEvidence(deltas=tuple(deltas.most_common()), zone=zone, apparent=tuple(sorted(apparent.items())))


def offset(task: RemoteTask, now: datetime, tz: ZoneInfo | None = None) -> tuple[int, int] | None:
    """(nextStart minus the next fire read in `tz`, the UTC offset the scheduler appears to read
    in), in ms, when a whole quarter-hour: the difference is taken modulo a day (a fire a day
    off, or on another weekday, says the same) and the offset folded into (-11 h, +13 h]."""
    fixed = _ONE_TIME.fullmatch(task.schedule.hour.strip()) and _ONE_TIME.fullmatch(task.schedule.minute.strip())
    if not task.active or task.next_start is None or not fixed:
        return None
    tz = tz or ZoneInfo("UTC")
    # A start already past counts from now either way; leaving it out lets tasks share the cached times.
    start = task.start_date if task.start_date is not None and task.start_date > (to_ms(now) or 0) else None
    fires = next_fires(task.schedule, start_ms=start, now=now, count=1, end_ms=None, tz=tz)
    if not fires:
        return None
    fire = parse_instant(fires[0])
    assumed = fire.astimezone(tz).utcoffset()
    assumed_ms = int(assumed.total_seconds() * 1000) if assumed is not None else 0
    # A wall time read at UTC offset o fires at wall - o: nextStart - fire = assumed - apparent.
    apparent = (assumed_ms - (task.next_start - int(fire.timestamp() * 1000))) % _DAY_MS
    if apparent > _EAST_MOST_MS:
        apparent -= _DAY_MS
    delta = assumed_ms - apparent
    return (delta, apparent) if delta % _QUARTER_MS == 0 else None


def hours(delta_ms: int) -> str:
    return "agree" if delta_ms == 0 else f"{abs(delta_ms) / _HOUR_MS:g} h {'later' if delta_ms > 0 else 'earlier'}"


def zone_name(offset_ms: int) -> str:
    """`+02:00` for a UTC offset of 2 h."""
    minutes = offset_ms // 60_000
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


SOURCE = f"(`{PROJECT_KEY}:` in the project file; UTC when unset)"  # where the assumed zone comes from


def assumed(zone: str) -> str:
    """How the message names the zone reconciler reads schedules in."""
    return f"{zone} {SOURCE}"


def warnings(tasks: Iterable[RemoteTask], now: datetime, zone: str = "UTC") -> tuple[Diagnostic, ...]:
    """What `plan` and `status` say about the portal's zone: a consistent difference from the
    reading in `zone` (fire times are off by it; the offset the portal appears to read in is
    named), or disagreeing differences; nothing when the evidence agrees or there is none."""
    evidence = infer(tasks, now, zone)
    if not evidence.deltas:
        return ()
    delta = evidence.consistent
    if delta == 0:
        return ()
    if delta is None:
        return (Diagnostic(severity=Severity.WARNING, message="the portal's nextStart disagrees with reconciler's "
                           f"reading of the schedules in {assumed(zone)} by different amounts ({evidence.describe()}): "
                           "the scheduler reads a zone with other daylight-saving rules, or tasks were edited "
                           "elsewhere; fire times shown may be off",
                           hint="`reconciler doctor` reports the portal's time zone"),)
    (_, count), = evidence.deltas
    utc = zone_name(evidence.offset_of(delta))
    return (Diagnostic(severity=Severity.WARNING, message=f"the portal's scheduler appears to read schedules as "
                       f"UTC{utc}, not in {assumed(zone)}: the nextStart of {count} task{'s' if count > 1 else ''} "
                       f"is {hours(delta)} than reconciler's reading in {zone}, so the fire times shown here are off "
                       "by that much", hint=fix_hint(zone, utc)),)


def fix_hint(zone: str, utc: str) -> str:
    if zone == "UTC":
        return f"set `{PROJECT_KEY}: <zone>` in the project file (reconciler.yaml) to the portal's zone (one at " \
               f"UTC{utc} now)"
    return f"`{PROJECT_KEY}: {zone}` in the project file (reconciler.yaml) does not match the portal: set it to " \
           f"the portal's zone (one at UTC{utc} now, UTC if it reads schedules as UTC)"
