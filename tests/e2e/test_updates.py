"""Updates converge: a field removed from a task file is cleared on the portal, and an update
leaves the task's active state alone (only enable/disable change it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reconciler.emulator.server import Emulator
from reconciler.portal.client import PortalClient
from tests.conftest import advance_clock, titles
from tests.e2e.conftest import MARK, Run, edit_task, plan_json

FLOOD = "quarterly-flood-model"
BUFFER = "nightly-parcel-buffer"
SLOW_ITEM = "6b6bad511e670eec7d48b7dc1d353896"  # the web tool item of Samples/Slow (publisher's)
OPTIONAL = {
    "item_id": SLOW_ITEM,
    "start": "2030-02-01T00:00:00Z",
    "end": "2031-12-31T00:00:00Z",
    "max_occurrences": 40,
    "parameters": {"minutes": 45},
}


def task_of(portal: PortalClient, name: str) -> Any:
    return titles(portal)[MARK + name]


@pytest.mark.parametrize("field", sorted(OPTIONAL))
def test_removing_an_optional_field_converges(on_emu: Run, workdir: Path, portal: PortalClient, field: str) -> None:
    edit_task(workdir, FLOOD, lambda d: d.update(OPTIONAL))
    assert on_emu("apply", "--auto-approve").code == 0
    assert on_emu("plan", "--detailed-exitcode").code == 0
    edit_task(workdir, FLOOD, lambda d: d.pop(field))
    planned = plan_json(on_emu("plan", "--format", "json"))
    assert [(c["name"], c["actions"]) for c in planned["changes"]] == [(FLOOD, ["update"])]
    result = on_emu("apply", "--auto-approve")
    assert result.code == 0, result.out + result.err
    assert on_emu("plan", "--detailed-exitcode").code == 0
    task = task_of(portal, FLOOD)
    cleared = {"item_id": task.item_id, "start": task.start_date, "end": task.end_date,
               "max_occurrences": task.max_occurrences, "parameters": task.parameters or None}
    assert cleared[field] is None


def test_updating_a_completed_task_keeps_it_completed(on_emu: Run, workdir: Path, emu: Emulator,
                                                      portal: PortalClient) -> None:
    edit_task(workdir, BUFFER, lambda d: d.update(schedule="0 * * ? * *", max_occurrences=1))
    assert on_emu("apply", "--auto-approve").code == 0
    advance_clock(emu, 300)
    assert task_of(portal, BUFFER).task_state == "completed"
    assert on_emu("plan", "--detailed-exitcode").code == 0
    edit_task(workdir, BUFFER, lambda d: d["parameters"]["buffer_distance_or_field"].update(distance=7))
    result = on_emu("apply", "--auto-approve")
    assert result.code == 0, result.out + result.err
    assert task_of(portal, BUFFER).task_state == "completed"
    again = on_emu("plan", "--detailed-exitcode")
    assert again.code == 0, again.out
