"""Smaller things the review found: the drift issue names the real default branch on a schedule
run; the job summary is cut by bytes, with a note naming its own limit; failure comments' bold
and unknown exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from reconciler.commands.github import _summary
from reconciler.github import bodies
from reconciler.github.fit import SUMMARY_BYTES, blocks_after, cut_bytes
from tests.github.conftest import Run
from tests.github.fake_api import FakeGitHub

RUN = bodies.Run(sha="abcdef1234", run_url="https://github.test/o/r/actions/runs/1", artifact="reconciler-plan-x")


def test_a_schedule_run_names_the_branch_it_ran_on(github: FakeGitHub, actions, run: Run, make_plan, workdir: Path,
                                                   monkeypatch) -> None:
    (workdir / "event.json").write_text(json.dumps({"schedule": "17 5 * * *"}))  # no repository object
    monkeypatch.setenv("GITHUB_REF_NAME", "trunk")
    result = run("github", "drift-issue", "--target", "production", "--plan", str(make_plan()), "--plan-exit", "0")
    assert result.code == 2, result.err
    [issue] = [i for i in github.issues.values() if "pull_request" not in i]
    assert issue["title"] == "Portal drift: production no longer matches tasks.d on trunk"
    assert "on main" not in issue["body"]


def test_the_summary_is_cut_to_a_mebibyte_of_utf8_with_its_own_limit_named(tmp_path: Path) -> None:
    text = "\n\n".join(f"<details><summary>{i}</summary>\n\n" + "é" * 600 + "\n\n</details>" for i in range(1500))
    assert len(text) < SUMMARY_BYTES < len(text.encode())  # fits by characters, not by bytes
    fitted, was_cut = cut_bytes(text, SUMMARY_BYTES, RUN.artifact_note("the job summary's limit of 1 MiB"))
    assert was_cut and len(fitted.encode()) <= SUMMARY_BYTES and blocks_after(fitted).closed
    assert len(fitted.encode()) > SUMMARY_BYTES * 0.9  # not cut far more than needed
    summary = tmp_path / "summary.md"
    _summary({"GITHUB_STEP_SUMMARY": str(summary)}, text, RUN)
    written = summary.read_text()
    assert len(written.encode()) <= SUMMARY_BYTES
    assert "Cut to fit the job summary's limit of 1 MiB" in written and "65,536" not in written


def test_failure_comments_have_one_bold_span_and_no_unknown_exit_code() -> None:
    failed = bodies.plan_comment(target="production", run=RUN, validate=bodies.Step(exit=None),
                                 plan=bodies.Step(exit=None, log="boom"), doc=None)
    assert "**No plan for abcdef1 on production: `reconciler plan` failed.**" in failed
    assert "exit None" not in failed
    invalid = bodies.plan_comment(target="production", run=RUN, validate=bodies.Step(exit=1, log="a.yaml:1: bad"),
                                  plan=bodies.Step(exit=None), doc=None)
    assert "**No plan for abcdef1 on production: the task files are invalid.**" in invalid
