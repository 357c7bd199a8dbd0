"""`show PLANFILE` and `runs NAME` under a hostile reading: a damaged, edited or deeply nested
plan file is refused the same way by show (in every view) and `apply FILE`; show prints the task
files' warnings plan printed; an administrator's `runs` finds any owner's task, and an incomplete
listing is never read as "no such task". Through the CLI, the client and the emulator over HTTP."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from reconciler.emulator.server import Emulator
from reconciler.portal.client import PortalClient
from tests.conftest import buffer_fields, fault
from tests.e2e.conftest import Run

FORMATS = ("text", "markdown", "json")


@pytest.fixture
def saved(on_emu: Run, workdir: Path) -> dict[str, Any]:
    """A saved plan (three creates) and its content."""
    assert on_emu("plan", "--out", "plan.json").code == 0
    data: dict[str, Any] = json.loads((workdir / "plan.json").read_text())
    return data


def refused_everywhere(run: Run, on_emu: Run, path: str, why: str) -> None:
    """show (every view) and apply FILE refuse `path` as a damaged plan, as a usage error, printing no plan."""
    for fmt in FORMATS:
        shown = run("show", path, "--format", fmt)
        assert (shown.code, shown.out) == (1, ""), (fmt, shown.out, shown.err)
        assert shown.err.startswith(f"error: {path}: damaged plan file (") and why in shown.err, shown.err
        assert shown.err.rstrip().endswith("run plan again")
    applied = on_emu("apply", path)
    assert applied.code == 1 and f"error: {path}: damaged plan file (" in applied.err and why in applied.err
    assert "Traceback" not in applied.err + applied.out


def test_a_plan_file_of_the_wrong_shape_is_refused_in_every_view_and_by_apply(run: Run, on_emu: Run, workdir: Path,
                                                                              saved: dict[str, Any]) -> None:
    saved["plan"]["changes"] = 5  # the JSON view printed this through unchecked
    saved.pop("digest")  # as an older file without one: the shape alone is checked
    (workdir / "bad.json").write_text(json.dumps(saved))
    refused_everywhere(run, on_emu, "bad.json", "plan.changes: ")


def test_a_plan_file_edited_after_plan_saved_it_is_refused(run: Run, on_emu: Run, workdir: Path,
                                                           saved: dict[str, Any]) -> None:
    saved["plan"]["changes"][0]["action"] = "delete"  # valid shape, but not what plan saved
    saved["plan"]["changes"][0]["actions"] = ["delete"]
    (workdir / "edited.json").write_text(json.dumps(saved, indent=2))
    refused_everywhere(run, on_emu, "edited.json", "does not match its digest")


@pytest.mark.parametrize("levels", [100_000, 500])
def test_deeply_nested_json_in_a_plan_file_is_a_damaged_plan_not_a_traceback(run: Run, on_emu: Run, workdir: Path,
                                                                              saved: dict[str, Any],
                                                                              levels: int) -> None:
    """100000 levels: deeper than the JSON decoder goes; 500: decoded, deeper than any plan."""
    text = json.dumps(saved)
    (workdir / "deep.json").write_text(text.replace('"unchanged": []', '"unchanged": ' + "[" * levels + "]" * levels))
    refused_everywhere(run, on_emu, "deep.json", "nested")


def test_an_intact_plan_file_is_still_shown_and_applied(run: Run, on_emu: Run, saved: dict[str, Any]) -> None:
    assert saved["digest"].startswith("sha256:") and saved["task_file_warnings"] == []
    for fmt in FORMATS:
        assert run("show", "plan.json", "--format", fmt).code == 0
    applied = on_emu("apply", "plan.json")
    assert applied.code == 0, applied.out + applied.err


def test_a_plan_file_without_a_digest_is_refused(run: Run, on_emu: Run, workdir: Path,
                                                 saved: dict[str, Any]) -> None:
    """Removing the digest must not turn an edited file into an "older" one that is shown as genuine."""
    saved.pop("digest")
    saved["tasks_dir"] = "forged"
    (workdir / "old.json").write_text(json.dumps(saved))
    for command in (("show", "old.json"), ("apply", "old.json")):
        result = (run if command[0] == "show" else on_emu)(*command)
        assert result.code == 1 and "it has no digest" in result.err and "forged" not in result.out, command


@pytest.mark.parametrize("fmt", FORMATS)
def test_show_prints_the_task_file_warnings_plan_printed(on_emu: Run, run: Run, workdir: Path, fmt: str) -> None:
    (workdir / "tasks.d" / "empty.yaml").write_text("# nothing yet\n")  # warning: file holds no task
    planned = on_emu("plan", "--format", fmt, "--out", "plan.json")
    assert planned.code == 0, planned.err
    printed = planned.out.rstrip("\n")
    if fmt == "text":
        printed = printed.rsplit("\n", 1)[0]  # the "Saved the plan to ..." line
    if fmt != "json":
        assert printed.startswith("tasks.d/empty.yaml: warning: file holds no task"), printed[:200]
    shown = run("show", "plan.json", "--format", fmt)
    assert shown.code == 0 and shown.out.rstrip("\n") == printed
    saved = json.loads((workdir / "plan.json").read_text())
    assert [w["message"] for w in saved["task_file_warnings"]] == ["file holds no task"]


def test_json_nested_deeply_in_a_task_parameter_is_no_traceback(on_emu: Run, workdir: Path) -> None:
    """A parameter holding JSON text is compared parsed; text nested deeper than the decoder
    goes (or than the planner walks) stays text."""
    for levels in (100_000, 500):
        text = (workdir / "tasks.d" / "nightly-buffer.yaml").read_text()
        (workdir / "tasks.d" / "nightly-buffer.yaml").write_text(
            text.replace("      overwrite: true", "      overwrite: true\n  deep: '" + "[" * levels + "]" * levels + "'"))
        planned = on_emu("plan", "--format", "json")
        assert planned.code == 1 and "Traceback" not in planned.err, planned.err[-500:]
        assert "parameter 'deep' is not an input of GP task Buffer" in planned.out
        (workdir / "tasks.d" / "nightly-buffer.yaml").write_text(text)


@pytest.mark.parametrize("where", ["tasks.d/deep.yaml", "reconciler.yaml"])
def test_yaml_nested_deeply_is_a_clear_error(run: Run, workdir: Path, where: str) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    if where == "reconciler.yaml":
        (workdir / where).write_text(f"project: gis\nowner: publisher\nvariables:\n  A: {deep}\n")
    else:
        (workdir / where).write_text(f"name: deep\nparameters:\n  a: {deep}\n")
    result = run("validate")
    assert result.code == 1 and "Traceback" not in result.err
    assert f"{where}:" in result.out + result.err and "nest" in result.out + result.err


# -- runs NAME -------------------------------------------------------------------------------




def test_an_administrator_finds_any_owners_task_by_title_or_id(as_admin: Run, emu: Emulator,
                                                               portal: PortalClient) -> None:
    """publisher's hand-made task: no task file names publisher (the shipped ones belong to the default owner)."""
    task_id = portal.create_task(buffer_fields(emu, "Hand made by publisher"))
    for name in ("Hand made by publisher", task_id):
        found = as_admin("runs", name, "--owner", "admin")
        assert found.code == 0, found.err
        assert found.lines[0].startswith(f"Runs of Hand made by publisher (publisher, task {task_id}): ")
    data = json.loads(as_admin("runs", task_id, "--owner", "admin", "--format", "json").out)
    assert data["task"] == {"id": task_id, "owner": "publisher", "title": "Hand made by publisher", "name": None}
    missing = as_admin("runs", "no such task", "--owner", "admin")
    assert missing.code == 1 and "no task named 'no such task' on the portal" in missing.err


def test_an_incomplete_listing_never_says_there_is_no_such_task(as_admin: Run, emu: Emulator,
                                                                portal: PortalClient) -> None:
    task_id = portal.create_task(buffer_fields(emu, "Hand made by publisher"))
    fault(emu, "/portals/self/allScheduledTasks$", "lose_task", count=2)  # the admin listing, and gather's
    lost = as_admin("runs", "no such task", "--owner", "admin")
    assert lost.code == 1 and "listing was incomplete" in lost.err, lost.err
    assert "on the portal (looked for" not in lost.err, "no claim that the task does not exist"
    fault(emu, "/portals/self/allScheduledTasks$", "lose_task", count=2)
    assert as_admin("runs", task_id, "--owner", "admin").code == 1, "publisher's task was among the lost"


def test_an_incomplete_listing_of_ones_own_tasks_never_says_there_is_no_such_task(on_emu: Run, emu: Emulator,
                                                                                  portal: PortalClient) -> None:
    portal.create_task(buffer_fields(emu, "Hand made"))
    fault(emu, "/community/users/publisher/tasks$", "lose_task")
    mine = on_emu("runs", "no such task")
    assert mine.code == 1 and "listing was incomplete" in mine.err, mine.err
    assert "on the portal (looked for" not in mine.err
