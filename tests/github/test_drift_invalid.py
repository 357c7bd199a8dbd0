"""The nightly drift check on invalid task files: plan prints validate's report (JSON) instead of
a plan; its problems reach the log, the job summary and the drift issue (invalid files on the
default branch are drift-worthy: nothing can be checked or applied until they are fixed)."""

from __future__ import annotations

from pathlib import Path

from tests.github.conftest import Run, outputs
from tests.github.fake_api import BOT, FakeGitHub

DRIFT = "<!-- reconciler:drift target=production -->"


def invalid_plan(run: Run, workdir: Path) -> Path:
    (workdir / "tasks.d" / "broken.yaml").write_text("name: broken\nschedule: not cron\n")
    planned = run("plan", "--emulator", "--format", "json")
    assert planned.code == 1 and '"valid": false' in planned.out
    (workdir / "plan.json").write_text(planned.out)
    (workdir / "plan.err").write_text(planned.err)
    return workdir / "plan.json"


def drift(run: Run, plan: Path, workdir: Path):
    return run("github", "drift-issue", "--target", "production", "--plan", str(plan), "--plan-exit", "1",
               "--plan-log", str(workdir / "plan.err"))


def test_invalid_task_files_are_reported_in_the_log_the_summary_and_the_drift_issue(
        github: FakeGitHub, actions, run: Run, workdir: Path, make_plan) -> None:
    plan = invalid_plan(run, workdir)
    result = drift(run, plan, workdir)
    assert result.code == 1
    assert "tasks.d/broken.yaml:2:11: schedule: expected 6 or 7 fields" in result.out  # the step's log
    summary = (workdir / "summary.md").read_text()
    assert "The task files on main are invalid" in summary and "tasks.d/broken.yaml:1:1: task_url: missing" in summary
    [issue] = [i for i in github.issues.values() if "pull_request" not in i]
    assert issue["user"]["login"] == BOT and issue["body"].startswith(DRIFT + "\n")
    assert issue["title"] == "Portal drift check: production cannot be checked, the task files on main are invalid"
    assert "tasks.d/broken.yaml:2:11: schedule: expected 6 or 7 fields" in issue["body"]
    assert outputs(workdir)["has-changes"] == "true"

    assert drift(run, plan, workdir).code == 1  # the next night: the same issue, edited
    assert len([i for i in github.issues.values() if "pull_request" not in i]) == 1

    (workdir / "tasks.d" / "broken.yaml").unlink()  # fixed, and applied: in sync, the issue closes
    in_sync = make_plan(applied=True, name="fixed.json")
    assert run("github", "drift-issue", "--target", "production", "--plan", str(in_sync), "--plan-exit", "0").code == 0
    assert issue["state"] == "closed"
