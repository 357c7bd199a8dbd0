"""The portal's zone as plan and status judge it (reconciler.planning.zonecheck); doctor's wording
of the same inference is in test_findings.py."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone
from typing import Any

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
    assert "UTC+01:00: the nextStart of 2 tasks is 1 h earlier" in east.message
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
