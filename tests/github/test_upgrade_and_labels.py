"""After an upgrade, the earlier workflow's drift issue (found by its title, no marker) is taken
over, not left open beside a new one; labels follow the plan, and with no plan (invalid task
files) none says the pull request changes or deletes anything."""

from __future__ import annotations

from pathlib import Path

from tests.github.conftest import Run
from tests.github.fake_api import BOT, FakeGitHub

OLD_TITLE = "Portal drift: the portal no longer matches tasks.d on main"


def old_issue(github: FakeGitHub, author: str = BOT) -> dict:
    number = github.new_id()
    github.issues[number] = {"number": number, "title": OLD_TITLE, "body": "### Reconciler plan: 1 to delete\n",
                             "state": "open", "user": {"login": author}, "labels": [],
                             "html_url": f"https://github.test/org/gp-tasks/issues/{number}"}
    return github.issues[number]


def drift(run: Run, plan: Path) -> int:
    return run("github", "drift-issue", "--target", "production", "--plan", str(plan), "--plan-exit", "0").code


def test_the_earlier_workflows_drift_issue_is_taken_over_then_closed(github: FakeGitHub, actions, run: Run,
                                                                     make_plan) -> None:
    old = old_issue(github)
    someone = old_issue(github, author="reviewer")
    assert drift(run, make_plan()) == 2
    issues = [i for i in github.issues.values() if "pull_request" not in i]
    assert len(issues) == 2  # no new issue
    assert old["body"].startswith("<!-- reconciler:drift target=production -->\n") and old["title"] != OLD_TITLE
    assert someone["title"] == OLD_TITLE and someone["state"] == "open"
    assert drift(run, make_plan(applied=True, name="same.json")) == 0
    assert old["state"] == "closed" and someone["state"] == "open"


def test_an_earlier_drift_issue_is_closed_when_in_sync(github: FakeGitHub, actions, run: Run, make_plan) -> None:
    old = old_issue(github)
    assert drift(run, make_plan(applied=True)) == 0
    assert old["state"] == "closed"


def test_with_no_plan_the_labels_come_off(github: FakeGitHub, actions, run: Run, make_plan, workdir: Path) -> None:
    labels = ("--label-changes", "portal-changes", "--label-deletes", "portal-deletes")
    (workdir / "tasks.d" / "month-end.yaml").unlink()
    assert run("apply", "--emulator", "--auto-approve").code == 0
    (workdir / "tasks.d" / "nightly-buffer.yaml").unlink()  # a delete
    first = run("github", "comment", "--target", "production", "--plan", str(make_plan()), "--plan-exit", "0",
                "--validate-exit", "0", *labels)
    assert first.code == 0 and github.issues[7]["labels"] == [{"name": "portal-changes"}, {"name": "portal-deletes"}]
    (workdir / "validate.txt").write_text("tasks.d/a.yaml:3: bad schedule\n")
    result = run("github", "comment", "--target", "production", "--validate-exit", "1", "--validate-log",
                 "validate.txt", *labels)
    assert result.code == 1 and github.issues[7]["labels"] == []
