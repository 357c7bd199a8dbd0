"""Day-of-week numbers: Quartz counts 1 = SUN, Unix cron 1 = MON. Private helper of reconciler.quartz.

`0 0 2 ? * 1-5` reads as weekdays to anyone used to Unix cron and runs Sunday to Thursday in
Quartz. Numbers are never wrong in themselves, so this only words what they mean: the day
names Quartz reads, and what a Unix reading would have been.
"""

from __future__ import annotations

import re

from reconciler.errors import CronError
from reconciler.quartz.expression import QuartzExpression
from reconciler.quartz.fields import DAY_NAMES, DAY_OF_WEEK, DowSpec, parse_day_of_week, parse_values
from reconciler.quartz.text import UNIX_DAY_OF_WEEK, day_names, render_values

_NAMES = {number: name for name, number in DAY_NAMES.items()}
_NOT_DAYS = re.compile(r"[#/]\d+")  # the k of n#k and steps count, they name no day


def is_numeric(day_of_week: str) -> bool:
    """Whether the field names a day by number (`1-5`, `2#1`, `6L`), not only by name or `*`."""
    return any(c.isdigit() for c in _NOT_DAYS.sub("", day_of_week))


def names(dow: DowSpec) -> str:
    """The days as Quartz names: `SUN-THU`, `MON#1`, `FRIL`."""
    if dow.nth is not None:
        return f"{_NAMES[dow.nth[0]]}#{dow.nth[1]}"
    if dow.last_of is not None:
        return f"{_NAMES[dow.last_of]}L"
    return day_names(dow.days)


def _numbers(dow: DowSpec) -> str:
    if dow.nth is not None:
        return f"{dow.nth[0]}#{dow.nth[1]}"
    if dow.last_of is not None:
        return f"{dow.last_of}L"
    return render_values(dow.days, DAY_OF_WEEK, steps=False)


def _as_unix(day_of_week: str) -> DowSpec | None:
    """What the field would select had its numbers been Unix ones (0 or 7 = SUN, 1 = MON)."""
    to_quartz = {n: n % 7 + 1 for n in range(8)}
    if m := re.fullmatch(r"(\d)(#\d|L)", day_of_week):
        day = to_quartz[int(m.group(1))] if int(m.group(1)) <= 7 else None
        if day is None:
            return None
        if m.group(2) == "L":
            return DowSpec(frozenset(), last_of=day)
        return DowSpec(frozenset(), nth=(day, int(m.group(2)[1:])))
    try:
        return DowSpec(frozenset(to_quartz[n] for n in parse_values(UNIX_DAY_OF_WEEK, day_of_week)))
    except CronError:
        return None


def day_numbers_warning(expr: QuartzExpression) -> str | None:
    """Numbers whose Unix reading differs: name both meanings and what to write for each."""
    day_of_week, dow = expr.day_of_week, expr.parsed.dow
    if dow is None or not is_numeric(day_of_week):
        return None
    unix = _as_unix(day_of_week)
    if unix is None or unix == dow:
        return None
    return (
        f"day-of-week {day_of_week!r} is {names(dow)} in Quartz (1 = SUN ... 7 = SAT), not {names(unix)} as in "
        f"Unix cron (1 = MON): write {names(dow)} to keep it, or {names(unix)} (Quartz {_numbers(unix)}) "
        "if you meant Unix numbering"
    )


def day_numbers_note(day_of_week: str) -> str | None:
    """`1-5 = SUN-THU` for a valid numeric field, for views that show the expression as text."""
    if not is_numeric(day_of_week):
        return None
    try:
        return f"{day_of_week} = {names(parse_day_of_week(day_of_week.upper()))}"
    except CronError:
        return None
