"""Issue 16 end to end: messages that say exactly what happened, through the CLI and the emulator."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.conftest import Run, edit_task

STALE = "plan is stale, run plan again"


def test_a_stale_plan_names_the_task_and_file_that_differ(on_emu: Run, workdir: Path) -> None:
    assert on_emu("plan", "--out", "plan.json", "--owner", "publisher").code == 0
    edit_task(workdir, "nightly-parcel-buffer", lambda d: d.update(schedule="0 0 3 ? * MON-FRI"))
    result = on_emu("apply", "plan.json", "--owner", "publisher")
    assert result.code == 1
    assert result.err.strip() == (f"error: {STALE}: the task files (or their variables) changed since the plan was "
                                  "made; the plan now differs for nightly-parcel-buffer (publisher, "
                                  "tasks.d/nightly-buffer.yaml).")


def test_a_stale_plan_names_a_task_added_on_the_portal(on_emu: Run, emu, portal) -> None:
    from tests.conftest import buffer_fields as fields
    from tests.e2e.conftest import MARK

    assert on_emu("plan", "--out", "plan.json", "--owner", "publisher").code == 0
    portal.create_task(fields(emu, MARK + "managed-meanwhile"))
    result = on_emu("apply", "plan.json", "--owner", "publisher")
    assert result.code == 1
    assert result.err.strip() == (f"error: {STALE}: the portal's tasks changed since the plan was made; the plan now "
                                  "differs for managed-meanwhile (publisher).")
