"""Tasks written in local time (TaskSpec.zoned) in the plan: what each create or update shows,
why a schedule-only update is a daylight-saving one, and the notice before a change. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from reconciler.instants import iso
from reconciler.model import RemoteTask, TaskSpec, ZonedSchedule
from reconciler.planning.compare import same_schedule
from reconciler.planning.plan import Notice, ZoneView
from reconciler.quartz.transitions import between, offset_minutes


def view(spec: TaskSpec | None) -> ZoneView | None:
    zoned = spec.zoned if spec is not None else None
    if spec is None or zoned is None:
        return None
    return ZoneView(local=zoned.local, zone=zoned.zone, scheduler_zone=zoned.scheduler_zone,
                    compiled=spec.schedule.quartz(), next_change=iso(zoned.next_change) if zoned.next_change else None,
                    next_compiled=zoned.next_schedule.quartz() if zoned.next_schedule else None)


def dst_reason(spec: TaskSpec, remote: RemoteTask, now: datetime) -> str | None:
    """"daylight-saving change in <zone>" (the zone whose clocks changed last) when the portal
    still holds the compiled form of before the last change (the schedule itself was not edited)."""
    zoned = spec.zoned
    if zoned is None or zoned.previous is None or same_schedule(remote.schedule, spec.schedule):
        return None
    if not same_schedule(remote.schedule, zoned.previous):
        return None
    return f"daylight-saving change in {_last_changed(zoned, now)}: {zoned.local} in {zoned.zone} is now " \
           f"{spec.schedule.quartz()} in {zoned.scheduler_zone}"


def _zones(zoned: ZonedSchedule) -> list[ZoneInfo]:
    return [ZoneInfo(name) for name in dict.fromkeys((zoned.zone, zoned.scheduler_zone))]


def _changing(zoned: ZonedSchedule, at: datetime) -> ZoneInfo:
    """The zone whose offset changes at `at` (the local one when both do)."""
    second = timedelta(seconds=1)
    return next((z for z in _zones(zoned) if offset_minutes(z, at - second) != offset_minutes(z, at)),
                ZoneInfo(zoned.zone))


def _last_changed(zoned: ZonedSchedule, now: datetime) -> str:
    """The zone with the latest change in the year before `now` (the local one on a tie)."""
    latest = [(changes[-1].at, -i, z.key) for i, z in enumerate(_zones(zoned))
              if (changes := between(z, now - timedelta(days=400), now))]
    return max(latest)[2] if latest else zoned.zone


def notices(tasks: Iterable[tuple[TaskSpec, str]], now: datetime) -> tuple[Notice, ...]:
    """For each (spec, owner) whose next change is within its notice window: when (in the zone
    whose clocks change), and what the schedule sent becomes."""
    found = []
    for spec, owner in tasks:
        zoned = spec.zoned
        if zoned is None or zoned.next_change is None or zoned.next_schedule is None or zoned.notice_from is None:
            continue
        if not zoned.notice_from <= now < zoned.next_change:
            continue
        changing = _changing(zoned, zoned.next_change)
        local = zoned.next_change.astimezone(changing).strftime("%Y-%m-%d %H:%M %Z")
        found.append(Notice(name=spec.name, owner=owner, message=(
            f"daylight-saving change in {changing.key} on {local} ({iso(zoned.next_change)}): the schedule sent "
            f"becomes {zoned.next_schedule.quartz()} (now {spec.schedule.quartz()}) for {zoned.local} in "
            f"{zoned.zone}; the first plan after it proposes the update, and until it is applied the portal fires "
            "at the old time")))
    return tuple(sorted(found, key=lambda n: (n.owner, n.name)))
