"""What the portal really does at a daylight-saving change with a schedule compiled from one zone
to another (quartz.zones). Pure.

The portal holds a fixed expression read in its own zone, so Quartz's rule for a skipped or
repeated local time does not apply to the local zone: from the change until the update is
applied, the expression compiled for before the change keeps firing at the old UTC instant. A
local time in the gap then fires at the moved wall time, and a repeated one at its first pass.
Where the scheduler's own zone changes, Quartz's rule applies to the expression sent, read in that
zone: a time of it in the gap is skipped, a repeated one fires at the later pass.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from reconciler.errors import CronError
from reconciler.quartz.expression import QuartzExpression
from reconciler.quartz.transitions import Transition, between, day_of, hits, listed, offset_minutes
from reconciler.quartz.zones import difference, shift

_SECOND = timedelta(seconds=1)


def notes(expr: QuartzExpression, local: ZoneInfo, scheduler: ZoneInfo, *, after: datetime,
          until: datetime) -> list[str]:
    """The sentences for a schedule written in `local` and compiled for `scheduler` (another zone):
    local times a change of `local` skips or repeats, and times of the compiled expression a change
    of `scheduler` skips or repeats, each with the date and what the portal does then."""
    # A local change at which the scheduler's offset moves alike (London and Berlin) leaves the
    # expression sent as it is: the scheduler's own change (below) says what happens.
    found = [(c.at, _local(c, times, local, scheduler)) for c, times in hits(expr, local, after=after, until=until)
             if difference(local, scheduler, c.at - _SECOND) != difference(local, scheduler, c.at)]
    for change in between(scheduler, after, until):
        held = _held(expr, local, scheduler, change.at)
        if held is None:
            continue
        found += [(c.at, _scheduler(c, times, held, scheduler))
                  for c, times in hits(held, scheduler, after=change.at - _SECOND, until=change.at)]
    return [message for _, message in sorted(found, key=lambda f: f[0])]


def _held(expr: QuartzExpression, local: ZoneInfo, scheduler: ZoneInfo, at: datetime) -> QuartzExpression | None:
    """The expression the portal holds just before `at` (compiled for the period ending then)."""
    try:
        return shift(expr, difference(local, scheduler, at - _SECOND))
    except CronError:
        return None  # refused at validate time already (quartz.zones checks a year's offsets)


def _local(change: Transition, times: list[str], local: ZoneInfo, scheduler: ZoneInfo) -> str:
    day, jump = day_of(change), change.after - change.before
    steady = offset_minutes(scheduler, change.at - _SECOND) == offset_minutes(scheduler, change.at + timedelta(days=1))
    if change.forward:
        moved = [_plus(t, jump) for t in times] if steady else []
        when = (f"the portal fires it at {listed(moved)} local that day" if moved else
                "the portal fires it at another local time that day")
        return (f"{listed(times)} does not exist on {day} in {local.key} (clocks go forward): {when}, with the "
                f"schedule compiled for before the change (read in {scheduler.key}), unless the update is applied "
                "before then")
    return (f"{listed(times)} happens twice on {day} in {local.key} (clocks go back): the portal fires it once, "
            f"at the first (daylight-saving) pass, with the schedule compiled for before the change (read in "
            f"{scheduler.key})")


def _scheduler(change: Transition, times: list[str], held: QuartzExpression, scheduler: ZoneInfo) -> str:
    day = day_of(change)
    if change.forward:
        return (f"the schedule sent, {held} in {scheduler.key}, fires at {listed(times)}, which does not exist on "
                f"{day} in {scheduler.key} (clocks go forward): the portal's scheduler skips that run (Quartz)")
    return (f"the schedule sent, {held} in {scheduler.key}, fires at {listed(times)}, which happens twice on {day} "
            f"in {scheduler.key} (clocks go back): the portal's scheduler fires it once, at the later "
            "(standard-time) pass (Quartz)")


def _plus(hhmm: str, minutes: int) -> str:
    h, m = (int(x) for x in hhmm.split(":"))
    total = (h * 60 + m + minutes) % (24 * 60)
    return f"{total // 60:02d}:{total % 60:02d}"
