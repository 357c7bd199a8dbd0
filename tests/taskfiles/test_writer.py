"""reconciler import's writer: the file it writes reads back as the same task, and no credential
is ever written."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from reconciler.model import CronFields, RemoteTask
from reconciler.taskfiles.loader import load_text
from reconciler.taskfiles.writer import imported, name_for

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)


def task(**over: object) -> RemoteTask:
    values: dict = dict(id="abc123", owner="publisher", title="Nightly export", task_type="GPService",
                        schedule=CronFields(minute="0", hour="2", day_of_month="?", month="*", day_of_week="MON-FRI"),
                        parameters_json=json.dumps({"in": {"url": "https://x.example.com/0"}}), item_id=None,
                        task_url="https://gis.example.com/server/rest/services/T/GPServer/T", max_occurrences=-1,
                        start_date=None, end_date=1830297600000, active=True, task_state="active", created=None,
                        updated=None, last_start=None, next_start=None, run_interval_seconds=None)
    values.update(over)
    return RemoteTask(**values)


def test_names_are_safe_unique_and_bounded() -> None:
    assert name_for("Nightly parcels (v2)", set()) == "Nightly-parcels-v2"
    assert name_for("../../etc/passwd", set()) == "etc-passwd"
    assert name_for("***", set()) == "task"
    assert name_for("a b", {"a-b", "a-b-2"}) == "a-b-3"
    assert len(name_for("x" * 300, set(), longest=50)) <= 50


def test_the_file_reads_back_as_the_same_task() -> None:
    written = imported(task(), name="nightly-export", default_owner="publisher", adopt=True)
    specs, problems, _ = load_text(written.text, "t.yaml", variables={}, now=NOW)
    assert problems == []
    (spec,) = specs
    assert (spec.name, spec.adopt_id, spec.schedule_text, spec.enabled) == ("nightly-export", "abc123",
                                                                             "0 0 2 ? * MON-FRI", True)
    assert spec.parameters == {"in": {"url": "https://x.example.com/0"}} and spec.max_occurrences is None
    assert spec.end is not None and spec.owner is None
    assert written.text.startswith("# Imported by `reconciler import` from portal task abc123 of publisher")


def test_credentials_and_variable_syntax_never_leak_into_the_file() -> None:
    token = "Zz9" * 15
    secret = task(owner="bob", parameters_json=json.dumps({"password": "hunter2", "deep": [{"key": token}],
                                                            "note": "costs ${center}", "itemid": "a" * 32}))
    written = imported(secret, name="t", default_owner="publisher", adopt=False)
    assert "hunter2" not in written.text and token not in written.text
    assert written.secrets == (("parameters.password", "IMPORTED_T_PASSWORD"), ("parameters.deep.0.key", "IMPORTED_T_DEEP_0_KEY"))
    specs, problems, _ = load_text(written.text, "t.yaml", variables={"IMPORTED_T_PASSWORD": "hunter2",
                                                                      "IMPORTED_T_DEEP_0_KEY": token}, now=NOW)
    assert problems == []
    assert specs[0].parameters == json.loads(secret.parameters_json), "the same values once the variables are set"
    assert specs[0].owner == "bob" and specs[0].adopt_id is None
