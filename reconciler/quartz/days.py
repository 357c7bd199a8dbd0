"""Which days of one month a Quartz day field selects. Private helper of reconciler.quartz.

croniter cannot express `L-n`, `LW`, `L-nW`, W-lists, and numbers Quartz day-of-week
differently (docs/quartz.md §4), so the day fields are resolved here per month and croniter only
gets the concrete day list.
"""

from __future__ import annotations

import calendar
from datetime import date

from reconciler.quartz.fields import DomSpec, DowSpec


def last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def quartz_weekday(year: int, month: int, day: int) -> int:
    """Quartz numbering: 1 = SUN ... 7 = SAT."""
    return (date(year, month, day).weekday() + 1) % 7 + 1


def nearest_weekday(year: int, month: int, day: int) -> int:
    """Quartz `W`: the weekday nearest `day`, never leaving the month (1st on SAT -> MON 3rd)."""
    weekday = quartz_weekday(year, month, day)
    if weekday == 7:
        return day + 2 if day == 1 else day - 1
    if weekday == 1:
        return day - 2 if day == last_day(year, month) else day + 1
    return day


def dom_days(spec: DomSpec, year: int, month: int) -> frozenset[int]:
    """Days `spec` selects in this month; forms that fall outside the month select nothing.

    `nW` with n past the month's end skips the month (Quartz 2.5.x; 2.3.2 sometimes fires on
    the last day instead, docs/quartz.md §2 -- hence the warning for n > 28).
    """
    last = last_day(year, month)
    days = {d for d in spec.days if d <= last}
    days |= {last - n for n in spec.last_offsets if last - n >= 1}
    days |= {nearest_weekday(year, month, last - n) for n in spec.last_weekday_offsets if last - n >= 1}
    days |= {nearest_weekday(year, month, n) for n in spec.nearest_weekdays if n <= last}
    return frozenset(days)


def dow_days(spec: DowSpec, year: int, month: int) -> frozenset[int]:
    last = last_day(year, month)
    first = quartz_weekday(year, month, 1)
    if spec.last_of is not None:
        return frozenset({last - (quartz_weekday(year, month, last) - spec.last_of) % 7})
    if spec.nth is not None:
        weekday, k = spec.nth
        day = 1 + (weekday - first) % 7 + 7 * (k - 1)
        return frozenset({day}) if day <= last else frozenset()
    return frozenset(d for d in range(1, last + 1) if (first - 1 + d - 1) % 7 + 1 in spec.days)


def month_days(dom: DomSpec | None, dow: DowSpec | None, year: int, month: int) -> frozenset[int]:
    """Exactly one of the two is None (the `?` field), so the other alone decides."""
    if dom is not None:
        return dom_days(dom, year, month)
    assert dow is not None
    return dow_days(dow, year, month)
