"""The load of the planned tasks through the CLI, the client and the emulator over HTTP: the
per-hour histogram, the collision limit from the project file, and runs that outlast their
schedule's interval (in plan and in status)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from reconciler.emulator.server import Emulator
from tests.conftest import SLOW, advance_clock
from tests.e2e.conftest import Run, edit_task, plan_json, write_tasks

BUFFER = "Samples/Buffer/GPServer/Buffer"


def crowd(workdir: Path, emu: Emulator, count: int) -> None:
    """`count` tasks on the Buffer service, all at 03:15 every day."""
    write_tasks(workdir / "tasks.d" / "crowd.yaml", *({"name": f"crowd-{i}", "task_url": emu.task_url(BUFFER),
                                                       "schedule": "0 15 3 * * ?"} for i in range(count)))


def collisions(doc: dict[str, Any]) -> list[str]:
    return [w["message"] for w in doc["warnings"] if "in the same minute" in w["message"]]


def test_the_plan_carries_the_load_and_warns_past_the_project_files_limit(on_emu: Run, workdir: Path,
                                                                          emu: Emulator) -> None:
    crowd(workdir, emu, 3)
    plan = plan_json(on_emu("plan", "--format", "json"))
    assert collisions(plan) == [], "three is within the default of five"
    load = plan["load"]
    assert load["start"] == "2026-01-01T00:00:00Z" and load["days"] == 7 and load["capped"] == []
    (server,) = load["servers"]
    assert server["url"] == emu.server_url and server["tasks"] == 5  # nightly, month-end and the crowd (paused: no)
    (buffer,) = load["services"]
    assert buffer["buckets"]["2026-01-01T03:15:00Z"] == 3 and buffer["buckets"]["2026-01-01T02:00:00Z"] == 1
    assert buffer["fires"] == 3 * 7 + 5  # the crowd daily; nightly on the five weekdays (month-end: the 31st)
    (workdir / "reconciler.yaml").write_text("project: crowded\nowner: publisher\ncollisions: {per_minute: 2}\n")
    plan = plan_json(on_emu("plan", "--format", "json"))
    assert collisions(plan) == [f"3 tasks start on {emu.server_url}/rest/services/Samples/Buffer/GPServer in the same "
                                "minute, 2026-01-01T03:15:00Z (crowd-0, crowd-1, crowd-2); 6 other minutes in the next "
                                "7 days too: more than 2 at once"]
    text = on_emu("plan")
    assert "Load over the next 24 hours: fire times per hour from 2026-01-01 00:00 UTC" in text.out
    row = next(line for line in text.lines if line.strip().startswith(emu.server_url))
    assert "··▃█····" in row and "peak 3 at 03:00, 4 in 24 h, 26 in 7 days (5 tasks)" in row
    markdown = on_emu("plan", "--format", "markdown")
    assert "| <code>··▃█····················</code> | 3 at 03:00 | 4 | 26 | 5 |" in markdown.out


def test_runs_longer_than_the_interval_are_warned_about_in_status_and_plan(on_emu: Run, workdir: Path,
                                                                          emu: Emulator) -> None:
    write_tasks(workdir / "tasks.d" / "slow.yaml", {"name": "slow-every-15", "task_url": emu.task_url(SLOW),
                                                    "schedule": "0 0/15 * * * ?", "parameters": {"minutes": 25}})
    assert on_emu("apply", "--auto-approve").code == 0
    before = json.loads(on_emu("status", "--format", "json").out)
    assert [w for w in before["warnings"] if w["name"] == "slow-every-15"] == [], "no runs yet: no evidence"
    advance_clock(emu, 2 * 3600 + 5)
    status = json.loads(on_emu("status", "--format", "json").out)
    (warning,) = [w for w in status["warnings"] if w["name"] == "slow-every-15"]
    assert warning["message"].startswith("its recent runs take 25 min (the median of its last finished ones), longer "
                                         "than the 15 min between its fire times: runs will be skipped")
    assert "warning: slow-every-15 (publisher): its recent runs take 25 min" in on_emu("status").out
    # The plan reads a task's runs when it would update it: then it says so too, about the plan as a whole
    # (a change's own warnings are compared by apply PLANFILE, and a run finishing meanwhile moves the median).
    edit_task(workdir, "slow-every-15", lambda doc: doc["parameters"].update(minutes=26))
    # Runs start at :15 and :45 and take 25 minutes; at 02:12 none is in flight (one would block the update).
    advance_clock(emu, 12 * 60)
    plan = plan_json(on_emu("plan", "--format", "json", "--out", "plan.json"))
    change = next(c for c in plan["changes"] if c["name"] == "slow-every-15")
    assert change["warnings"] == []
    assert [w["message"][:50] for w in plan["warnings"] if w["message"].startswith("slow-every-15")] == [
        "slow-every-15 (publisher): its recent runs take 25"]
    advance_clock(emu, 3600)  # 03:12: two more runs, between runs again: the plan is still fresh
    applied = on_emu("apply", "plan.json", "--auto-approve")
    assert applied.code == 0, applied.out + applied.err


def test_a_bad_collision_limit_is_refused_at_its_line(on_emu: Run, workdir: Path) -> None:
    (workdir / "reconciler.yaml").write_text("project: crowded\ncollisions:\n  per_minute: 0\n")
    result = on_emu("plan")
    assert result.code == 1 and "reconciler.yaml:3:" in result.err and "collisions.per_minute" in result.err
