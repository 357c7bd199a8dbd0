"""next_fire_times(..., until=): counting a window stops at its end, not `count` fires later."""

from __future__ import annotations

from datetime import datetime, timezone

from reconciler import quartz

AFTER = datetime(2026, 1, 30, 12, tzinfo=timezone.utc)


def test_until_bounds_the_fire_times_inclusively_across_months() -> None:
    daily = quartz.parse("0 0 2 * * ?")
    until = datetime(2026, 2, 3, 2, tzinfo=timezone.utc)
    times = quartz.next_fire_times(daily, after=AFTER, count=1000, until=until)
    assert [t.day for t in times] == [31, 1, 2, 3] and times[-1] == until
    assert quartz.next_fire_times(daily, after=AFTER, count=2, until=until)[-1].day == 1, "count still bounds"
    assert len(quartz.next_fire_times(daily, after=AFTER, count=5)) == 5, "no until: count alone"


def test_a_schedule_whose_next_fire_lies_past_until_gives_none() -> None:
    yearly = quartz.parse("0 0 0 1 JAN ?")
    assert quartz.next_fire_times(yearly, after=AFTER, count=10, until=datetime(2026, 12, 31, tzinfo=timezone.utc)) == []
