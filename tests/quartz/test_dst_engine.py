"""`next_fire_times` in DST zones follows Quartz (docs/quartz.md §2), pinned in a northern, a
southern and a 30-minute-offset zone; and `reconciler cron --tz` shows the same.

Expected instants worked out by hand from the zones' 2026 rules: Berlin springs 02:00 -> 03:00
on 03-29 and falls 03:00 -> 02:00 on 10-25; Sydney falls 03:00 -> 02:00 on 04-05 and springs
02:00 -> 03:00 on 10-04; Adelaide (+10:30/+9:30) the same local hours and dates.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from reconciler.cli import main
from reconciler.quartz import next_fire_times, parse


def utc(expr: str, zone: str, after: str, count: int = 3) -> list[str]:
    start = datetime.fromisoformat(after).replace(tzinfo=ZoneInfo(zone))
    return [t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%MZ")
            for t in next_fire_times(parse(expr), after=start, count=count, tz=ZoneInfo(zone))]


@pytest.mark.parametrize(("zone", "day", "expected"), [
    ("Europe/Berlin", "2026-03-28", ["2026-03-28T01:30Z", "2026-03-30T00:30Z", "2026-03-31T00:30Z"]),
    ("Australia/Sydney", "2026-10-03", ["2026-10-02T16:30Z", "2026-10-04T15:30Z", "2026-10-05T15:30Z"]),
    ("Australia/Adelaide", "2026-10-03", ["2026-10-02T17:00Z", "2026-10-04T16:00Z", "2026-10-05T16:00Z"]),
])
def test_a_wall_time_in_the_spring_gap_is_skipped_that_day(zone: str, day: str, expected: list[str]) -> None:
    assert utc("0 30 2 * * ?", zone, f"{day}T00:00") == expected


@pytest.mark.parametrize(("zone", "day", "expected"), [
    # 02:30 happens twice: fires once, at the later (standard-time) pass
    ("Europe/Berlin", "2026-10-25", ["2026-10-25T01:30Z", "2026-10-26T01:30Z"]),
    ("Australia/Sydney", "2026-04-05", ["2026-04-04T16:30Z", "2026-04-05T16:30Z"]),  # 04-05 02:30 AEST = 16:30Z 04-04
    ("Australia/Adelaide", "2026-04-05", ["2026-04-04T17:00Z", "2026-04-05T17:00Z"]),
])
def test_a_repeated_wall_time_fires_once_at_its_standard_time(zone: str, day: str, expected: list[str]) -> None:
    assert utc("0 30 2 * * ?", zone, f"{day}T00:00", count=2) == expected


def test_hourly_skips_the_daylight_copy_of_the_repeated_hour() -> None:
    # Berlin 10-25: 02:00 CEST = 00:00Z is skipped, 02:00 CET = 01:00Z fires
    assert utc("0 0 * * * ?", "Europe/Berlin", "2026-10-25T01:30", count=3) == [
        "2026-10-25T01:00Z", "2026-10-25T02:00Z", "2026-10-25T03:00Z"]


def test_a_search_starting_inside_the_repeated_hour_never_goes_back() -> None:
    first_pass = datetime(2026, 10, 25, 0, 40, tzinfo=timezone.utc)  # 02:40 CEST
    times = next_fire_times(parse("0 30 2 * * ?"), after=first_pass, count=1, tz=ZoneInfo("Europe/Berlin"))
    assert times[0].astimezone(timezone.utc) == datetime(2026, 10, 26, 1, 30, tzinfo=timezone.utc)  # not 02:30 CET


def test_cron_command_uses_quartz_dst_rules(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["cron", "0 30 2 * * ?", "--tz", "America/New_York", "--after", "2026-03-07T12:00:00Z", "-n", "2",
            "--format", "json"]
    assert main(args) == 0
    doc = json.loads(capsys.readouterr().out)
    text = json.dumps(doc)
    assert "2026-03-08" not in text  # 02:30 does not exist on 03-08 in New York
    assert "2026-03-09T06:30:00Z" in text
