"""The portal's own time zone, judged by plan and status from the nextStart the listing carries:
through the CLI, the client and an emulator whose scheduler reports shifted nextStart values."""

from __future__ import annotations

import json
from typing import Any

from reconciler.emulator.server import Emulator
from tests.e2e.conftest import Run, plan_json

HOUR_MS = 3_600_000


def shift_next_start(emu: Emulator, by_ms: dict[str, int]) -> None:
    """Move the nextStart of the tasks titled `[reconciler] <name>` behind the CLI's back (the
    emulator reads its schedules as UTC; a portal in another zone reports other values)."""
    ctx = emu.ctx
    assert ctx is not None
    with ctx.store.lock:
        docs = [d for d in ctx.store.tasks()[1] if d["title"].removeprefix("[reconciler] ") in by_ms]
        assert len(docs) == len(by_ms)
        for doc in docs:
            assert doc["nextStart"]
            ctx.store.put_task({**doc, "nextStart": doc["nextStart"] + by_ms[doc["title"].removeprefix("[reconciler] ")]})


def zone_warnings(doc: dict[str, Any]) -> list[dict[str, str]]:
    return [w for w in doc["warnings"] if "nextStart" in w["message"]]


def test_a_consistent_offset_is_named_with_how_to_set_the_portal_zone(applied: Run, emu: Emulator) -> None:
    assert zone_warnings(plan_json(applied("plan", "--format", "json"))) == [], "the emulator reads UTC"
    shift_next_start(emu, {"nightly-parcel-buffer": -2 * HOUR_MS, "month-end-service-areas": -2 * HOUR_MS})
    plan = plan_json(applied("plan", "--format", "json"))
    (warning,) = zone_warnings(plan)
    assert warning["message"] == ("the portal's scheduler appears to read schedules as UTC+02:00, not in UTC "
                                  "(`scheduler_timezone:` in the project file; UTC when unset): the nextStart of "
                                  "2 tasks is 2 h earlier than reconciler's reading in UTC, so the fire times shown "
                                  "here are off by that much")
    assert "scheduler_timezone:" in warning["hint"] and warning["name"] is None
    status = applied("status", "--format", "json")
    assert status.code == 0, status.out + status.err  # a warning, not unhealthy
    assert [w["message"] for w in zone_warnings(json.loads(status.out))] == [warning["message"]]
    text = applied("status")
    assert "warning: the portal's scheduler appears to read schedules as UTC+02:00" in text.out
    assert "hint: set `scheduler_timezone: <zone>`" in text.out
    plan_text = applied("plan")
    assert "UTC+02:00" in plan_text.out and "scheduler_timezone" in plan_text.out


def test_disagreeing_offsets_are_a_different_warning(applied: Run, emu: Emulator) -> None:
    shift_next_start(emu, {"nightly-parcel-buffer": -2 * HOUR_MS, "month-end-service-areas": -HOUR_MS})
    (warning,) = zone_warnings(plan_json(applied("plan", "--format", "json")))
    assert warning["message"].startswith("the portal's nextStart disagrees with reconciler's reading of the "
                                         "schedules in UTC (`scheduler_timezone:` in the project file; UTC when "
                                         "unset) by different amounts (")
    assert "1 task 2 h earlier" in warning["message"] and "1 task 1 h earlier" in warning["message"]
    assert "UTC+" not in warning["message"]


def test_an_offset_that_is_no_quarter_hour_is_no_evidence(applied: Run, emu: Emulator) -> None:
    shift_next_start(emu, {"nightly-parcel-buffer": 7 * 60_000, "month-end-service-areas": 7 * 60_000})
    assert zone_warnings(plan_json(applied("plan", "--format", "json"))) == []


def test_the_check_reads_schedules_in_the_configured_scheduler_zone(on_emu: Run, workdir, emu: Emulator) -> None:
    """scheduler_timezone: Europe/Berlin, but the emulator reads UTC: named; once its nextStart is
    what a portal in Berlin reports, quiet, and doctor says so truthfully."""
    from datetime import datetime, timezone

    from tests.conftest import BUFFER, BUFFER_PARAMS
    from tests.e2e.conftest import write_tasks
    from tests.e2e.test_timezone import set_clock

    for path in (workdir / "tasks.d").glob("*.yaml"):
        path.unlink()
    (workdir / "reconciler.yaml").write_text("project: tz\nowner: publisher\nscheduler_timezone: Europe/Berlin\n")
    write_tasks(workdir / "tasks.d" / "a.yaml", {"name": "utc-two", "schedule": "0 0 2 * * ?",
                                                 "task_url": emu.task_url(BUFFER), "parameters": BUFFER_PARAMS})
    set_clock(emu, datetime(2026, 1, 10, 12, tzinfo=timezone.utc))
    assert on_emu("apply", "--auto-approve").code == 0
    (warning,) = zone_warnings(plan_json(on_emu("plan", "--format", "json")))
    assert warning["message"].startswith("the portal's scheduler appears to read schedules as UTC+00:00, not in "
                                         "Europe/Berlin")
    assert "1 task is 1 h later than reconciler's reading in Europe/Berlin" in warning["message"]
    doctor = {f["check"]: f for f in json.loads(on_emu("doctor", "--format", "json").out)["findings"]}
    assert doctor["time zone"]["status"] == "warn" and "as reconciler does" not in doctor["time zone"]["fact"]
    ctx = emu.ctx
    assert ctx is not None
    with ctx.store.lock:  # what a scheduler reading Europe/Berlin reports
        (doc,) = ctx.store.tasks()[1]
        ctx.store.put_task({**doc, "nextStart": doc["nextStart"] - HOUR_MS})
    assert zone_warnings(plan_json(on_emu("plan", "--format", "json"))) == []
    assert zone_warnings(json.loads(on_emu("status", "--format", "json").out)) == []
    doctor = {f["check"]: f for f in json.loads(on_emu("doctor", "--format", "json").out)["findings"]}
    assert doctor["time zone"]["fact"].startswith("the scheduler reads schedules in Europe/Berlin, as reconciler does")
