"""Issue 11 end to end: `show`, `runs`, `status` and `import` through the CLI, the client and the
emulator over HTTP."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.conftest import Run


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_show_prints_a_saved_plan_exactly_as_plan_did(on_emu: Run, run: Run, workdir: Path, fmt: str) -> None:
    (workdir / "tasks.d" / "month-end.yaml").unlink()
    assert on_emu("apply", "--auto-approve").code == 0
    (workdir / "tasks.d" / "month-end.yaml").write_text((workdir / "tasks.d" / "nightly-buffer.yaml").read_text()
                                                        .replace("nightly-parcel-buffer", "second-buffer"))
    planned = on_emu("plan", "--format", fmt, "--out", "plan.json", "--owner", "publisher")
    assert planned.code == 0, planned.err
    printed = planned.out.rstrip("\n")
    if fmt == "text":
        printed = printed.rsplit("\n", 1)[0]  # the "Saved the plan to ..." line
    shown = run("show", "plan.json", "--format", fmt)
    assert shown.code == 0 and shown.out.rstrip("\n") == printed
    assert shown.err.startswith("plan.json: planned ") and "reconciler apply plan.json" in shown.err


def test_show_refuses_what_is_not_a_plan(run: Run, workdir: Path) -> None:
    (workdir / "bad.json").write_text(json.dumps({"format_version": "1", "plan": {"changes": []}, "tasks_dir": "t",
                                                 "owner": "o", "portal": "p", "mark": "m",
                                                 "created": "2026-01-01T00:00:00Z",
                                                 "options": {"on_remove": "delete", "no_delete": False,
                                                             "allow_empty": False, "allow_active_runs": False}}))
    result = run("show", "bad.json")
    assert result.code == 1 and result.err.startswith("error: bad.json: damaged plan file (plan: missing")
    assert run("show", "missing.json").code == 1


def test_fire_times_count_from_the_portals_clock(on_emu: Run, workdir: Path) -> None:
    """The emulator's clock stands at 2026-01-01T00:00Z (its Date header says so), far from this
    machine's: the plan's next fire times are the portal's."""
    data = json.loads(on_emu("plan", "--format", "json").out)
    nightly = next(c for c in data["changes"] if c["name"] == "nightly-parcel-buffer")
    assert nightly["next_fires"]["after"][0] == "2026-01-01T02:00:00Z"  # Thursday 02:00, MON-FRI


def _failing(workdir: Path, emu) -> None:
    from tests.conftest import FAILS
    from tests.e2e.conftest import write_tasks

    write_tasks(workdir / "tasks.d" / "fails.yaml", {"name": "always-fails", "schedule": "0 0/15 * ? * *",
                                                    "task_url": emu.task_url(FAILS), "max_occurrences": 100})


def test_status_puts_a_task_failing_while_active_first_in_every_format(on_emu: Run, workdir: Path, emu) -> None:
    from tests.conftest import advance_clock

    _failing(workdir, emu)
    assert on_emu("apply", "--auto-approve", "--owner", "publisher").code == 0
    healthy = on_emu("status", "--owner", "publisher")
    assert healthy.code == 0, healthy.out + healthy.err
    assert "4 tasks, 0 unhealthy, 0 drifted." in healthy.lines[0]
    for _ in range(3):
        advance_clock(emu, 15 * 60)
    advance_clock(emu, 10)  # the last run is submitted and fails
    text = on_emu("status", "--owner", "publisher")
    assert text.code == 2
    assert text.lines[2].startswith("!! always-fails (publisher): active; last run failed 2026-01-01T00:45:00Z; "
                                    "3 failed in a row; next 2026-01-01T01:00:00Z; 97 runs left; in sync")
    assert text.lines[3].strip() == "the last 3 runs failed while the task is still active"
    data = json.loads(on_emu("status", "--owner", "publisher", "--format", "json").out)
    first = data["tasks"][0]
    assert (first["name"], first["healthy"], first["failures"], first["runs_left"]) == ("always-fails", False, 3, 97)
    assert data["summary"] == {"tasks": 4, "unhealthy": 1, "drifted": 0}
    markdown = on_emu("status", "--owner", "publisher", "--format", "markdown")
    assert markdown.code == 2 and "| ❌ the last 3 runs failed while the task is still active | always-fails |" \
        in markdown.out
    for _ in range(2):
        advance_clock(emu, 15 * 60)
    advance_clock(emu, 10)
    stopped = json.loads(on_emu("status", "--owner", "publisher", "--format", "json").out)["tasks"][0]
    assert stopped["problems"] == ["the last 5 runs failed", "stopped by the portal (taskState disabled) after "
                                   "failed runs"]
    assert stopped["next_fire"] is None


def test_status_shows_drift_and_tasks_not_yet_created(on_emu: Run, workdir: Path) -> None:
    from tests.e2e.conftest import edit_task

    assert on_emu("apply", "--auto-approve", "--owner", "publisher").code == 0
    edit_task(workdir, "nightly-parcel-buffer", lambda d: d.update(schedule="0 0 3 ? * MON-FRI"))
    (workdir / "tasks.d" / "extra.yaml").write_text((workdir / "tasks.d" / "nightly-buffer.yaml").read_text()
                                                    .replace("nightly-parcel-buffer", "not-yet"))
    data = json.loads(on_emu("status", "--owner", "publisher", "--format", "json").out)
    drift = {t["name"]: (t["state"], t["drift"]) for t in data["tasks"] if t["drift"]}
    assert drift == {"nightly-parcel-buffer": ("active", ["update: schedule"]), "not-yet": ("missing", ["create"])}
    assert on_emu("status", "--owner", "publisher").code == 2


def test_runs_lists_a_failed_runs_errors_first(on_emu: Run, workdir: Path, emu) -> None:
    from tests.conftest import advance_clock

    _failing(workdir, emu)
    assert on_emu("apply", "--auto-approve", "--owner", "publisher").code == 0
    advance_clock(emu, 15 * 60)
    advance_clock(emu, 15 * 60)
    advance_clock(emu, 10)
    text = on_emu("runs", "always-fails", "--owner", "publisher", "--limit", "1")
    assert text.code == 0, text.err
    assert text.lines[0].startswith("Runs of always-fails (publisher, task ") and "1 of the 2" in text.lines[0]
    assert text.lines[2].startswith("failed  started 2026-01-01T00:30:00Z")
    assert text.lines[3].startswith("    error: ERROR 999999:")
    data = json.loads(on_emu("runs", "always-fails", "--owner", "publisher", "--format", "json").out)
    assert [r["status"] for r in data["runs"]] == ["failed", "failed"] and data["runs"][0]["job"]["status"]
    missing = on_emu("runs", "no-such-task", "--owner", "publisher")
    assert missing.code == 1 and "no task named 'no-such-task'" in missing.err


def test_import_adopts_hand_made_tasks_keeping_their_ids_and_runs(on_emu: Run, run: Run, workdir: Path, emu,
                                                                  portal, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    from tests.conftest import BUFFER_PARAMS, advance_clock, buffer_fields, titles

    shutil.rmtree(workdir / "tasks.d")
    (workdir / "reconciler.yaml").write_text("project: gis\nowner: publisher\n")
    token = "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7dEf0hIj"
    features: dict = {**BUFFER_PARAMS["in_features"], "token": "hunter2hunter2"}  # type: ignore[dict-item]
    made = {
        "Nightly parcels (v2)": buffer_fields(emu, "Nightly parcels (v2)", parameters_json=json.dumps(BUFFER_PARAMS)),
        "weekly ${export}": buffer_fields(emu, "weekly ${export}", parameters_json=json.dumps(
            {**BUFFER_PARAMS, "in_features": features,
             "esri_out_feature_service_name": {"itemProperties": {"snippet": "cost ${center}", "tag": token}}})),
        "paused one": buffer_fields(emu, "paused one", active=False, max_occurrences=12,
                                    parameters_json=json.dumps(BUFFER_PARAMS)),
    }
    ids = {title: portal.create_task(fields) for title, fields in made.items()}
    advance_clock(emu, 2 * 3600 + 10)  # the weeknight ones run once
    runs_before = {i: len(portal.runs(i)) for i in ids.values()}
    assert sum(runs_before.values()) == 2
    result = on_emu("import")
    assert result.code == 0, result.out + result.err
    assert "hunter2" not in result.out and token not in result.out
    files = sorted(p.name for p in (workdir / "tasks.d").iterdir())
    assert files == ["Nightly-parcels-v2.yaml", "paused-one.yaml", "weekly-export.yaml"]
    weekly = (workdir / "tasks.d" / "weekly-export.yaml").read_text()
    assert "hunter2" not in weekly and token not in weekly
    assert "${secret:IMPORTED_WEEKLY_EXPORT_IN_FEATURES_TOKEN}" in weekly and "cost $${center}" in weekly
    tag = "IMPORTED_WEEKLY_EXPORT_ESRI_OUT_FEATURE_SERVICE_NAME_ITEMPROPERTIES_TAG"
    assert f"set {tag} in the environment" in result.out
    monkeypatch.setenv("IMPORTED_WEEKLY_EXPORT_IN_FEATURES_TOKEN", "hunter2hunter2")
    monkeypatch.setenv(tag, token)
    validated = run("validate")
    assert validated.code == 0 and "0 errors, 0 warnings" in validated.out, validated.out
    plan = json.loads(on_emu("plan", "--format", "json").out)
    assert plan["errors"] == [] and plan["unmanaged"] == []
    assert {(c["action"], tuple(f["path"] for f in c["fields"])) for c in plan["changes"]} == {("update", ("title",))}
    assert on_emu("apply", "--auto-approve").code == 0
    after = {t.id: t for t in portal.iter_tasks()}
    assert set(after) == set(ids.values()), "same tasks: nothing deleted, nothing created"
    assert {t.title for t in after.values()} == {"[reconciler:gis] Nightly-parcels-v2", "[reconciler:gis] weekly-export",
                                                 "[reconciler:gis] paused-one"}
    assert {i: len(portal.runs(i)) for i in ids.values()} == runs_before, "run history intact"
    assert not after[ids["paused one"]].active and after[ids["paused one"]].max_occurrences == 12
    assert on_emu("plan", "--detailed-exitcode").code == 0
    again = on_emu("import")
    assert again.code == 0 and all(line.startswith(("=", "Next")) for line in again.lines), again.out
    assert titles(portal).keys() == {t.title for t in after.values()}


def test_import_never_overwrites_without_force_and_refuses_a_bad_match(on_emu: Run, workdir: Path, emu,
                                                                       portal) -> None:
    from tests.conftest import buffer_fields

    portal.create_task(buffer_fields(emu, "Hand made"))
    (workdir / "tasks.d" / "Hand-made.yaml").write_text("# mine\n")
    beside = on_emu("import", "Hand made")
    assert beside.code == 0 and "Hand-made-2.yaml" in beside.out, beside.out
    assert (workdir / "tasks.d" / "Hand-made.yaml").read_text() == "# mine\n", "a new name, never another's file"
    # A managed task's file name is its name: an existing file there is kept unless --force.
    portal.create_task(buffer_fields(emu, "[reconciler] orphan"))
    (workdir / "tasks.d" / "orphan.yaml").write_text("# mine\n")
    refused = on_emu("import", "orphan")
    assert refused.code == 1 and "exists (pass --force to overwrite it)" in refused.out
    assert (workdir / "tasks.d" / "orphan.yaml").read_text() == "# mine\n"
    forced = on_emu("import", "orphan", "--force")
    assert forced.code == 0 and "name: orphan" in (workdir / "tasks.d" / "orphan.yaml").read_text()
    assert on_emu("import", "--match", "(").code == 1
    nothing = on_emu("import", "no such title")
    assert nothing.code == 1 and "no portal task matches" in nothing.err


def test_import_refuses_while_tasks_d_has_errors(on_emu: Run, workdir: Path, emu, portal) -> None:
    """A file that does not load may already declare the task: importing it again would make a
    second file, and the next apply a second task."""
    from tests.conftest import buffer_fields

    portal.create_task(buffer_fields(emu, "Hand made"))
    (workdir / "tasks.d" / "broken.yaml").write_text("name: hand-made\nadopt_id: [\n")
    before = sorted(p.name for p in (workdir / "tasks.d").iterdir())
    result = on_emu("import")
    assert result.code != 0 and "nothing imported" in result.err and "broken.yaml" in result.out
    assert sorted(p.name for p in (workdir / "tasks.d").iterdir()) == before


def test_import_writes_no_credential_and_refuses_a_numeric_one(on_emu: Run, workdir: Path, emu, portal) -> None:
    from tests.conftest import BUFFER_PARAMS, buffer_fields

    url = "https://gis.example.com/server/rest/services/x/FeatureServer/0?token=abc.def-ghi"
    params = {**BUFFER_PARAMS, "in_features": {"url": url}}
    portal.create_task(buffer_fields(emu, "With token", parameters_json=json.dumps(params)))
    portal.create_task(buffer_fields(emu, "With pin", parameters_json=json.dumps(
        {**BUFFER_PARAMS, "auth": {"password": 4711}})))
    result = on_emu("import")
    assert result.code == 1, "one task could not be written"
    assert "abc.def-ghi" not in result.out + (workdir / "tasks.d" / "With-token.yaml").read_text()
    assert "?token=${secret:IMPORTED_WITH_TOKEN_IN_FEATURES_URL}" in (workdir / "tasks.d" / "With-token.yaml").read_text()
    assert "x not imported 'With pin'" in result.out and not (workdir / "tasks.d" / "With-pin.yaml").exists()


def test_import_never_writes_outside_the_task_folder(on_emu: Run, workdir: Path, emu, portal) -> None:
    """A title with the mark but no task name after it (edited on the portal) is read as the
    planner reads it: unmanaged, so its file name is reduced like any hand-made title's."""
    from tests.conftest import buffer_fields

    for title in ("[reconciler] ../../evil", "[reconciler] /tmp/abs", "[reconciler] sub/dir/name"):
        portal.create_task(buffer_fields(emu, title))
    result = on_emu("import", "--owner", "publisher")
    assert result.code == 0, result.out + result.err
    assert not (workdir.parent / "evil.yaml").exists() and not Path("/tmp/abs.yaml").exists()
    assert not any(p.is_dir() for p in (workdir / "tasks.d").iterdir()), "no folders made inside tasks.d"
    written = sorted(p.name for p in (workdir / "tasks.d").iterdir() if p.name.startswith("reconciler"))
    assert written == ["reconciler-..-..-evil.yaml", "reconciler-sub-dir-name.yaml", "reconciler-tmp-abs.yaml"]


def test_import_never_writes_into_a_file_declaring_other_tasks(on_emu: Run, workdir: Path, emu, portal) -> None:
    from tests.conftest import buffer_fields

    portal.create_task(buffer_fields(emu, "month-end"))  # reduces to the shipped month-end.yaml's file name
    before = (workdir / "tasks.d" / "month-end.yaml").read_text()
    result = on_emu("import", "month-end", "--force", "--owner", "publisher")
    assert result.code == 0 and "month-end-2.yaml" in result.out, result.out
    assert (workdir / "tasks.d" / "month-end.yaml").read_text() == before
