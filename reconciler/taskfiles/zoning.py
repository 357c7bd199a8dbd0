"""A task's `timezone:`: the zone name checked, the schedule compiled for the scheduler's zone. Pure.

The compiled form (quartz.zones) holds between two daylight-saving changes: it is the one valid
at the load's `now` (the portal's clock for plan and apply), so the plan proposes the update once
a change has passed and the nightly drift apply keeps the task on local time.
"""

from __future__ import annotations

import difflib
import zoneinfo
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from reconciler import quartz
from reconciler.errors import CronError
from reconciler.model import CronFields, ZonedSchedule, ZoneSettings
from reconciler.quartz import compiled_dst, transitions, zones
from reconciler.taskfiles.schedules import Note

WARNED_AHEAD = timedelta(days=366)  # skipped or repeated fire times are warned about this far ahead
ZONE_HINT = "use an IANA time zone name such as Europe/Berlin, America/New_York or UTC (see `timedatectl list-timezones`)"


# Names tzdata installs that mean this machine's zone or no zone at all, and the copies with
# other leap-second rules: the compiled schedules would depend on the machine that runs reconciler [I].
_MACHINE_NAMES = frozenset({"localtime", "posixrules", "factory"})
_MACHINE_PREFIXES = ("posix/", "right/")


def zone_problem(name: str) -> str | None:
    """Why `name` is no usable IANA zone name (with the likeliest meant one), or None."""
    if name.lower() in _MACHINE_NAMES or name.lower().startswith(_MACHINE_PREFIXES):
        return f"{name!r} is not a time zone of its own but depends on the machine (tzdata's {name}); name the zone"
    try:
        ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        known = sorted(z for z in zoneinfo.available_timezones()
                       if z.lower() not in _MACHINE_NAMES and not z.lower().startswith(_MACHINE_PREFIXES))
        close = difflib.get_close_matches(name, known, n=1)
        return f"unknown time zone {name!r}" + (f"; did you mean {close[0]}?" if close else "")
    return None


def default_zone(settings: ZoneSettings) -> str | None:
    """The zone of a schedule without `timezone:`: the project's, else UTC when the scheduler reads
    another zone (a schedule is UTC unless said otherwise), else None (sent as written)."""
    if settings.timezone is not None:
        return settings.timezone
    return "UTC" if settings.scheduler != "UTC" else None


def compile_schedule(expr: quartz.QuartzExpression, zone_name: str, settings: ZoneSettings,
                     now: datetime) -> tuple[ZonedSchedule | None, CronFields | None, list[Note]]:
    """The zoned schedule, the fields to send (both None after an error) and the notes on it.

    `zone_name` and settings.scheduler were checked already (zone_problem).
    """
    local, scheduler = ZoneInfo(zone_name), ZoneInfo(settings.scheduler)
    try:
        compiled = zones.compile_at(expr, local, scheduler, now)
    except CronError as e:
        return None, None, [Note(where=("schedule",), message=f"cannot be compiled exactly from {zone_name} to the "
                                 f"portal scheduler's {settings.scheduler}: {e}",
                                 hint="change the schedule, or write it in the scheduler's zone (timezone: "
                                 f"{settings.scheduler}) and accept that it follows that zone's clock")]
    until = now + WARNED_AHEAD
    said = transitions.dst_notes(expr, local, after=now, until=until) if local.key == scheduler.key else \
        compiled_dst.notes(expr, local, scheduler, after=now, until=until)
    notes = [Note(where=("schedule",), message=m, warning=True) for m in said]
    change = compiled.next_change
    zoned = ZonedSchedule(
        local=str(expr), zone=zone_name, scheduler_zone=settings.scheduler,
        next_change=change,
        next_schedule=compiled.next_expression.portal_fields() if compiled.next_expression else None,
        previous=compiled.previous.portal_fields() if compiled.previous else None,
        notice_from=change - timedelta(days=settings.notice_days) if change else None,
    )
    return zoned, compiled.expression.portal_fields(), notes
