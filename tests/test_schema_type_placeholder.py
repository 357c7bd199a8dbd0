"""`type: ${TYPE}` (a placeholder in the enum field): the editor's schema accepts it as written,
with a task_url, as validate does after substitution; the loader still refuses a wrong type."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import jsonschema

from reconciler.taskfiles import loader
from reconciler.taskfiles.schema import task_schema

ROOT = Path(__file__).resolve().parent.parent
RAW = json.loads((ROOT / "schemas" / "task.schema.json").read_text())
URL = "https://gis.example.com/server/rest/services/Tools/Buffer/GPServer/Buffer"
TEXT = f"name: a\ntype: ${{TYPE}}\ntask_url: {URL}\nschedule: '0 0 2 ? * MON-FRI'\n"


def test_the_editor_schema_accepts_a_placeholder_type_with_a_task_url() -> None:
    document = {"name": "a", "type": "${TYPE}", "task_url": URL, "schedule": "0 0 2 ? * MON-FRI"}
    assert [e.message for e in jsonschema.Draft202012Validator(RAW).iter_errors(document)] == []
    assert list(jsonschema.Draft202012Validator(RAW).iter_errors({**document, "type": "GPservice"})) != []


def test_validate_accepts_the_substituted_type_and_refuses_a_wrong_one() -> None:
    now = datetime.now(timezone.utc)
    specs, problems, _ = loader.load_text(TEXT, "a.yaml", variables={"TYPE": "GPService"}, now=now)
    assert problems == [] and len(specs) == 1
    specs, problems, _ = loader.load_text(TEXT, "a.yaml", variables={"TYPE": "GPservice"}, now=now)
    assert specs == [] and [p.field for p in problems] == ["type"]
    assert "placeholder" not in json.dumps(task_schema()["properties"]["type"])
