"""`reconciler status` after review, through the CLI, the client and the emulator over HTTP: a
failure streak seen through a run still executing, runs left after a schedule change restarted
the portal's count, a task enabled long after it was created, and views in which a disabled,
drifted or missing task never looks paused or ok (with the drift's fields, secrets masked)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from reconciler.masking import SECRET_MASK
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


def test_runs_left_after_a_schedule_change_restarted_the_count(on_emu: Run, workdir: Path, emu) -> None:
    """max_occurrences 2 used up, so the portal completed the task; a new schedule restarts its
    count (and enabling it lets it fire): status must not say it will not fire, 0 runs left."""
    only(workdir, emu, max_occurrences=2, task_url=emu.task_url("Samples/Buffer/GPServer/Buffer"),
         parameters=BUFFER_PARAMS)
    assert on_emu("apply", "--auto-approve", "--owner", "publisher").code == 0
    advance_clock(emu, 2 * QUARTER + 10)
    code, task = status(on_emu)
    assert (task["state"], task["runs_left"], task["runs_left_exact"], task["next_fire"]) == ("completed", 0, True, None)
    assert "will not fire; 0 runs left" in on_emu("status", "--owner", "publisher").out

    edit_task(workdir, "one", lambda d: d.update(schedule="0 0/20 * ? * *"))
    applied = on_emu("apply", "--auto-approve", "--owner", "publisher")
    assert applied.code == 0, applied.out + applied.err
    code, task = status(on_emu)
    assert (code, task["state"], task["runs_left"], task["runs_left_exact"]) == (0, "active", 2, False)
    assert task["next_fire"] is not None
    line = on_emu("status", "--owner", "publisher").lines[2]
    assert "at most 2 runs left" in line and "will not fire" not in line
    advance_clock(emu, 20 * 60 + 10)
    assert status(on_emu)[1]["runs_left"] == 1


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


def test_a_task_the_portal_disabled_shows_as_disabled_not_paused(on_emu: Run, workdir: Path, emu) -> None:
    only(workdir, emu)
    assert on_emu("apply", "--auto-approve", "--owner", "publisher").code == 0
    for _ in range(5):
        advance_clock(emu, QUARTER)
    advance_clock(emu, 10)
    text = on_emu("status", "--owner", "publisher")
    assert text.code == 2 and "paused" not in text.out
    assert text.lines[2].startswith("!! one (publisher): disabled by the portal; ")
    assert "will not fire (disabled by the portal; would fire " in text.lines[2]
    markdown = on_emu("status", "--owner", "publisher", "--format", "markdown").out
    assert "paused" not in markdown and "| disabled by the portal |" in markdown


SECRET_1, SECRET_2 = "s3cr3t-layer-one-4711", "s3cr3t-layer-two-0815"


@pytest.fixture
def secret_task(on_emu: Run, workdir: Path, emu, monkeypatch: pytest.MonkeyPatch) -> None:
    """`one` buffers a layer read with a token from ${secret:LAYER_TOKEN}; applied, and run once."""
    monkeypatch.setenv("LAYER_TOKEN", SECRET_1)
    params = {**BUFFER_PARAMS, "in_features": {"url": emu.server_url + "/rest/services/L/FeatureServer/0"
                                               "?token=${secret:LAYER_TOKEN}"}}
    only(workdir, emu, task_url=emu.task_url("Samples/Buffer/GPServer/Buffer"), parameters=params)
    assert on_emu("apply", "--auto-approve", "--owner", "publisher").code == 0
    advance_clock(emu, QUARTER + 10)


def test_a_drifted_task_is_marked_drifted_and_its_fields_are_shown_masked(
        on_emu: Run, workdir: Path, secret_task: None, monkeypatch: pytest.MonkeyPatch) -> None:
    assert status(on_emu)[0] == 0
    monkeypatch.setenv("LAYER_TOKEN", SECRET_2)
    edit_task(workdir, "one", lambda d: d["parameters"]["buffer_distance_or_field"].update(distance=250))
    result = on_emu("status", "--owner", "publisher", "--format", "json")
    assert SECRET_1 not in result.out and SECRET_2 not in result.out
    (task,) = json.loads(result.out)["tasks"]
    assert (result.code, task["healthy"], task["drift"]) == (2, True, ["update: parameters"])
    fields = {f["path"]: f for f in task["drift_fields"]}
    assert fields["parameters.buffer_distance_or_field.distance"] == {
        "path": "parameters.buffer_distance_or_field.distance", "before": 100, "after": 250, "secret": False}
    token = fields["parameters.in_features.url"]
    assert token["secret"] and SECRET_MASK in token["before"] and SECRET_MASK in token["after"]
    text = on_emu("status", "--owner", "publisher")
    assert text.code == 2 and text.lines[2].startswith("~~ one (publisher): active; ")
    markdown = on_emu("status", "--owner", "publisher", "--format", "markdown")
    row = next(r for r in markdown.lines if "| one |" in r)
    assert row.startswith("| 🔶 drifted | one |") and "✅" not in row
    for shown in (text.out, markdown.out):
        assert SECRET_1 not in shown and SECRET_2 not in shown


def test_a_missing_task_is_marked_missing(on_emu: Run, workdir: Path, emu, secret_task: None) -> None:
    (workdir / "tasks.d" / "two.yaml").write_text((workdir / "tasks.d" / "one.yaml").read_text()
                                                  .replace("name: one", "name: two"))
    result = on_emu("status", "--owner", "publisher")
    assert result.code == 2
    assert next(line for line in result.lines if " two " in line).startswith("-- two (publisher): missing; ")
    assert next(line for line in result.lines if " one " in line).startswith("ok one (publisher): ")
    markdown = on_emu("status", "--owner", "publisher", "--format", "markdown").out
    assert "| ➖ missing | two |" in markdown and "| ✅ | one |" in markdown
    (two,) = [t for t in json.loads(on_emu("status", "--owner", "publisher", "--format", "json").out)["tasks"]
              if t["name"] == "two"]
    assert two["drift"] == ["create"] and two["drift_fields"] and SECRET_1 not in json.dumps(two)


def test_status_reads_each_tasks_runs_once(on_emu: Run, workdir: Path, emu) -> None:
    """The plan inside status reads the runs of a task it would update; status needs them too and
    must not read them a second time."""
    import requests

    only(workdir, emu)
    assert on_emu("apply", "--auto-approve", "--owner", "publisher").code == 0
    advance_clock(emu, QUARTER + 10)  # it has run: lastStart is listed, so the plan reads its runs
    edit_task(workdir, "one", lambda d: d.update(schedule="0 0/30 * ? * *"))  # drift: an update
    requests.delete(emu.control_url + "/requests", timeout=10)
    code, task = status(on_emu)
    assert code == 2 and task["drift"] == ["update: schedule"]
    paths = [e["path"] for e in requests.get(emu.control_url + "/requests", timeout=10).json()["requests"]]
    assert len([p for p in paths if p.endswith("/runs")]) == 1, paths
