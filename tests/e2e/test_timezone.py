"""A task written in local time, end to end against the emulator under its virtual clock: applied
before a daylight-saving change, quiet plans between changes, the notice inside the window, the
update with its reason once the change has passed, and quiet again after the apply."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import requests

from tests.conftest import BUFFER, BUFFER_PARAMS
from tests.e2e.conftest import Run, plan_json, write_tasks

SPRING = datetime(2026, 3, 29, 1, 0, tzinfo=timezone.utc)  # Europe/Berlin: 02:00 CET -> 03:00 CEST


def set_clock(emu, when: datetime) -> None:
    r = requests.post(emu.control_url + "/clock", data={"set": str(int(when.timestamp() * 1000))}, timeout=30)
    assert r.status_code == 200, r.text


def zoned_project(workdir: Path, emu) -> None:
    for path in (workdir / "tasks.d").glob("*.yaml"):
        path.unlink()
    (workdir / "reconciler.yaml").write_text("project: tz\nowner: publisher\ntimezone: Europe/Berlin\n"
                                             "dst_notice_days: 7\n")
    write_tasks(workdir / "tasks.d" / "berlin.yaml", {"name": "berlin-nightly", "schedule": "0 30 2 * * ?",
                                                      "task_url": emu.task_url(BUFFER), "parameters": BUFFER_PARAMS})


def test_a_zoned_task_follows_local_time_across_a_dst_change(on_emu: Run, workdir: Path, emu) -> None:
    zoned_project(workdir, emu)
    set_clock(emu, datetime(2026, 3, 10, 12, tzinfo=timezone.utc))
    created = plan_json(on_emu("plan", "--format", "json"))
    [change] = created["changes"]
    assert change["action"] == "create"
    assert change["time_zone"] == {"local": "0 30 2 * * ?", "zone": "Europe/Berlin", "scheduler_zone": "UTC",
                                   "compiled": "0 30 1 * * ?", "next_change": "2026-03-29T01:00:00Z",
                                   "next_compiled": "0 30 0 * * ?"}
    assert {"path": "schedule", "before": None, "after": "0 30 1 * * ?", "secret": False} in change["fields"]
    text = on_emu("plan").out
    assert "# local time: 0 30 2 * * ? in Europe/Berlin, sent as 0 30 1 * * ? (UTC)" in text
    assert "# next daylight-saving change: 2026-03-29T01:00:00Z, then sent as 0 30 0 * * ?" in text
    assert on_emu("apply", "--auto-approve").code == 0

    quiet = plan_json(on_emu("plan", "--format", "json"))
    assert (quiet["changes"], quiet["notices"]) == ([], [])

    set_clock(emu, datetime(2026, 3, 24, 12, tzinfo=timezone.utc))  # 4 days before: inside the window
    noticed = on_emu("plan", "--format", "json", "--detailed-exitcode")
    assert noticed.code == 0  # a notice is no change
    [notice] = plan_json(noticed)["notices"]
    assert notice["name"] == "berlin-nightly"
    assert notice["message"].startswith("daylight-saving change in Europe/Berlin on 2026-03-29 03:00 CEST "
                                        "(2026-03-29T01:00:00Z): the schedule sent becomes 0 30 0 * * ? "
                                        "(now 0 30 1 * * ?) for 0 30 2 * * ? in Europe/Berlin")
    assert "Notes:" in on_emu("plan").out
    assert "> [!NOTE]" in on_emu("plan", "--format", "markdown").out

    set_clock(emu, datetime(2026, 3, 29, 6, tzinfo=timezone.utc))  # the change has passed
    due = plan_json(on_emu("plan", "--format", "json"))
    [update] = due["changes"]
    assert update["action"] == "update"
    assert update["reason"].startswith("daylight-saving change in Europe/Berlin")
    assert update["fields"] == [{"path": "schedule", "before": "0 30 1 * * ?", "after": "0 30 0 * * ?",
                                 "secret": False}]
    assert update["time_zone"]["next_change"] == "2026-10-25T01:00:00Z"
    assert on_emu("apply", "--auto-approve").code == 0
    after = plan_json(on_emu("plan", "--format", "json"))
    assert (after["changes"], after["notices"]) == ([], [])


def test_fire_times_are_read_in_the_schedulers_zone(on_emu: Run, workdir: Path, emu) -> None:
    zoned_project(workdir, emu)
    (workdir / "reconciler.yaml").write_text("project: tz\nowner: publisher\ntimezone: Europe/Berlin\n"
                                             "scheduler_timezone: America/New_York\n")
    set_clock(emu, datetime(2026, 1, 10, 12, tzinfo=timezone.utc))
    [change] = plan_json(on_emu("plan", "--format", "json"))["changes"]
    assert change["time_zone"]["compiled"] == "0 30 20 * * ?"  # 02:30 CET = 20:30 EST the day before
    assert change["time_zone"]["scheduler_zone"] == "America/New_York"
    assert change["next_fires"]["after"][:2] == ["2026-01-11T01:30:00Z", "2026-01-12T01:30:00Z"]  # 02:30 in Berlin


def test_a_change_of_the_schedulers_zone_is_named_as_such(on_emu: Run, workdir: Path, emu) -> None:
    """A UTC schedule for a scheduler in Europe/Berlin: the notice and the reason name Berlin,
    whose clocks change, not UTC (which has no daylight saving)."""
    zoned_project(workdir, emu)
    (workdir / "reconciler.yaml").write_text("project: tz\nowner: publisher\nscheduler_timezone: Europe/Berlin\n")
    write_tasks(workdir / "tasks.d" / "berlin.yaml", {"name": "utc-nightly", "schedule": "0 30 1 * * ?",
                                                      "task_url": emu.task_url(BUFFER), "parameters": BUFFER_PARAMS})
    set_clock(emu, datetime(2026, 3, 10, 12, tzinfo=timezone.utc))
    assert on_emu("apply", "--auto-approve").code == 0
    set_clock(emu, datetime(2026, 3, 24, 12, tzinfo=timezone.utc))
    [notice] = plan_json(on_emu("plan", "--format", "json"))["notices"]
    assert notice["message"].startswith("daylight-saving change in Europe/Berlin on 2026-03-29 03:00 CEST "
                                        "(2026-03-29T01:00:00Z): the schedule sent becomes 0 30 3 * * ? "
                                        "(now 0 30 2 * * ?) for 0 30 1 * * ? in UTC")
    set_clock(emu, datetime(2026, 3, 29, 6, tzinfo=timezone.utc))
    [update] = plan_json(on_emu("plan", "--format", "json"))["changes"]
    assert update["reason"] == ("daylight-saving change in Europe/Berlin: 0 30 1 * * ? in UTC is now 0 30 3 * * ? "
                                "in Europe/Berlin")


def test_status_says_a_daylight_saving_update_is_one(on_emu: Run, workdir: Path, emu) -> None:
    zoned_project(workdir, emu)
    set_clock(emu, datetime(2026, 3, 20, 12, tzinfo=timezone.utc))
    assert on_emu("apply", "--auto-approve").code == 0
    set_clock(emu, datetime(2026, 3, 29, 6, tzinfo=timezone.utc))
    status = on_emu("status", "--format", "json")
    [task] = [t for t in json.loads(status.out)["tasks"] if t["name"] == "berlin-nightly"]
    assert task["drift"] == ["update: schedule (daylight-saving change in Europe/Berlin: 0 30 2 * * ? in "
                             "Europe/Berlin is now 0 30 0 * * ? in UTC)"]
    assert "(daylight-saving change in Europe/Berlin" in on_emu("status").out


def test_a_saved_plan_applied_after_a_dst_change_is_stale(on_emu: Run, workdir: Path, emu) -> None:
    zoned_project(workdir, emu)
    set_clock(emu, datetime(2026, 3, 20, 12, tzinfo=timezone.utc))
    assert on_emu("apply", "--auto-approve").code == 0
    set_clock(emu, datetime(2026, 3, 28, 12, tzinfo=timezone.utc))
    write_tasks(workdir / "tasks.d" / "berlin.yaml", {"name": "berlin-nightly", "schedule": "0 30 2 * * ?",
                                                      "enabled": False, "task_url": emu.task_url(BUFFER),
                                                      "parameters": BUFFER_PARAMS})
    assert on_emu("plan", "--out", "plan.json").code == 0
    assert on_emu("apply", "plan.json").code == 0, "fresh while no change has passed"
    write_tasks(workdir / "tasks.d" / "berlin.yaml", {"name": "berlin-nightly", "schedule": "0 30 2 * * ?",
                                                      "task_url": emu.task_url(BUFFER), "parameters": BUFFER_PARAMS})
    assert on_emu("plan", "--out", "plan.json").code == 0
    set_clock(emu, datetime(2026, 3, 30, 12, tzinfo=timezone.utc))
    stale = on_emu("apply", "plan.json")
    assert stale.code != 0 and "plan is stale" in stale.err + stale.out
    assert "a daylight-saving change since the plan was made changes the schedule sent for berlin-nightly" in \
        stale.err + stale.out
