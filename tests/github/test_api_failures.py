"""What GitHub (or a proxy in front of it, or the runner) can do to `reconciler github ...`: answers
of the wrong shape, rate limits, 5xx, 422 with reasons, files that cannot be written. Each ends in
a one-line error and exit 1 (never a traceback), or in a bounded retry that never duplicates a
comment or an issue."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reconciler.github import api
from tests.github.conftest import Run
from tests.github.fake_api import ACTIONS_TOKEN, BOT, FakeGitHub

COMMENTS = r"/repos/org/gp-tasks/issues/7/comments"
ISSUES = r"/repos/org/gp-tasks/issues"


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The retries' waits, recorded instead of slept."""
    seen: list[float] = []
    monkeypatch.setattr(api, "_pause", seen.append)
    return seen


def comment(run: Run, plan: Path) -> tuple[int, str, str]:
    result = run("github", "comment", "--target", "production", "--plan", str(plan), "--plan-exit", "0",
                 "--validate-exit", "0")
    assert ACTIONS_TOKEN not in result.out + result.err
    return result.code, result.out, result.err


def one_line_error(err: str) -> str:
    assert "Traceback" not in err and "bug in reconciler" not in err, err
    [line] = [x for x in err.splitlines() if x.startswith("error: ")]
    return line


@pytest.mark.parametrize(("method", "path", "status", "body", "ctype", "said"), [
    ("GET", COMMENTS, 200, b"<html>Sign in</html>", "text/html; charset=utf-8",
     f"GitHub API GET {COMMENTS}: the answer is not JSON (HTTP 200, text/html)"),
    ("GET", "/user", 200, b"<html>Sign in</html>", "text/html", "GitHub API GET /user: the answer is not JSON (HTTP 200"),
    ("GET", "/user", 200, [1, 2], "application/json", "GitHub API GET /user: expected an object in the answer, got a JSON list"),
    ("GET", COMMENTS, 200, {"message": "x"}, "application/json", f"GitHub API GET {COMMENTS}: expected a list"),
    ("POST", COMMENTS, 201, None, "application/json", f"GitHub API POST {COMMENTS}: expected an object in the answer, got nothing"),
    ("POST", COMMENTS, 201, {"body": "x"}, "application/json", f"GitHub API POST {COMMENTS}: the answer has no id"),
    ("GET", COMMENTS, 400, ["a", "b"], "application/json", f"GitHub API GET {COMMENTS}: HTTP 400"),
])
def test_an_answer_of_the_wrong_shape_is_a_one_line_error(github: FakeGitHub, actions, run: Run, make_plan, waits,
                                                          monkeypatch, method, path, status, body, ctype, said) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_someone")  # a token that may read /user
    plan = make_plan()
    github.fail(method, path, status, body, content_type=ctype)
    code, _, err = comment(run, plan)
    assert code == 1
    assert one_line_error(err).startswith(f"error: {said}")
    assert "ghp_someone" not in err


def test_a_file_github_names_that_cannot_be_written_is_a_clear_error(github: FakeGitHub, actions, run: Run, make_plan,
                                                                     workdir: Path, monkeypatch) -> None:
    plan = make_plan()
    monkeypatch.setenv("GITHUB_OUTPUT", str(workdir))  # a folder
    code, _, err = comment(run, plan)
    assert code == 1 and one_line_error(err).startswith(f"error: GITHUB_OUTPUT: cannot write {workdir} (Is a directory)")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(workdir / "gone" / "summary.md"))
    code, _, err = comment(run, plan)
    assert code == 1 and "error: GITHUB_STEP_SUMMARY: cannot write" in one_line_error(err)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
@pytest.mark.parametrize("argv", [["schema"], ["completion", "bash"]])
def test_a_full_disk_is_a_clear_error(argv: list[str]) -> None:
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "reconciler", *argv], stdout=full, stderr=subprocess.PIPE,
                              text=True, timeout=60, check=False)
    assert (done.returncode, done.stderr) == (1, "error: cannot write the output: No space left on device\n")


def test_a_rate_limit_is_named_with_its_reset_and_not_blamed_on_permissions(github: FakeGitHub, actions, run: Run,
                                                                            make_plan, waits) -> None:
    plan = make_plan()
    reset = int(time.time()) + 1800
    github.fail("GET", COMMENTS, 403, {"message": "API rate limit exceeded for installation ID 1."},
                headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)})
    code, _, err = comment(run, plan)
    line = one_line_error(err)
    assert code == 1 and waits == []  # half an hour: not waited for
    assert "API rate limit exceeded" in line and "GitHub's rate limit for this token" in line
    assert time.strftime("%Y-%m-%d %H:%M", time.gmtime(reset)) in line
    assert "permissions:" not in line and "pull-requests: write" not in line


def test_a_429_is_retried_after_retry_after(github: FakeGitHub, actions, run: Run, make_plan, waits) -> None:
    plan = make_plan()
    github.fail("GET", COMMENTS, 429, {"message": "You have exceeded a secondary rate limit"},
                headers={"Retry-After": "3"})
    code, out, err = comment(run, plan)
    assert code == 0, err
    assert waits == [4.0] and "HTTP 429: trying again in 4 s" in out
    assert len(github.comments_on(7)) == 1


def test_5xx_on_reads_and_edits_is_retried_a_bounded_number_of_times(github: FakeGitHub, actions, run: Run,
                                                                     make_plan, waits) -> None:
    plan = make_plan()
    github.fail("GET", COMMENTS, 502, b"<html>Bad gateway</html>", content_type="text/html", count=2)
    assert comment(run, plan)[0] == 0 and waits == [2.0, 5.0]
    github.fail("PATCH", r"/repos/org/gp-tasks/issues/comments/\d+", 503, {"message": "unavailable"})
    (Path(plan).parent / "tasks.d" / "month-end.yaml").unlink()
    assert comment(run, make_plan(name="p2.json"))[0] == 0
    assert "month-end" not in github.comments_on(7)[0]["body"]
    waits.clear()
    github.fail("GET", COMMENTS, 500, {"message": "boom"}, count=99)
    code, _, err = comment(run, plan)
    assert code == 1 and waits == [2.0, 5.0, 10.0]
    assert one_line_error(err) == (f"error: GitHub API GET {COMMENTS}: HTTP 500: boom (GitHub failed; it may be down: "
                                   "https://www.githubstatus.com)")


def test_a_create_that_landed_despite_a_5xx_is_not_sent_again(github: FakeGitHub, actions, run: Run, make_plan,
                                                              waits) -> None:
    github.fail("POST", COMMENTS, 502, b"", content_type="text/html", land=True)
    code, out, err = comment(run, make_plan())
    assert code == 0, err
    assert len(github.comments_on(7)) == 1 and github.comments_on(7)[0]["user"]["login"] == BOT
    assert [w for w in github.writes() if w[0] == "POST"] == [("POST", COMMENTS)]
    assert "looking whether it was made" in out


def test_a_create_that_did_not_land_is_sent_again_once_looked_for(github: FakeGitHub, actions, run: Run, make_plan,
                                                                  waits) -> None:
    github.fail("POST", COMMENTS, 504, {"message": "timeout"}, land=False)
    assert comment(run, make_plan())[0] == 0
    assert len(github.comments_on(7)) == 1
    assert [w for w in github.writes() if w[0] == "POST"] == [("POST", COMMENTS)] * 2


def test_a_drift_issue_that_landed_despite_a_5xx_is_opened_once(github: FakeGitHub, actions, run: Run, make_plan,
                                                                waits) -> None:
    github.fail("POST", ISSUES, 500, {"message": "oops"}, land=True)
    result = run("github", "drift-issue", "--target", "production", "--plan", str(make_plan()), "--plan-exit", "0")
    assert result.code == 2, result.err
    assert len([i for i in github.issues.values() if "pull_request" not in i]) == 1


def test_a_422_shows_githubs_reasons(github: FakeGitHub, actions, run: Run, make_plan, waits) -> None:
    github.fail("POST", COMMENTS, 422, {"message": "Validation Failed", "errors": [
        {"resource": "IssueComment", "code": "custom", "field": "body", "message": "body is too long"},
        {"resource": "IssueComment", "code": "missing_field", "field": "body"}]})
    code, _, err = comment(run, make_plan())
    assert code == 1 and waits == []
    assert one_line_error(err) == (f"error: GitHub API POST {COMMENTS}: HTTP 422: Validation Failed; body is too long; "
                                   "IssueComment body missing_field")
