"""Tasks written in local time (TaskSpec.zoned) in the plan: what each create or update shows,
why a schedule-only update is a daylight-saving one, and the notice before a change. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from reconciler.instants import iso
from reconciler.model import RemoteTask, TaskSpec
from reconciler.planning.compare import same_schedule
from reconciler.planning.plan import Notice, ZoneView


def view(spec: TaskSpec | None) -> ZoneView | None:
    zoned = spec.zoned if spec is not None else None
    if spec is None or zoned is None:
        return None
    return ZoneView(local=zoned.local, zone=zoned.zone, scheduler_zone=zoned.scheduler_zone,
                    compiled=spec.schedule.quartz(), next_change=iso(zoned.next_change) if zoned.next_change else None,
                    next_compiled=zoned.next_schedule.quartz() if zoned.next_schedule else None)


def dst_reason(spec: TaskSpec, remote: RemoteTask) -> str | None:
    """"daylight-saving change in <zone>" when the portal still holds the compiled form of before
    the last change (the schedule itself was not edited)."""
    zoned = spec.zoned
    if zoned is None or zoned.previous is None or same_schedule(remote.schedule, spec.schedule):
        return None
    if not same_schedule(remote.schedule, zoned.previous):
        return None
    return f"daylight-saving change in {zoned.zone}: {zoned.local} local is now {spec.schedule.quartz()} in " \
           f"{zoned.scheduler_zone}"


def notices(tasks: Iterable[tuple[TaskSpec, str]], now: datetime) -> tuple[Notice, ...]:
    """For each (spec, owner) whose next change is within its notice window: when, and what the
    schedule sent becomes."""
    found = []
    for spec, owner in tasks:
        zoned = spec.zoned
        if zoned is None or zoned.next_change is None or zoned.next_schedule is None or zoned.notice_from is None:
            continue
        if not zoned.notice_from <= now < zoned.next_change:
            continue
        local = zoned.next_change.astimezone(ZoneInfo(zoned.zone)).strftime("%Y-%m-%d %H:%M %Z")
        found.append(Notice(name=spec.name, owner=owner, message=(
            f"daylight-saving change in {zoned.zone} on {local} ({iso(zoned.next_change)}): the schedule sent "
            f"becomes {zoned.next_schedule.quartz()} (now {spec.schedule.quartz()}) for {zoned.local} local; "
            "the first plan after it proposes the update, and until it is applied the portal fires at the old time")))
    return tuple(sorted(found, key=lambda n: (n.owner, n.name)))
