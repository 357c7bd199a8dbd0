"""The portal's zone as plan and status judge it (reconciler.planning.zonecheck); doctor's wording
of the same inference is in test_findings.py."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from reconciler import quartz
from reconciler.model import CronFields, RemoteTask
from reconciler.planning import zonecheck
from tests.planning.conftest import remote

NOW = datetime(2030, 1, 7, 12, 0, tzinfo=timezone.utc)
NEXT_0230 = int(datetime(2030, 1, 8, 2, 30, tzinfo=timezone.utc).timestamp() * 1000)  # the UTC reading of 0 30 2


def tasks(*next_starts: int | None, **over: Any) -> list[RemoteTask]:
    return [replace(remote(f"t{i}", id=f"t{i}"), next_start=n, **over) for i, n in enumerate(next_starts)]


def test_only_a_consistent_offset_other_than_utc_is_named() -> None:
    assert zonecheck.warnings(tasks(NEXT_0230, NEXT_0230), NOW) == ()
    (east,) = zonecheck.warnings(tasks(NEXT_0230 - 3_600_000, NEXT_0230 - 3_600_000), NOW)
    assert "UTC+01:00, not in UTC (" in east.message and "the nextStart of 2 tasks is 1 h earlier" in east.message
    assert east.hint is not None and "scheduler_timezone: <zone>" in east.hint
    (mixed,) = zonecheck.warnings(tasks(NEXT_0230, NEXT_0230 - 3_600_000), NOW)
    assert "different amounts (1 task agree; 1 task 1 h earlier)" in mixed.message  # ties in listing order
    assert "UTC+" not in mixed.message


def test_only_evidence_counts() -> None:
    assert zonecheck.warnings(tasks(None, None), NOW) == (), "no nextStart"
    assert zonecheck.warnings(tasks(NEXT_0230 - 3_600_000, active=False), NOW) == (), "a paused task"
    every_2h = CronFields(minute="30", hour="*/2", day_of_month="*", month="*", day_of_week="?")
    hourly = replace(remote("h", id="h", schedule=every_2h), next_start=NEXT_0230 - 3_600_000)
    assert zonecheck.warnings([hourly], NOW) == (), "an hour list can map onto itself"
    assert zonecheck.infer(tasks(*[NEXT_0230] * (zonecheck.MAX_EVIDENCE + 20)), NOW).deltas == \
        ((0, zonecheck.MAX_EVIDENCE),), "enough evidence: the rest is not compared"


def test_a_past_start_counts_from_now_and_a_future_one_from_itself() -> None:
    started = tasks(NEXT_0230 - 3_600_000, start_date=NEXT_0230 - 30 * 86_400_000)
    assert zonecheck.infer(started, NOW).consistent == -3_600_000
    later = int(datetime(2030, 1, 10, tzinfo=timezone.utc).timestamp() * 1000)
    waiting = tasks(later + int(2.5 * 3_600_000), start_date=later)  # fires first on the 10th at 02:30
    assert zonecheck.infer(waiting, NOW).consistent == 0


JULY = datetime(2026, 7, 1, 12, 0, tzinfo=timezone.utc)


def portal_in(zone: str, now: datetime, hours: range = range(24)) -> list[RemoteTask]:
    """Daily tasks "0 0 H * * ?" with the nextStart a portal whose scheduler reads `zone` reports."""
    found = []
    for h in hours:
        fields = CronFields(minute="0", hour=str(h), day_of_month="*", month="*", day_of_week="?")
        (fire,) = quartz.next_fire_times(quartz.from_fields(fields), after=now, count=1, tz=ZoneInfo(zone))
        found.append(replace(remote(f"t{h}", id=f"t{h}", schedule=fields), next_start=int(fire.timestamp() * 1000)))
    return found


@pytest.mark.parametrize(("zone", "utc"), [("Australia/Brisbane", "+10:00"), ("Pacific/Honolulu", "-10:00"),
                                           ("Pacific/Auckland", "+12:00"), ("Asia/Tokyo", "+09:00"),
                                           ("Pacific/Chatham", "+12:45"), ("America/St_Johns", "-02:30")])
def test_an_offset_of_ten_hours_or_more_is_named_at_every_time_of_day(zone: str, utc: str) -> None:
    (warning,) = zonecheck.warnings(portal_in(zone, JULY), JULY)
    assert f"appears to read schedules as UTC{utc}, not in UTC" in warning.message
    assert "the nextStart of 24 tasks" in warning.message
    assert zonecheck.warnings(portal_in(zone, JULY), JULY, zone) == (), "the configured zone agrees"


def test_the_reading_is_in_the_configured_scheduler_zone_with_its_daylight_saving() -> None:
    for now in (NOW, JULY):  # CET and CEST
        assert zonecheck.warnings(portal_in("Europe/Berlin", now), now, "Europe/Berlin") == ()
        (utc_portal,) = zonecheck.warnings(portal_in("UTC", now), now, "Europe/Berlin")
        assert "appears to read schedules as UTC+00:00, not in Europe/Berlin" in utc_portal.message
        assert utc_portal.hint is not None and "`scheduler_timezone: Europe/Berlin`" in utc_portal.hint
        assert "does not match the portal" in utc_portal.hint
    (summer,) = zonecheck.warnings(portal_in("UTC", JULY), JULY, "Europe/Berlin")
    assert "is 2 h later than reconciler's reading in Europe/Berlin" in summer.message
    (tokyo,) = zonecheck.warnings(portal_in("Asia/Tokyo", JULY), JULY, "Europe/Berlin")
    assert "UTC+09:00, not in Europe/Berlin" in tokyo.message and "7 h earlier" in tokyo.message
