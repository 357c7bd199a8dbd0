"""How action.yml's steps hand over to each other, with a stub `reconciler` that records its
arguments (so each case is exact and fast): the upload before the comment that links it, the
`author` input, exitcode for every command, a second use in one job seeing none of the first's
files, and a failed apply comment not failing an apply that went through."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
STEPS: list[dict[str, Any]] = ACTION["runs"]["steps"]
STUB = """#!/bin/bash
printf '%s\\n' "$*" >> "$RUNNER_TEMP/calls"
case "$1" in
  validate) echo "validate says ${STUB_VALIDATE:-0}"; exit "${STUB_VALIDATE:-0}" ;;
  status) echo "| task |"; exit 0 ;;
  github) exit "${STUB_GITHUB:-0}" ;;
esac
exit 0
"""


def step(name: str) -> dict[str, Any]:
    [found] = [s for s in STEPS if name in (s.get("id"), s.get("name"))]
    return found


@pytest.fixture
def stub(tmp_path: Path):
    """Run a step as the runner does (bash --noprofile --norc -eo pipefail) with the stub on PATH."""
    if sys.platform == "win32":
        pytest.skip("the action's steps are bash")
    temp = tmp_path / "runner-temp"
    (temp / "reconciler-venv" / "bin").mkdir(parents=True)
    (temp / "reconciler-venv" / "bin" / "reconciler").write_text(STUB)
    (temp / "reconciler-venv" / "bin" / "reconciler").chmod(0o755)

    def run(name: str, given: dict[str, str], **extra: str) -> tuple[int, dict[str, str], list[str], str]:
        spec = step(name)
        env = {k: _value(v, given) for k, v in spec.get("env", {}).items()}
        out = tmp_path / "output.txt"
        out.write_text("")
        (temp / "calls").write_text("")
        done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", spec["run"]], cwd=tmp_path,
                              capture_output=True, text=True, timeout=60,
                              env={"PATH": "/usr/bin:/bin", "RUNNER_TEMP": str(temp), "GITHUB_OUTPUT": str(out),
                                   "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"), **env, **extra})
        outputs = dict(line.split("=", 1) for line in out.read_text().splitlines())
        return done.returncode, outputs, (temp / "calls").read_text().splitlines(), done.stdout + done.stderr

    run.temp = temp  # type: ignore[attr-defined]
    return run


def _value(template: Any, given: dict[str, str]) -> str:
    match = re.fullmatch(r"\$\{\{ (?:inputs|steps\.\w+\.outputs)\.([\w-]+) \}\}", str(template))
    return given.get(match.group(1), "") if match else str(template)


def test_the_plan_is_uploaded_before_the_comment_which_links_it(stub) -> None:
    order = [s.get("id") or s.get("name") for s in STEPS]
    assert order.index("upload") < order.index("github")
    assert step("upload")["uses"].startswith("actions/upload-artifact@")
    assert step("github")["env"]["ARTIFACT_URL"] == "${{ steps.upload.outputs.artifact-url }}"
    code, _, calls, _ = stub("run", {"command": "plan", "environment": "production"})
    assert code == 0 and calls[-1].startswith("github markdown --plan ")  # plan.md is there for the upload
    url = "https://github.test/org/gp-tasks/actions/runs/777/artifacts/42"
    code, _, calls, _ = stub("github", {"command": "plan", "environment": "production", "artifact-url": url})
    assert code == 0 and f"--artifact-url {url}" in calls[0]


def test_the_author_input_reaches_every_report(stub) -> None:
    assert "author" in ACTION["inputs"] and "[bot]" in ACTION["inputs"]["author"]["description"]
    for name, command in (("github", "plan"), ("github", "drift"), ("Report the apply", "apply")):
        code, _, calls, _ = stub(name, {"command": command, "environment": "production", "author": "my-app[bot]",
                                        "exitcode": "0"})
        assert code == 0 and calls[0].startswith("github ") and " --author my-app[bot]" in calls[0], calls
        code, _, calls, _ = stub(name, {"command": command, "environment": "production", "exitcode": "0"})
        assert "--author" not in calls[0]


@pytest.mark.parametrize(("command", "validate", "code"), [("validate", "0", "0"), ("validate", "1", "1"),
                                                            ("status", "0", "0"), ("apply", "1", "1")])
def test_exitcode_is_set_for_every_command(stub, command: str, validate: str, code: str) -> None:
    done, outputs, _, _ = stub("run", {"command": command, "environment": "production"}, STUB_VALIDATE=validate)
    assert outputs["exitcode"] == code and done == (int(code) if command != "apply" else 0)


def test_a_second_use_in_the_same_job_sees_none_of_the_first_ones_files(stub) -> None:
    out = stub.temp / "reconciler"
    out.mkdir()
    (out / "apply.txt").write_text("+ created STAGING-task\n")  # left by the first use (staging)
    (out / "plan.md").write_text("staging's plan\n")
    code, outputs, _, _ = stub("run", {"command": "apply", "environment": "production"}, STUB_VALIDATE="1")
    assert code == 0 and outputs["exitcode"] == "1"
    assert sorted(p.name for p in out.iterdir()) == ["validate.txt"]
    _, _, calls, _ = stub("Report the apply", {"environment": "production", "exitcode": "1"})
    assert f"--log {out / 'validate.txt'}" in calls[0]


def test_a_failed_apply_comment_does_not_fail_an_apply_that_went_through(stub) -> None:
    code, _, _, said = stub("Report the apply", {"environment": "production", "exitcode": "0"}, STUB_GITHUB="1")
    assert code == 0 and "::warning::the apply's result could not be posted" in said
    code, _, _, said = stub("Report the apply", {"environment": "production", "exitcode": "2"}, STUB_GITHUB="0")
    assert code == 1 and "::error::reconciler apply exited 2" in said
