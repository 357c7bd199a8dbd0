"""`reconciler status` after review, through the CLI, the client and the emulator over HTTP: a
failure streak seen through a run still executing, runs left after a schedule change restarted
the portal's count, a task enabled long after it was created, and views in which a disabled,
drifted or missing task never looks paused or ok (with the drift's fields, secrets masked)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import BUFFER_PARAMS, FAILS, advance_clock
from tests.e2e.conftest import Run, edit_task, write_tasks

QUARTER = 15 * 60


def only(workdir: Path, emu, **task: Any) -> None:
    """tasks.d holds just this one task (a GP task every 15 minutes unless told otherwise)."""
    for path in (workdir / "tasks.d").glob("*.yaml"):
        path.unlink()
    write_tasks(workdir / "tasks.d" / "one.yaml", {"name": "one", "schedule": "0 0/15 * ? * *",
                                                   "task_url": emu.task_url(FAILS), **task})


def status(on_emu: Run) -> tuple[int, dict[str, Any]]:
    result = on_emu("status", "--owner", "publisher", "--format", "json")
    (task,) = json.loads(result.out)["tasks"]
    return result.code, task


def test_a_run_still_executing_does_not_hide_four_failures(on_emu: Run, workdir: Path, emu) -> None:
    only(workdir, emu)
    assert on_emu("apply", "--auto-approve", "--owner", "publisher").code == 0
    for _ in range(4):
        advance_clock(emu, QUARTER)
    advance_clock(emu, 10)  # four runs failed
    advance_clock(emu, QUARTER - 10 + 1.5)  # the fifth was submitted and is executing
    code, task = status(on_emu)
    assert (code, task["last_run"]["status"], task["failures"], task["healthy"]) == (2, "executing", 4, False)
    assert task["problems"] == ["the last 4 finished runs failed while the task is still active"]
    text = on_emu("status", "--owner", "publisher")
    assert text.lines[2].startswith("!! one (publisher): active; last run executing ") and "4 failed in a row" in text.out


def test_a_task_created_paused_long_ago_and_enabled_now_is_not_overdue(on_emu: Run, workdir: Path, emu) -> None:
    only(workdir, emu, enabled=False, task_url=emu.task_url("Samples/Buffer/GPServer/Buffer"), parameters=BUFFER_PARAMS)
    assert on_emu("apply", "--auto-approve", "--owner", "publisher").code == 0
    advance_clock(emu, 3 * 24 * 3600)
    edit_task(workdir, "one", lambda d: d.update(enabled=True))
    assert on_emu("apply", "--auto-approve", "--owner", "publisher").code == 0
    advance_clock(emu, 60)
    code, task = status(on_emu)
    assert (code, task["state"], task["last_run"], task["problems"]) == (0, "active", None, [])
    advance_clock(emu, 3600)  # now it was due and ran
    code, task = status(on_emu)
    assert code == 0 and task["last_run"]["status"] == "succeeded"
