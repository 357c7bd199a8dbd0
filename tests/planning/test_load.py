"""The load of the planned tasks: fire times per service and server, collisions, capped counting
and runs that outlast their schedule's interval (reconciler.planning.load)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from reconciler.instants import to_ms
from reconciler.model import CronFields, RemoteRun
from reconciler.planning import load
from reconciler.planning.load import CAP, Planned

NOW = datetime(2026, 1, 1, 0, 20, tzinfo=timezone.utc)  # a Thursday
SERVER = "https://gis.example.com/server"
BUFFER = f"{SERVER}/rest/services/Samples/Buffer/GPServer/Buffer"


def cron(minute: str = "0", hour: str = "2", dom: str = "*", dow: str = "?") -> CronFields:
    return CronFields(minute=minute, hour=hour, day_of_month=dom, month="*", day_of_week=dow)


def task(name: str, schedule: CronFields, url: str = BUFFER, **more: object) -> Planned:
    return Planned(name=name, owner="publisher", task_url=url, schedule=schedule, **more)  # type: ignore[arg-type]


def test_services_and_servers_are_named_from_the_task_url() -> None:
    assert load.service_of("HTTPS://GIS.example.com/server/rest/services/A/B/GPServer/Tool/") == \
        "https://gis.example.com/server/rest/services/A/B/GPServer"
    assert load.server_of(BUFFER) == SERVER
    assert load.server_of("https://gis.example.com/rest/services/X/GPServer/T") == "https://gis.example.com"


def test_fire_times_are_counted_per_quarter_hour_from_now_to_the_hour() -> None:
    other = "https://gis2.example.com/arcgis/rest/services/Sync/GPServer/Sync"
    found, notes = load.assess([task("daily", cron()), task("hourly", cron(minute="30", hour="*"), url=other)], NOW)
    assert notes == ()
    assert found.start == "2026-01-01T00:00:00Z" and found.capped == ()
    daily, hourly = found.services
    assert (daily.tasks, daily.fires) == (1, 7)
    assert daily.buckets[0] == (8, 1) and daily.buckets[1] == (96 + 8, 1)  # 02:00 is the 9th quarter-hour
    assert hourly.fires == 7 * 24 and hourly.buckets[0] == (2, 1)  # 00:30 is after now (00:20)
    assert [s.url for s in found.servers] == ["https://gis.example.com/server", "https://gis2.example.com/arcgis"]


def test_start_end_and_runs_left_bound_the_count() -> None:
    ends = to_ms(datetime(2026, 1, 3, 12, tzinfo=timezone.utc))
    starts = to_ms(datetime(2026, 1, 5, tzinfo=timezone.utc))
    url = f"{SERVER}/rest/services/S{{}}/GPServer/T".format
    found, _ = load.assess([task("ends", cron(), url=url(1), end_ms=ends),
                            task("starts", cron(), url=url(2), start_ms=starts),
                            task("two-left", cron(), url=url(3), runs_left=2)], NOW)
    assert [s.fires for s in found.services] == [3, 3, 2]  # 1..3 Jan; 5..7 Jan; two runs
    assert found.servers[0].fires == 8 and found.servers[0].tasks == 3


def test_more_tasks_than_the_limit_in_one_minute_on_one_service_are_named() -> None:
    six = [task(f"t{i}", cron()) for i in range(6)]
    _, notes = load.assess(six, NOW)
    (note,) = notes
    assert note.message == (f"6 tasks start on {SERVER}/rest/services/Samples/Buffer/GPServer in the same minute, "
                            "2026-01-01T02:00:00Z (t0, t1, t2, t3, t4 and 1 more); 6 other minutes in the next 7 days "
                            "too: more than 5 at once")
    assert "collisions: {per_minute: N}" in (note.hint or "") and note.name is None
    assert load.assess(six[:5], NOW)[1] == (), "five is the limit, not a collision"
    assert load.assess(six[:3], NOW, per_minute=2)[1] != ()
    spread = [task(f"t{i}", cron(minute=str(i))) for i in range(6)]
    assert load.assess(spread, NOW)[1] == (), "a minute apart is not the same minute"
    elsewhere = [task(f"t{i}", cron(), url=f"{SERVER}/rest/services/S{i}/GPServer/T") for i in range(6)]
    assert load.assess(elsewhere, NOW)[1] == (), "per service"


def test_a_task_firing_more_often_than_every_quarter_hour_is_capped_and_named() -> None:
    found, _ = load.assess([task("every-minute", cron(minute="*", hour="*"))], NOW)
    assert found.capped == ("every-minute",) and found.services[0].fires == CAP


def test_runs_longer_than_the_interval_are_warned_about() -> None:
    def runs(minutes: int, status: str = "succeeded") -> tuple[RemoteRun, ...]:
        base = to_ms(NOW) or 0
        return tuple(RemoteRun(run_id=f"r{i}", task_id="id1", status=status, result="", url="",
                               created=base - i * 3_600_000, updated=base - i * 3_600_000 + minutes * 60_000)
                     for i in range(1, 4))

    quarterly = task("q", cron(minute="0/15", hour="*"), task_id="id1")
    (note,) = load.overruns([quarterly], {"id1": runs(40)}, NOW)
    assert note.name == "q" and note.message.startswith("its recent runs take 40 min (the median of its last finished "
                                                        "ones), longer than the 15 min between its fire times")
    assert load.overruns([quarterly], {"id1": runs(10)}, NOW) == ()
    assert load.overruns([quarterly], {"id1": runs(40, "skipped")}, NOW) == (), "a skipped run did not run"
    assert load.overruns([quarterly], {}, NOW) == (), "runs not read: no evidence"


def test_ten_thousand_tasks_on_a_few_hundred_schedules_are_all_counted() -> None:
    """Speed is benchmarks/bench.py's to measure; this pins the count the cache must not change."""
    many = [task(f"t{i}", cron(minute=str(i % 60), hour=str(i % 24)), url=f"{SERVER}/rest/services/S{i % 50}/GPServer/T")
            for i in range(10_000)]
    load.fire_minutes.cache_clear()
    found, _ = load.assess(many, NOW)
    assert sum(s.fires for s in found.services) == 70_000


def test_a_saved_plan_keeps_the_collision_limit() -> None:
    from reconciler.planning.options import Policy

    assert Policy.from_dict(Policy(collisions_per_minute=2).to_dict()).collisions_per_minute == 2
    older = {k: v for k, v in Policy(collisions_per_minute=2).to_dict().items() if k != "collisions_per_minute"}
    assert Policy.from_dict(older).collisions_per_minute == 5, "a plan saved before the setting: the default"
    with pytest.raises(ValueError):
        Policy.from_dict({**Policy().to_dict(), "collisions_per_minute": 0})


def test_fire_times_are_read_in_the_schedulers_zone() -> None:
    """"0 0 2 * * ?" read by a scheduler in Europe/Berlin fires at 01:00 UTC in winter; a task in
    UTC at 01:00 then collides with it, one in UTC at 02:00 does not."""
    (berlin,) = load.assess([task("b", cron(), zone="Europe/Berlin")], NOW)[0].services
    assert berlin.buckets[0] == (4, 1), "01:00 UTC is the 5th quarter-hour"
    summer = datetime(2026, 7, 1, 0, 20, tzinfo=timezone.utc)
    (berlin,) = load.assess([task("b", cron(), zone="Europe/Berlin")], summer)[0].services
    assert berlin.buckets[0] == (96, 1), "00:00 UTC in CEST (the next day: now is 00:20)"
    crowd = [task(f"t{i}", cron(hour="1")) for i in range(3)] + [task(f"z{i}", cron(), zone="Europe/Berlin")
                                                                   for i in range(3)]
    (note,) = load.assess(crowd, NOW)[1]
    assert "6 tasks start on" in note.message and "2026-01-01T01:00:00Z" in note.message
