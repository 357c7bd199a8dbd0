"""When a zone's UTC offset changes, and which local fire times a change skips or repeats. Pure.

zoneinfo has no public list of transitions, so they are found by stepping a day at a time and
bisecting to the second; no zone in the tz database changes its offset twice within a day.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from reconciler.quartz.days import month_days
from reconciler.quartz.expression import QuartzExpression

UTC = timezone.utc
_DAY = timedelta(days=1)


@dataclass(frozen=True, kw_only=True)
class Transition:
    """The instant (UTC) a zone's offset changes, and the offsets before and after, in minutes."""

    at: datetime
    before: int
    after: int

    @property
    def forward(self) -> bool:
        """Clocks go forward (a gap of wall times); else back (wall times repeated)."""
        return self.after > self.before


def offset_minutes(zone: ZoneInfo, at: datetime) -> int:
    offset = at.astimezone(zone).utcoffset()
    assert offset is not None  # a ZoneInfo always has one
    return int(offset.total_seconds()) // 60


@functools.lru_cache(maxsize=256)  # a load asks the same (zone, now) for every task of that zone
def between(zone: ZoneInfo, start: datetime, end: datetime) -> tuple[Transition, ...]:
    """The transitions in (start, end], in order."""
    found = []
    t = start
    while t < end:
        nxt = min(t + _DAY, end)
        if offset_minutes(zone, t) != offset_minutes(zone, nxt):
            found.append(_bisect(zone, t, nxt))
        t = nxt
    return tuple(found)


def _bisect(zone: ZoneInfo, lo: datetime, hi: datetime) -> Transition:
    before = offset_minutes(zone, lo)
    while hi - lo > timedelta(seconds=1):
        mid = lo + (hi - lo) / 2
        lo, hi = (mid, hi) if offset_minutes(zone, mid) == before else (lo, mid)
    at = hi.replace(microsecond=0)
    return Transition(at=at, before=offset_minutes(zone, at - timedelta(seconds=1)), after=offset_minutes(zone, at))


def _wall(t: datetime, offset: int) -> datetime:
    return (t + timedelta(minutes=offset)).replace(tzinfo=None)


def hits(expr: QuartzExpression, zone: ZoneInfo, *, after: datetime, until: datetime
         ) -> list[tuple[Transition, list[str]]]:
    """Per transition of `zone` in (after, until] at which `expr`, read in `zone`, selects wall
    times that are skipped (the gap) or repeated: the transition and those times (HH:MM)."""
    found = []
    for change in between(zone, after, until):
        first, second = sorted((_wall(change.at, change.before), _wall(change.at, change.after)))
        times = _local_hits(expr, first, second)
        if times:
            found.append((change, times))
    return found


def listed(times: list[str]) -> str:
    return ", ".join(times[:3]) + (f" and {len(times) - 3} more" if len(times) > 3 else "")


def day_of(change: Transition) -> str:
    return min(_wall(change.at, change.before), _wall(change.at, change.after)).date().isoformat()


def dst_notes(expr: QuartzExpression, zone: ZoneInfo, *, after: datetime, until: datetime) -> list[str]:
    """A sentence per transition in (after, until] at which `expr`, read in `zone`, has fire
    times that are skipped (the gap) or repeated, with what Quartz does (docs/quartz.md §2)."""
    notes = []
    for change, times in hits(expr, zone, after=after, until=until):
        if change.forward:
            notes.append(f"{listed(times)} does not exist on {day_of(change)} in {zone.key} (clocks go forward): "
                         "Quartz skips it that day")
        else:
            notes.append(f"{listed(times)} happens twice on {day_of(change)} in {zone.key} (clocks go back): "
                         "Quartz fires it once, at the later (standard-time) pass")
    return notes


def _local_hits(expr: QuartzExpression, first: datetime, second: datetime) -> list[str]:
    """The wall times HH:MM in [first, second) the expression selects (`first` and `second` are
    naive wall times less than a day apart)."""
    p = expr.parsed
    hits = []
    t = first
    while t < second:
        if (t.minute in p.minutes and t.hour in p.hours and t.month in p.months
                and t.day in _days(expr, t.date())):
            hits.append(t.strftime("%H:%M"))
        t += timedelta(minutes=1)
    return hits


def _days(expr: QuartzExpression, day: date) -> frozenset[int]:
    return month_days(expr.parsed.dom, expr.parsed.dow, day.year, day.month)
