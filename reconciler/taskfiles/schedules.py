"""A task file's `schedule`: parsed as Quartz, with what is wrong or doubtful as notes at a field.

Pure: the loader places each note at its line. Quartz numbers days 1 = SUN, Unix cron 1 = MON,
so numeric day-of-week gets a warning naming both readings (quartz.day_numbers_warning).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timezone, tzinfo
from typing import Any

from reconciler import quartz
from reconciler.errors import CronError
from reconciler.instants import iso
from reconciler.model import CronFields, FieldPath

SCHEDULE_KEYS = ("minute", "hour", "day_of_month", "month", "day_of_week")


@dataclass(frozen=True, kw_only=True)
class Note:
    where: FieldPath
    message: str
    hint: str | None = None
    warning: bool = False


@dataclass(frozen=True, kw_only=True)
class Schedule:
    expr: quartz.QuartzExpression
    fields: CronFields  # what the portal stores
    text: str  # as written


def read(value: str | dict[str, Any]) -> tuple[Schedule | None, list[Note]]:
    """The schedule (None after an error) and the notes on it; `value` passed the schema.

    Cached by the text as written: 10,000 task files hold a few hundred distinct schedules, and
    parsing each one again was a fifth of loading them (issue 14). Everything returned is frozen."""
    key = value if isinstance(value, str) else tuple((k, str(value[k])) for k in SCHEDULE_KEYS)
    schedule, notes = _read(key)
    return schedule, list(notes)


@functools.lru_cache(maxsize=4096)
def _read(key: str | tuple[tuple[str, str], ...]) -> tuple[Schedule | None, tuple[Note, ...]]:
    schedule, notes = _parse(key if isinstance(key, str) else dict(key))
    return schedule, tuple(notes)


def _parse(value: str | dict[str, Any]) -> tuple[Schedule | None, list[Note]]:
    where: FieldPath = ("schedule",)
    if isinstance(value, dict):
        text = "0 " + " ".join(str(value[k]) for k in SCHEDULE_KEYS)  # the Quartz string it stands for
        try:
            expr = quartz.from_fields(CronFields(**{k: str(value[k]) for k in SCHEDULE_KEYS}))
        except CronError as e:
            return None, [Note(where=(*where, e.field) if e.field in SCHEDULE_KEYS else where, message=str(e),
                               hint=_cron_hint(text))]
    else:
        text = value
        try:
            expr = quartz.parse(value)
        except CronError as e:
            return None, [Note(where=where, message=str(e), hint=_cron_hint(text))]
    try:
        fields = expr.portal_fields()
    except CronError as e:
        return None, [Note(where=where, message=str(e), hint=_cron_hint(text))]
    notes = [Note(where=where, message=warning, warning=True) for warning in expr.warnings()]
    if days := quartz.day_numbers_warning(expr):
        notes.append(Note(where=(*where, "day_of_week") if isinstance(value, dict) else where, message=days,
                          warning=True))
    return Schedule(expr=expr, fields=fields, text=text), notes


def _cron_hint(text: str) -> str:
    if len(text.split()) == 5:  # Unix cron: `reconciler cron` would only repeat the error
        equivalent = quartz.unix_to_quartz(text)
        if equivalent is not None:
            return f'write it in Quartz: schedule: "{equivalent}"'
        return ("Quartz fields are: sec min hour day-of-month month day-of-week, one of the day fields '?'; "
                "Unix's \"day-of-month or day-of-week\" takes two tasks in Quartz")
    # Not `reconciler cron "<the same text>"`: it would only print the same error.
    return ("Quartz fields are: sec min hour day-of-month month day-of-week [year], one of the day fields '?' "
            "(e.g. \"0 0 2 ? * MON-FRI\"); `reconciler cron` explains a corrected expression")


def window_notes(expr: quartz.QuartzExpression, *, start: datetime | None, end: datetime | None,
                 now: datetime, tz: tzinfo = timezone.utc) -> list[Note]:
    """A warning when the window [start, end] holds no fire time (quartz warns when none exists at
    all); `expr` is read in `tz`, the scheduler's zone."""
    if end is None or end <= now:
        return []
    after = max(now, start) if start else now
    upcoming = quartz.next_fire_times(expr, after=after, count=1, tz=tz)
    if upcoming and upcoming[0] > end:
        return [Note(where=("schedule",), message=f"the first fire time ({iso(upcoming[0])}) is after end: the task "
                     "never runs", warning=True)]
    return []
