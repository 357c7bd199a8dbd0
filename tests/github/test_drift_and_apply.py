"""`reconciler github drift-issue` and `apply-comment` against the fake GitHub API over HTTP: one
drift issue per target, edited in place, closed when in sync again; the apply result on the
merged pull request of the commit."""

from __future__ import annotations

from pathlib import Path

from tests.github.conftest import HEAD, Run, outputs
from tests.github.fake_api import ACTIONS_TOKEN, BOT, FakeGitHub

DRIFT = "<!-- reconciler:drift target=production -->"


def drift(run: Run, plan: Path, *extra: str) -> int:
    result = run("github", "drift-issue", "--target", "production", "--plan", str(plan), "--plan-exit", "0",
                 "--artifact", "reconciler-drift-production", *extra)
    assert ACTIONS_TOKEN not in result.out + result.err
    return result.code


def ours(github: FakeGitHub) -> list[dict]:
    return [i for i in github.issues.values() if "pull_request" not in i and i["body"].startswith(DRIFT)]


def test_the_drift_issue_is_opened_edited_and_closed(github: FakeGitHub, actions, run: Run, make_plan,
                                                     workdir: Path) -> None:
    assert drift(run, make_plan(), "--label", "drift") == 2
    [issue] = ours(github)
    first = dict(issue)
    assert issue["title"] == "Portal drift: production no longer matches tasks.d on main"
    assert issue["state"] == "open" and issue["user"]["login"] == BOT and issue["labels"] == [{"name": "drift"}]
    assert "3 to create" in issue["body"] and "https://github.test/org/gp-tasks/actions/runs/777" in issue["body"]
    assert outputs(workdir)["has-changes"] == "true"

    (workdir / "tasks.d" / "month-end.yaml").unlink()
    (workdir / "tasks.d" / "quarterly-flood-model.yaml").unlink()
    assert drift(run, make_plan(name="night2.json")) == 2
    [again] = ours(github)
    assert again["number"] == first["number"] and again["body"] != first["body"]
    assert "1 to create" in again["body"]
    assert not any(path.endswith("/comments") for method, path in github.writes())  # no comment per night

    assert drift(run, make_plan(applied=True, name="synced.json")) == 0
    [closed] = ours(github)
    assert closed["number"] == first["number"] and closed["state"] == "closed"
    assert closed["state_reason"] == "completed" and "**In sync again**" in closed["body"]
    assert "1 to create" in closed["body"]  # the last drift, kept for the record

    (workdir / "tasks.d" / "second.yaml").write_text((workdir / "tasks.d" / "nightly-buffer.yaml").read_text()
                                                     .replace("nightly-parcel-buffer", "second-buffer"))
    assert drift(run, make_plan(name="night4.json")) == 2
    assert sorted(i["state"] for i in ours(github)) == ["closed", "open"]  # a new drift: a new issue


def test_only_our_issue_is_touched(github: FakeGitHub, actions, run: Run, make_plan) -> None:
    github.issues[5] = {"number": 5, "title": "copied", "body": f"{DRIFT}\nby hand", "state": "open",
                        "user": {"login": "someone"}, "labels": []}
    assert drift(run, make_plan()) == 2
    assert github.issues[5]["body"] == f"{DRIFT}\nby hand"
    assert drift(run, make_plan(applied=True, name="synced.json")) == 0
    assert github.issues[5]["state"] == "open"
    assert [i["state"] for i in ours(github) if i["user"]["login"] == BOT] == ["closed"]


def test_a_failed_plan_leaves_the_issue_as_it_is(github: FakeGitHub, actions, run: Run, workdir: Path) -> None:
    (workdir / "plan.err").write_text("error: the portal answered HTTP 502\n")
    result = run("github", "drift-issue", "--target", "production", "--plan", "missing.json", "--plan-exit", "1",
                 "--plan-log", "plan.err")
    assert result.code == 1 and github.writes() == []
    assert "HTTP 502" in (workdir / "summary.md").read_text()


def test_the_apply_result_goes_on_the_merged_pull_request(github: FakeGitHub, actions, run: Run,
                                                          workdir: Path) -> None:
    github.add_pull(41, merge_sha=HEAD)
    github.add_pull(40, merge_sha=HEAD, merged=False)  # an open pull request that holds the commit too
    (workdir / "apply.txt").write_text("+ nightly-parcel-buffer: created\n" * 5_000 + "Apply complete: 3 created.\n")
    result = run("github", "apply-comment", "--target", "production", "--log", "apply.txt", "--exit", "0")
    assert result.code == 0, result.err
    [posted] = [dict(c) for c in github.comments_on(41)]
    assert github.comments_on(40) == []
    assert posted["body"].startswith("<!-- reconciler:apply target=production -->\n**Applied 0123456 to production**")
    assert len(posted["body"]) <= 65_536 and posted["body"].rstrip().endswith("Apply complete: 3 created.\n~~~~")
    assert "earlier lines are in the workflow run" in posted["body"]
    assert "**Applied 0123456 to production**" in (workdir / "summary.md").read_text()
    assert result.out.strip().splitlines()[-1] == f"Apply comment on #41: {posted['html_url']}"

    (workdir / "apply.txt").write_text("! month-end-service-areas: failed: HTTP 500\n")
    assert run("github", "apply-comment", "--target", "production", "--log", "apply.txt", "--exit", "1").code == 0
    [edited] = github.comments_on(41)
    assert edited["id"] == posted["id"] and "failed (exit 1)" in edited["body"]


def test_a_push_without_a_pull_request_reports_in_the_summary_only(github: FakeGitHub, actions, run: Run,
                                                                   workdir: Path) -> None:
    actions({"ref": "refs/heads/main"})
    result = run("github", "apply-comment", "--target", "production", "--exit", "0")
    assert result.code == 0 and "No merged pull request has commit 0123456" in result.out
    assert github.writes() == [] and "Applied 0123456" in (workdir / "summary.md").read_text()
