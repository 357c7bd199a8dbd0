"""The composite action's own shell steps (action.yml), run with bash the way the runner runs them:
reconciler from "$RUNNER_TEMP/reconciler-venv" (here: this venv), the portal the emulator over
HTTP, GitHub the fake API. Plan on a pull request, apply on merge, the nightly drift check."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from reconciler.emulator.server import Emulator
from tests.conftest import PASSWORDS
from tests.github.conftest import HEAD
from tests.github.fake_api import ACTIONS_TOKEN, BOT, REPO, FakeGitHub

ROOT = Path(__file__).resolve().parents[2]
STEPS = {s.get("id") or s.get("name"): s for s in yaml.safe_load((ROOT / "action.yml").read_text())["runs"]["steps"]}
PROJECT = "project: example\nowner: publisher\ntasks: tasks.d\nenvironments:\n  production: {}\n"


@pytest.fixture
def runner(workdir: Path, emu: Emulator, github: FakeGitHub, tmp_path_factory: pytest.TempPathFactory):
    """Run one step of action.yml: step(name, **inputs as env) -> (exit code, its GITHUB_OUTPUT)."""
    if sys.platform == "win32":
        pytest.skip("the action's steps are bash")
    temp = tmp_path_factory.mktemp("runner-temp")
    (temp / "reconciler-venv").mkdir()
    (temp / "reconciler-venv" / "bin").symlink_to(Path(sys.executable).parent)
    (temp / "reconciler").mkdir()
    (workdir / "reconciler.yaml").write_text(PROJECT)
    (workdir / "event.json").write_text(json.dumps({"pull_request": {"number": 7, "head": {"sha": HEAD}}}))
    github.add_pull(7, merge_sha=HEAD)
    base = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), "RUNNER_TEMP": str(temp),
            "GITHUB_ACTIONS": "true", "GITHUB_REPOSITORY": REPO, "GITHUB_API_URL": github.url,
            "GITHUB_SERVER_URL": "https://github.test", "GITHUB_RUN_ID": "777", "GITHUB_SHA": HEAD,
            "GITHUB_EVENT_PATH": str(workdir / "event.json"), "GITHUB_STEP_SUMMARY": str(workdir / "summary.md"),
            "GP_SERVER_URL": emu.server_url, "RECONCILER_PORTAL": emu.sharing_url,
            "RECONCILER_USERNAME": "publisher", "RECONCILER_PASSWORD": PASSWORDS["publisher"]}

    def step(name: str, **env: str) -> tuple[int, dict[str, str]]:
        out = workdir / f"output-{name.split()[0]}.txt"
        out.write_text("")
        spec: dict[str, Any] = STEPS[name]
        values = {k: _value(v, env) for k, v in spec.get("env", {}).items()}
        done = subprocess.run(["bash", "-e", "-c", spec["run"]], cwd=workdir, capture_output=True, text=True,
                              timeout=120, env={**base, **values, "GITHUB_OUTPUT": str(out)})
        assert ACTIONS_TOKEN not in done.stdout + done.stderr
        return done.returncode, dict(line.split("=", 1) for line in out.read_text().splitlines())

    step.temp = temp  # type: ignore[attr-defined]
    return step


def _value(template: str, given: dict[str, str]) -> str:
    """An env value of the step: `${{ inputs.x }}` / `${{ steps.run.outputs.x }}` from `given`."""
    key = template.removeprefix("${{ ").removesuffix(" }}").split(".")[-1] if template.startswith("${{") else None
    if key is None:
        return template
    return {"github-token": ACTIONS_TOKEN, "environment": "production"}.get(key, "") if key not in given \
        else given[key]


def test_plan_on_a_pull_request(runner, github: FakeGitHub, workdir: Path) -> None:
    code, run = runner("run", command="plan")
    assert code == 0 and run["validate-exit"] == "0" and run["plan-exit"] == "0"
    code, report = runner("github", command="plan", **run)
    assert code == 0 and report == {"has-changes": "true", "has-deletes": "false"}
    [posted] = github.comments_on(7)
    assert posted["user"]["login"] == BOT and posted["body"].startswith("<!-- reconciler:plan target=production -->")
    assert "nightly-parcel-buffer" in posted["body"]
    artifact = runner.temp / "reconciler"  # what the upload step takes: plan.md and plan.json
    assert (artifact / "plan.md").read_text().startswith("### Reconciler plan: 3 to create")
    assert '"format_version": "1"' in (artifact / "plan.json").read_text()
    assert "### Reconciler plan: 3 to create" in (workdir / "summary.md").read_text()


def test_invalid_task_files_fail_the_plan_step_with_the_comment_saying_why(runner, github: FakeGitHub,
                                                                          workdir: Path) -> None:
    (workdir / "tasks.d" / "broken.yaml").write_text("name: broken\nschedule: not cron\n")
    assert runner("run", command="validate") == (1, {"validate-exit": "1", "exitcode": "1"})
    assert runner("Check the inputs", command="deploy")[0] == 1
    code, run = runner("run", command="plan")
    assert code == 0 and run["validate-exit"] == "1" and "plan-exit" not in run
    code, _ = runner("github", command="plan", **run)
    assert code == 1
    [posted] = github.comments_on(7)
    assert "the task files are invalid" in posted["body"] and "broken.yaml" in posted["body"]


def test_apply_on_merge_and_the_drift_check(runner, github: FakeGitHub, workdir: Path) -> None:
    code, run = runner("run", command="apply")
    assert code == 0 and run["exitcode"] == "0"
    code, _ = runner("Report the apply", exitcode=run["exitcode"])
    assert code == 0
    [applied] = github.comments_on(7)
    assert applied["body"].startswith("<!-- reconciler:apply target=production -->\n**Applied 0123456 to production**")

    code, run = runner("run", command="status")
    assert code == 0 and run == {"exitcode": "0"}
    assert "nightly-parcel-buffer" in (workdir / "summary.md").read_text().split("Applied 0123456", 1)[1]

    code, run = runner("run", command="drift")
    assert code == 0 and run["plan-exit"] == "0"
    code, report = runner("github", command="drift", **run)
    assert code == 0 and report == {"has-changes": "false"}
    assert [i for i in github.issues.values() if "pull_request" not in i] == []

    (workdir / "tasks.d" / "month-end.yaml").unlink()  # the portal now has two tasks tasks.d lacks
    (workdir / "tasks.d" / "quarterly-flood-model.yaml").unlink()
    code, run = runner("run", command="drift")
    code, report = runner("github", command="drift", **run)
    assert code == 2 and report == {"has-changes": "true"}
    [issue] = [i for i in github.issues.values() if "pull_request" not in i]
    assert issue["title"] == "Portal drift: production no longer matches tasks.d on main"
    assert "2 to delete" in issue["body"]
