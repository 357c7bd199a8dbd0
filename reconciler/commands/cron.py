"""`reconciler cron EXPR`: explain a Quartz expression, show the portal's fields and next fire times."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from reconciler import quartz
from reconciler.errors import CronError, UsageError
from reconciler.instants import iso, parse_instant

MAX_COUNT = 1000
_UTC_NAMES = {"UTC", "Z", "ETC/UTC"}


def run(
    expression: str, *, count: int, after: str | None, tz: str, fmt: str, echo: Callable[[str], None]
) -> int:
    zone = parse_zone(tz)
    start = parse_after(after, zone)
    if not 1 <= count <= MAX_COUNT:
        raise UsageError(f"--count {count}: expected a number from 1 to {MAX_COUNT}")
    try:
        expr = quartz.parse(expression)
    except CronError as e:
        if fmt != "json":
            raise
        echo(json.dumps({"expression": expression, "error": str(e), "field": e.field, "token": e.token}, indent=2))
        return 1
    times = quartz.next_fire_times(expr, after=start, count=count, tz=zone)
    render = _json_lines if fmt == "json" else _text_lines
    for line in render(expr, times, start=start, zone_name=_zone_name(tz), count=count):
        echo(line)
    return 0


def parse_zone(name: str) -> tzinfo:
    if name.upper() in _UTC_NAMES:
        return timezone.utc
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise UsageError(f"--tz {name!r}: unknown time zone; use an IANA name such as UTC or Europe/Berlin") from None


def parse_after(value: str | None, zone: tzinfo) -> datetime:
    """ISO 8601 with an offset or Z; a value without one is wall-clock time in `zone`."""
    if value is None:
        return datetime.now(timezone.utc)
    try:
        parsed = parse_instant(value)
    except ValueError:
        raise UsageError(f"--after {value!r}: expected ISO 8601, e.g. 2026-01-01T00:00:00Z") from None
    return parsed.replace(tzinfo=zone) if parsed.tzinfo is None else parsed


def _zone_name(tz: str) -> str:
    return "UTC" if tz.upper() in _UTC_NAMES else tz


def _local_text(t: datetime, zone_name: str) -> str:
    return iso(t) if zone_name == "UTC" else f"{t.isoformat()}  ({iso(t)})"


def _fields(expr: quartz.QuartzExpression) -> dict[str, str]:
    return {
        "minute": expr.minute,
        "hour": expr.hour,
        "day_of_month": expr.day_of_month,
        "month": expr.month,
        "day_of_week": expr.day_of_week,
    }


def _json_lines(
    expr: quartz.QuartzExpression, times: list[datetime], *, start: datetime, zone_name: str, count: int
) -> Iterator[str]:
    problems = expr.storable_problems()
    data = {
        "expression": str(expr),
        "fields": _fields(expr),
        "description": quartz.describe(expr),
        "next": [iso(t) for t in times],
        "storable": not problems,
        "problems": list(problems),
        "warnings": list(expr.warnings()),
    }
    yield json.dumps(data, indent=2)


def _text_lines(
    expr: quartz.QuartzExpression, times: list[datetime], *, start: datetime, zone_name: str, count: int
) -> Iterator[str]:
    yield f"expression:  {expr}"
    yield f"description: {quartz.describe(expr)}"
    problems = expr.storable_problems()
    if problems:
        yield "portal:      cannot store this expression: " + "; ".join(problems)
    else:
        fields = expr.portal_fields().to_wire()
        yield "portal:      " + " ".join(f"{key}={value}" for key, value in fields.items())
    for warning in expr.warnings():
        yield f"warning:     {warning}"
    yield f"next fire times ({zone_name}) after {_local_text(start, zone_name)}:"
    for t in times:
        yield f"  {_local_text(t, zone_name)}"
    if len(times) < count:
        last_year = start.year + quartz.YEARS_AHEAD
        further = "further " if times else ""
        yield f"  (no {further}fire times up to the end of {last_year}; Quartz looks {quartz.YEARS_AHEAD} years ahead)"
