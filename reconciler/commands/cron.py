"""`reconciler cron EXPR`: explain a Quartz expression, show the portal's fields and next fire times."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from reconciler import quartz
from reconciler.errors import CronError, UsageError
from reconciler.instants import parse_instant
from reconciler.render import cron as views

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
        echo(views.render_json(views.error_to_dict(expression, e)))
        return 1
    doc = views.to_dict(expr, quartz.next_fire_times(expr, after=start, count=count, tz=zone))
    if fmt == "json":
        echo(views.render_json(doc))
    else:
        echo(views.render_text(doc, after=start, zone=zone, zone_name=_zone_name(tz), count=count))
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
