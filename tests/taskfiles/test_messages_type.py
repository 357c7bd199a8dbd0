"""A bad `type` is reported once: the rule that task_url is only for GPService tasks does not add
"task_url is only for GPService tasks, not gpservice" beside it."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from reconciler.render.validate import problem_line, problem_to_dict
from reconciler.taskfiles import loader

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)
URL = "https://gis.example.com/server/rest/services/Tools/Buffer/GPServer/Buffer"
TYPES = ("GPService, ExecuteNotebook, UpdateInsightsWorkbook, ExecuteSceneCook, ExecuteWorkflowManager, ExecuteReport, "
         "RunDataPipeline")


def problems(tmp_path: Path, task_type: str) -> list[str]:
    text = f"name: a\ntype: {task_type}\ntask_url: {URL}\nschedule: '0 0 2 ? * MON-FRI'\n"
    (tmp_path / "t.yaml").write_text(text, encoding="utf-8")
    result = loader.load(tmp_path, variables={}, now=NOW)
    return [problem_line(problem_to_dict(p)).replace(f"{tmp_path}/", "") for p in result.problems]


def test_a_miscased_type_is_reported_alone(tmp_path: Path) -> None:
    assert problems(tmp_path, "gpservice") == [
        f"t.yaml:2:7: type: must be one of: {TYPES}\n  hint: case matters: write GPService"]


@pytest.mark.parametrize("task_type", ["Notebook", "5", "[GPService]"])
def test_any_bad_type_has_no_follow_on(tmp_path: Path, task_type: str) -> None:
    found = problems(tmp_path, task_type)
    assert len(found) == 1 and found[0].startswith("t.yaml:2:7: type: must be")


def test_a_valid_other_type_still_refuses_task_url(tmp_path: Path) -> None:
    assert problems(tmp_path, "ExecuteReport") == [
        "t.yaml:1:1: parameters: missing required field 'parameters'"
        "\n  hint: this task type needs parameters (see the ArcGIS docs for its shape)",
        "t.yaml:3:1: task_url: task_url is only for GPService tasks, not ExecuteReport"
        "\n  hint: remove task_url, or set type: GPService",
    ]
