"""`reconciler status` without the tasks' secrets (a monitoring job after an import that wrote
`${secret:IMPORTED_...}`), through the CLI, the client and the emulator over HTTP: health is
read, the drift of each field using an unset secret is unknown (never a change, never in sync),
one note names the variables, no secret value prints; anything else unset still stops status,
and plan/apply still refuse an unset secret."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reconciler.render.plan_markdown import escape
from tests.conftest import BUFFER_PARAMS, buffer_fields
from tests.e2e.conftest import Run, edit_task

TOKEN = "hunter2hunter2"
VAR = "IMPORTED_WEEKLY_EXPORT_IN_FEATURES_TOKEN"
FIELD = "parameters.in_features.token"


@pytest.fixture
def imported(on_emu: Run, workdir: Path, emu, portal, monkeypatch: pytest.MonkeyPatch) -> Run:
    """A hand-made task with a token imported (its file reads ${secret:VAR}) and adopted with VAR
    set; then VAR is unset, as in a monitoring job that holds no task's secrets."""
    for path in (workdir / "tasks.d").glob("*.yaml"):
        path.unlink()
    (workdir / "reconciler.yaml").write_text("project: gis\nowner: publisher\n")
    features = {**BUFFER_PARAMS["in_features"], "token": TOKEN}  # type: ignore[dict-item]
    portal.create_task(buffer_fields(emu, "weekly export", parameters_json=json.dumps(
        {**BUFFER_PARAMS, "in_features": features})))
    assert on_emu("import").code == 0
    assert f"${{secret:{VAR}}}" in (workdir / "tasks.d" / "weekly-export.yaml").read_text()
    monkeypatch.setenv(VAR, TOKEN)
    applied = on_emu("apply", "--auto-approve")
    assert applied.code == 0, applied.out + applied.err
    monkeypatch.delenv(VAR)
    return on_emu


def status_json(on_emu: Run) -> tuple[int, dict]:
    result = on_emu("status", "--format", "json")
    assert result.out.lstrip().startswith("{"), result.out + result.err
    return result.code, json.loads(result.out)


def test_status_reads_health_without_the_secrets_and_says_the_drift_is_unknown(imported: Run) -> None:
    code, doc = status_json(imported)
    (task,) = doc["tasks"]
    assert code == 0, "healthy, and nothing known to differ: a monitoring job stays green"
    assert (task["name"], task["healthy"], task["drift"], task["drift_fields"]) == ("weekly-export", True, [], [])
    assert task["drift_unknown"] == [FIELD] and doc["unset_secrets"] == [VAR]
    assert doc["summary"] == {"tasks": 1, "unhealthy": 0, "drifted": 0}
    text = imported("status")
    assert text.code == 0 and "is not set" not in text.out
    line = text.lines[2]
    assert line.startswith("?? weekly-export (publisher): active; ") and line.endswith(f"; drift unknown: {FIELD}")
    assert "in sync" not in line and not line.startswith("ok ")
    notes = [n for n in text.lines if n.startswith("note: ")]
    assert notes == [f"note: secret variable not set, so the drift of the parameters using it is unknown: {VAR}"]
    markdown = imported("status", "--format", "markdown")
    row = next(r for r in markdown.lines if "| weekly-export |" in r)
    assert row.startswith("| ❔ drift unknown |") and f"| unknown: {escape(FIELD)} |" in row and "in sync" not in row
    assert ("> **Note:** secret variable not set, so the drift of the parameters using it is unknown: "
            + escape(VAR)) in markdown.out
    for result in (text, markdown, imported("status", "--format", "json")):
        assert TOKEN not in result.out + result.err


def test_a_known_drift_beside_an_unknown_one_is_still_a_change(imported: Run, workdir: Path) -> None:
    edit_task(workdir, "weekly-export", lambda d: d.update(schedule="0 0 3 ? * MON-FRI"))
    code, doc = status_json(imported)
    (task,) = doc["tasks"]
    assert code == 2 and task["drift"] == ["update: schedule"] and task["drift_unknown"] == [FIELD]
    assert [f["path"] for f in task["drift_fields"]] == ["schedule"]
    line = imported("status").lines[2]
    assert line.startswith("~~ weekly-export ") and line.endswith(f"drift: update: schedule; drift unknown: {FIELD}")
    edit_task(workdir, "weekly-export", lambda d: d.update(schedule="0 0 2 ? * MON-FRI"))
    edit_task(workdir, "weekly-export", lambda d: d["parameters"]["buffer_distance_or_field"].update(distance=7))
    (task,) = status_json(imported)[1]["tasks"]
    assert [f["path"] for f in task["drift_fields"]] == ["parameters.buffer_distance_or_field.distance"]
    assert TOKEN not in json.dumps(task)


def test_plan_and_apply_still_refuse_an_unset_secret(imported: Run) -> None:
    for command in (("plan",), ("apply", "--auto-approve")):
        result = imported(*command)
        assert result.code == 1 and f"variable {VAR} is not set" in result.out + result.err, command


def test_an_unset_plain_variable_or_a_secret_outside_parameters_still_stops_status(imported: Run, workdir: Path) -> None:
    edit_task(workdir, "weekly-export", lambda d: d["parameters"].update(region="${REGION}"))
    result = imported("status")
    assert result.code == 1 and "variable REGION is not set" in result.out
    edit_task(workdir, "weekly-export", lambda d: d["parameters"].pop("region"))
    assert imported("status").code == 0
    edit_task(workdir, "weekly-export", lambda d: d.update(task_url=d["task_url"] + "?k=${secret:URL_KEY}"))
    result = imported("status")
    assert result.code == 1 and "variable URL_KEY is not set" in result.out
    assert "status leaves only a parameter's secret unknown" in result.out
