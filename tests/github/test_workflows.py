"""The shipped workflows and the composite action: actionlint and zizmor clean (skipped when the
tool is not installed: `pip install '.[lint]'` brings both), every action pinned to a full commit
with its version, no persisted credentials, least-privilege permissions, applies never cancelled
by the drift check, manual applies from the default branch only, and the work done by action.yml."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"
FILES = [WORKFLOWS / "plan.yml", WORKFLOWS / "apply.yml", WORKFLOWS / "ci.yml", ROOT / "action.yml"]
PINNED = re.compile(r"^\s*-?\s*uses: ([\w.-]+/[\w./-]+)@([0-9a-f]{40}) # v\d+\.\d+\.\d+\s*$")


def load(path: Path) -> dict[str, Any]:
    doc = yaml.safe_load(path.read_text())
    assert isinstance(doc, dict)
    return doc


def jobs(name: str) -> dict[str, dict[str, Any]]:
    return load(WORKFLOWS / name)["jobs"]


def steps(path: Path) -> list[dict[str, Any]]:
    doc = load(path)
    if "runs" in doc:
        return doc["runs"]["steps"]
    return [s for job in doc["jobs"].values() for s in job.get("steps", [])]


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (pip install '.[lint]')")
    return found


def test_actionlint_finds_nothing() -> None:
    # The files named: with none, actionlint looks for a git repository (an unpacked sdist has none).
    workflows = sorted(str(p.relative_to(ROOT)) for p in (ROOT / ".github" / "workflows").glob("*.y*ml"))
    assert workflows
    result = subprocess.run([_tool("actionlint"), "-no-color", *workflows], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_zizmor_finds_nothing() -> None:
    result = subprocess.run([_tool("zizmor"), "--offline", "--no-progress", "--format", "plain", "."], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout + result.stderr


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_commit_with_its_version(path: Path) -> None:
    lines = [line for line in path.read_text().splitlines() if re.match(r"^\s*-?\s*uses: ", line)]
    remote = [line for line in lines if "uses: ./" not in line]
    assert lines and all(PINNED.match(line) for line in remote), remote
    assert {PINNED.match(line).group(1) for line in remote} <= {  # type: ignore[union-attr]
        "actions/checkout", "actions/setup-python", "actions/upload-artifact"}


def test_one_version_of_each_action_everywhere() -> None:
    pins: dict[str, set[str]] = {}
    for p in FILES:
        for line in p.read_text().splitlines():
            if m := PINNED.match(line):
                pins.setdefault(m.group(1), set()).add(line.split("@", 1)[1].strip())
    assert all(len(v) == 1 for v in pins.values()), pins


@pytest.mark.parametrize("path", FILES[:3], ids=lambda p: p.name)
def test_no_credentials_persist_and_permissions_are_per_job(path: Path) -> None:
    doc = load(path)
    assert doc["permissions"] == {}
    for name, job in doc["jobs"].items():
        assert "permissions" in job, name
        assert set(job["permissions"].values()) <= {"read", "write"}
        assert not any(v == "write" for k, v in job["permissions"].items() if k not in ("pull-requests", "issues"))
    checkouts = [s for s in steps(path) if str(s.get("uses", "")).startswith("actions/checkout@")]
    assert checkouts and all(s["with"]["persist-credentials"] is False for s in checkouts)


def test_a_pending_apply_is_never_cancelled_by_the_drift_check() -> None:
    apply, drift = jobs("apply.yml")["apply"], jobs("apply.yml")["drift"]
    assert "concurrency" not in load(WORKFLOWS / "apply.yml")  # not one group for the whole workflow
    assert apply["concurrency"]["group"] != drift["concurrency"]["group"]
    assert apply["concurrency"]["cancel-in-progress"] is False and drift["concurrency"]["cancel-in-progress"] is False
    assert apply["environment"] == "production" and "environment" not in drift
    assert apply["permissions"] == {"contents": "read", "pull-requests": "write"}
    assert drift["permissions"] == {"contents": "read", "issues": "write"}


def test_a_manual_apply_runs_from_the_default_branch_only() -> None:
    found = jobs("apply.yml")
    default = "github.ref == format('refs/heads/{0}', github.event.repository.default_branch)"
    assert default in " ".join(found["apply"]["if"].split())
    assert "github.ref != format('refs/heads/{0}', github.event.repository.default_branch)" in found["refuse"]["if"]
    assert "exit 1" in found["refuse"]["steps"][0]["run"]


def test_the_workflows_run_the_composite_action() -> None:
    used = {(name, job_name): step["with"]["command"] for name in ("plan.yml", "apply.yml", "ci.yml")
            for job_name, job in jobs(name).items() for step in job.get("steps", []) if step.get("uses") == "./"}
    assert used == {("plan.yml", "plan"): "plan", ("apply.yml", "apply"): "apply", ("apply.yml", "drift"): "drift",
                    ("ci.yml", "test"): "validate"}
    assert "github-script" not in (WORKFLOWS / "plan.yml").read_text()


def test_the_action_takes_the_inputs_the_readme_names() -> None:
    action = load(ROOT / "action.yml")
    assert action["runs"]["using"] == "composite"
    assert {"command", "environment", "tasks", "version", "github-token", "skip-unchanged"} <= set(action["inputs"])
    assert set(action["outputs"]) == {"exitcode", "has-changes", "has-deletes"}
    text = (ROOT / "action.yml").read_text()
    assert "${{ inputs." not in "".join(s.get("run", "") for s in action["runs"]["steps"])  # inputs via env only
    assert ">> \"$GITHUB_PATH\"" not in text and '--no-deps --no-build-isolation --no-index "$GITHUB_ACTION_PATH"' in text


def test_dependabot_updates_the_actions_and_the_python_dependencies() -> None:
    updates = load(ROOT / ".github" / "dependabot.yml")["updates"]
    assert {u["package-ecosystem"] for u in updates} == {"github-actions", "pip"}
    assert all(u["cooldown"]["default-days"] >= 1 for u in updates)


def test_the_deployment_branch_rule_is_what_the_adoption_steps_ask_for() -> None:
    # workflow_dispatch runs the picked branch's apply.yml: only the environment's rule binds.
    readme = " ".join((ROOT / "README.md").read_text().split())
    steps = readme.split("Adopting it in another repository", 1)[1].split("## ", 1)[0]
    assert "Restrict its deployment branches to the default branch" in steps
    assert "edit `branches: [main]` in `apply.yml`" in steps
    apply = (WORKFLOWS / "apply.yml").read_text()
    assert "deployment branch rule" in apply and "edit if it is not main" in apply
