"""A schedule written in local wall time, compiled to the zone the portal's scheduler reads it in. Pure.

One Quartz expression read in a fixed zone cannot follow another zone's daylight saving, so the
compiled expression holds between two transitions: `compile_at` gives the one valid at an
instant, when it next changes and what it becomes. The shift is exact or refused (NotExact):
minutes that would land in different hours, hours of which only some cross midnight while the
day fields select only some days, or day fields that do not survive a shift by a day (`L`, `W`,
`nL`, `n#k`, a day-of-month at the edge of a month, day-of-week in only some months). Shifting
day-of-week by a day (MON -> SUN) is exact when every hour crosses midnight together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from reconciler.errors import CronError
from reconciler.quartz.expression import QuartzExpression
from reconciler.quartz.fields import DAY_OF_MONTH, HOUR, MINUTE, DomSpec, ParsedFields
from reconciler.quartz.text import day_names, render_values
from reconciler.quartz.transitions import Transition, between, offset_minutes

HORIZON = timedelta(days=400)  # how far ahead and back transitions are looked for
_MONTH_LENGTHS = {2: (28, 29), 4: (30,), 6: (30,), 9: (30,), 11: (30,)}


class NotExact(CronError):
    """The local schedule has no exact equivalent in the scheduler's zone; the message says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message, field=None, token=None)


@dataclass(frozen=True, kw_only=True)
class Compiled:
    """The scheduler-zone expression valid at an instant; `next_change` (UTC) is when it next
    becomes `next_expression` (both None: it never changes within HORIZON); `previous` is what it
    was before the last change (None: no change within HORIZON back)."""

    expression: QuartzExpression
    next_change: datetime | None = None
    next_expression: QuartzExpression | None = None
    previous: QuartzExpression | None = None


def difference(local: ZoneInfo, scheduler: ZoneInfo, at: datetime) -> int:
    """Minutes to add to a local wall time to get the scheduler's wall time at `at`."""
    return offset_minutes(scheduler, at) - offset_minutes(local, at)


def compile_at(expr: QuartzExpression, local: ZoneInfo, scheduler: ZoneInfo, at: datetime) -> Compiled:
    """The compiled expression at `at`, its next change and its previous form.

    Raises:
        NotExact: at `at` or at any change within HORIZON (the message says when and why).
    """
    if local.key == scheduler.key:
        return Compiled(expression=expr)  # the scheduler follows the zone's DST itself
    current = _shift_at(expr, local, scheduler, at, now=True)
    # Every period ahead is compiled, not only the next one: two zones with different rules have
    # three or more offsets a year, and one refused months later would stop the DST updates then.
    ahead = [(t, _shift_at(expr, local, scheduler, t)) for t in _changes(local, scheduler, at, at + HORIZON)]
    later = next(((t, e) for t, e in ahead if str(e) != str(current)), None)
    earlier = [e for e in (_quiet_shift(expr, local, scheduler, t - timedelta(seconds=1))
                           for t in _changes(local, scheduler, at - HORIZON, at)) if e and str(e) != str(current)]
    return Compiled(expression=current, next_change=later[0] if later else None,
                    next_expression=later[1] if later else None, previous=earlier[-1] if earlier else None)


def _changes(local: ZoneInfo, scheduler: ZoneInfo, start: datetime, end: datetime) -> list[datetime]:
    found: list[Transition] = [*between(local, start, end), *between(scheduler, start, end)]
    return sorted({t.at for t in found})


def _shift_at(expr: QuartzExpression, local: ZoneInfo, scheduler: ZoneInfo, at: datetime, *,
              now: bool = False) -> QuartzExpression:
    minutes = difference(local, scheduler, at)
    try:
        return shift(expr, minutes)
    except NotExact as e:
        when = "now" if now else "from " + at.astimezone(local).strftime("%Y-%m-%d %H:%M %Z")
        raise NotExact(f"{e} ({when}, when {local.key} is {_offset(-minutes)} from {scheduler.key})") from None


def _quiet_shift(expr: QuartzExpression, local: ZoneInfo, scheduler: ZoneInfo, at: datetime) -> QuartzExpression | None:
    try:
        return _shift_at(expr, local, scheduler, at)
    except NotExact:
        return None


def _offset(minutes: int) -> str:
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def shift(expr: QuartzExpression, minutes: int) -> QuartzExpression:
    """The expression that fires `minutes` later in wall time, exactly, or NotExact."""
    if minutes == 0:
        return expr
    p = expr.parsed
    hour_step, minute_step = divmod(minutes, 60)
    minute_carry = {(m + minute_step) // 60 for m in p.minutes}
    if len(minute_carry) > 1 and len(p.hours) == 24 and _every_day(p):
        # every minute of the list in every hour of every day: moved, the hours and days are the same
        return QuartzExpression(second=expr.second, minute=render_values({(m + minute_step) % 60 for m in p.minutes},
                                                                          MINUTE),
                                hour=expr.hour, day_of_month=expr.day_of_month, month=expr.month,
                                day_of_week=expr.day_of_week)
    if len(minute_carry) > 1:
        raise NotExact(f"the minutes {expr.minute} would land in different hours when moved by "
                       f"{_offset(minutes)}, which one expression cannot say")
    hour_step += minute_carry.pop()
    day_carry = {(h + hour_step) // 24 for h in p.hours}
    minute_text = expr.minute if minute_step == 0 else render_values({(m + minute_step) % 60 for m in p.minutes}, MINUTE)
    hour_text = render_values({(h + hour_step) % 24 for h in p.hours}, HOUR)
    dom, dow = expr.day_of_month, expr.day_of_week
    if not _every_day(p):
        if len(day_carry) > 1:
            raise NotExact(f"of the hours {expr.hour}, some cross midnight when moved by {_offset(minutes)} and "
                           "some do not, so the days would differ per hour")
        days = day_carry.pop()
        if days:
            dom, dow = _shift_days(expr, days)
    return QuartzExpression(second=expr.second, minute=minute_text, hour=hour_text, day_of_month=dom,
                            month=expr.month, day_of_week=dow)


def _every_day(p: ParsedFields) -> bool:
    all_dom = p.dom is not None and p.dom.is_plain and p.dom.days == frozenset(range(1, 32))
    all_dow = p.dow is not None and p.dow.last_of is None and p.dow.nth is None and len(p.dow.days) == 7
    return len(p.months) == 12 and (all_dom or all_dow)


def _shift_days(expr: QuartzExpression, days: int) -> tuple[str, str]:
    """Day-of-month and day-of-week moved by one day (`days` is -1 or 1)."""
    p = expr.parsed
    moved = "an earlier" if days < 0 else "a later"
    if p.dow is not None:
        if p.dow.last_of is not None or p.dow.nth is not None:
            raise NotExact(f"day-of-week {expr.day_of_week!r} cannot move to {moved} day (it is counted "
                           "within the month)")
        if len(p.months) < 12:
            raise NotExact(f"with month {expr.month!r}, a fire on the first or last day of a month would move "
                           f"to {moved} day in another month")
        return "?", day_names({(d - 1 + days) % 7 + 1 for d in p.dow.days})
    assert p.dom is not None  # exactly one day field is '?'
    lengths = {n for m in p.months for n in _MONTH_LENGTHS.get(m, (31,))}
    dom_days = set(p.dom.days)
    if not p.dom.is_plain:
        last = _last_moved(p.dom, days, min(lengths))
        if last is not None:
            return last, "?"
        if p.dom.last_weekday_offsets or p.dom.nearest_weekdays or len(lengths) > 1:
            raise NotExact(f"day-of-month {expr.day_of_month!r} cannot move to {moved} day exactly")
        # every month selected has one length n: `L-k` is the plain day n - k
        dom_days |= {min(lengths) - k for k in p.dom.last_offsets}
    # back: day 1 leaves the month, and day n+1 of an n-day month would fire on day n; forward:
    # day n of an n-day month leaves it
    edge = {1} | {n + 1 for n in lengths if n < 31} if days < 0 else lengths
    if dom_days & edge:
        raise NotExact(f"day-of-month {expr.day_of_month!r} would move to {moved} day in another month "
                       "on some dates")
    return render_values({d + days for d in dom_days}, DAY_OF_MONTH), "?"


def _last_moved(dom: DomSpec, days: int, shortest: int) -> str | None:
    """`L-k` alone, moved by a day within every month: `L-(k+1)` back (while that is a day of the
    shortest month), `L-(k-1)` forward (k > 0); None otherwise."""
    if dom.days or dom.last_weekday_offsets or dom.nearest_weekdays or len(dom.last_offsets) != 1:
        return None
    (k,) = dom.last_offsets
    moved = k - days
    if moved < 0 or moved > shortest - 1:
        return None
    return "L" if moved == 0 else f"L-{moved}"
