"""`reconciler github comment` against the fake GitHub API over HTTP: one comment per (pull
request, target), edited in place, found by marker and author; the cut of a long plan; outputs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reconciler.github.api import GitHub, GitHubError
from reconciler.github.fit import blocks_after
from tests.github.conftest import HEAD, Run, many_tasks, outputs
from tests.github.fake_api import ACTIONS_TOKEN, BOT, FakeGitHub

MARK = "<!-- reconciler:plan target=production -->"


def comment(run: Run, plan: Path | None, *extra: str, plan_exit: str = "0") -> tuple[int, str]:
    argv = ["github", "comment", "--target", "production", "--plan-exit", plan_exit, "--validate-exit", "0",
            "--markdown", "plan.md", "--artifact", "reconciler-plan-production", *extra]
    result = run(*argv, *(["--plan", str(plan)] if plan else []))
    assert ACTIONS_TOKEN not in result.out + result.err
    return result.code, result.out + result.err


def test_the_first_run_creates_the_comment_and_the_second_edits_it(github: FakeGitHub, actions, run: Run,
                                                                    make_plan, workdir: Path) -> None:
    plan = make_plan()
    code, said = comment(run, plan)
    assert code == 0, said
    [first] = [dict(c) for c in github.comments_on(7)]  # a copy: the fake edits its own in place
    assert first["user"]["login"] == BOT and first["body"].startswith(MARK + "\n")
    assert f"Plan for {HEAD[:7]} on **production**" in first["body"]
    assert "nightly-parcel-buffer" in first["body"] and "https://github.test/org/gp-tasks/actions/runs/777" in first["body"]
    assert said.strip().splitlines()[-1] == f"Plan comment: {first['html_url']}"
    assert f"taking {BOT} as the author" in said
    assert outputs(workdir) == {"has-changes": "true", "has-deletes": "false"}
    assert (workdir / "plan.md").read_text().startswith("### Reconciler plan: 3 to create")
    assert "### Reconciler plan: 3 to create" in (workdir / "summary.md").read_text()

    (workdir / "tasks.d" / "month-end.yaml").unlink()
    code, _ = comment(run, make_plan())
    assert code == 0
    [again] = github.comments_on(7)
    assert again["id"] == first["id"] and again["body"] != first["body"]
    assert "month-end-service-areas" not in again["body"] and "nightly-parcel-buffer" in again["body"]
    assert [w for w in github.writes() if w[0] == "POST"] == [("POST", "/repos/org/gp-tasks/issues/7/comments")]


def test_a_comment_with_our_marker_by_someone_else_is_left_alone(github: FakeGitHub, actions, run: Run,
                                                                  make_plan) -> None:
    for i in range(3):  # pages of 2: ours is found past the first page
        github.add_comment(7, f"looks good {i}", "reviewer")
    impostor = github.add_comment(7, f"{MARK}\nI copied the bot's comment", "reviewer")
    other_bot = github.add_comment(7, f"{MARK}\nanother bot", "renovate[bot]")
    quoted = github.add_comment(7, f"> {MARK}\nquoting it", BOT)  # ours by author, but not our marker line
    code, _ = comment(run, make_plan())
    assert code == 0
    assert impostor["body"] == f"{MARK}\nI copied the bot's comment" and other_bot["body"] == f"{MARK}\nanother bot"
    assert quoted["body"].startswith("> ")
    mine = [c for c in github.comments_on(7) if c["body"].startswith(MARK) and c["user"]["login"] == BOT]
    assert len(mine) == 1 and "nightly-parcel-buffer" in mine[0]["body"]
    assert ("GET", "/user") in github.log  # who we are: /user refuses GITHUB_TOKEN, so github-actions[bot]


def test_each_target_has_its_own_comment(github: FakeGitHub, actions, run: Run, make_plan) -> None:
    plan = make_plan()
    assert comment(run, plan)[0] == 0
    assert run("github", "comment", "--target", "staging", "--plan", str(plan), "--plan-exit", "0").code == 0
    assert comment(run, plan)[0] == 0
    heads = sorted(c["body"].split("\n", 1)[0] for c in github.comments_on(7))
    assert heads == ["<!-- reconciler:plan target=production -->", "<!-- reconciler:plan target=staging -->"]


def test_a_400_task_plan_is_cut_at_a_section_with_every_block_closed(github: FakeGitHub, actions, run: Run,
                                                                      make_plan, workdir: Path) -> None:
    many_tasks(workdir / "tasks.d", 400)
    plan = make_plan()
    code, said = comment(run, plan)
    assert code == 0, said
    [posted] = github.comments_on(7)
    body = posted["body"]
    assert 60_000 < len(body) <= 65_536
    assert body.count("<details>") == body.count("</details>") > 50
    assert blocks_after(body).closed
    fences = [line for line in body.splitlines() if re.match(r"^(```|~~~)", line)]
    assert len(fences) % 2 == 0
    note = "the full plan (plan.md, plan.json) is in the artifact **reconciler-plan-production** of " \
           "[the workflow run](https://github.test/org/gp-tasks/actions/runs/777)"
    assert note in body
    before_note = body[: body.index("> [!NOTE]")]
    assert blocks_after(before_note).closed and body.rstrip().endswith(note + ".")
    whole = (workdir / "plan.md").read_text()
    assert len(whole) > 2 * len(body) and "bulk-0399" in whole and "bulk-0399" not in body
    assert whole.count("<details>") == whole.count("</details>") and "not shown" not in whole


def test_no_comment_when_nothing_changes_and_an_earlier_one_is_edited(github: FakeGitHub, actions, run: Run,
                                                                       make_plan, workdir: Path) -> None:
    code, said = comment(run, make_plan(applied=True), "--skip-unchanged")
    assert code == 0 and "No changes: no plan comment" in said
    assert github.comments_on(7) == [] and github.writes() == []
    assert outputs(workdir)["has-changes"] == "false"

    (workdir / "tasks.d" / "month-end.yaml").write_text((workdir / "tasks.d" / "month-end.yaml").read_text()
                                                        .replace("minute: 30", "minute: 45"))
    assert comment(run, make_plan(name="changed.json"), "--skip-unchanged")[0] == 0
    [posted] = [dict(c) for c in github.comments_on(7)]
    assert "1 to update" in posted["body"]
    (workdir / "tasks.d" / "month-end.yaml").write_text((workdir / "tasks.d" / "month-end.yaml").read_text()
                                                        .replace("minute: 45", "minute: 30"))
    assert comment(run, make_plan(name="back.json"), "--skip-unchanged")[0] == 0
    [edited] = github.comments_on(7)
    assert edited["id"] == posted["id"] and "Reconciler plan: no changes" in edited["body"]


def test_a_failed_plan_says_so_and_the_step_fails(github: FakeGitHub, actions, run: Run, workdir: Path) -> None:
    (workdir / "plan.err").write_text("error: cannot reach the portal at https://gis.example.com/portal\n")
    code, _ = comment(run, None, "--plan-log", "plan.err", plan_exit="1")
    assert code == 1
    [posted] = github.comments_on(7)
    assert "`reconciler plan` failed (exit 1)" in posted["body"] and "cannot reach the portal" in posted["body"]
    assert blocks_after(posted["body"]).closed


def test_invalid_task_files_replace_the_plan(github: FakeGitHub, actions, run: Run, make_plan, workdir: Path) -> None:
    assert comment(run, make_plan())[0] == 0
    (workdir / "validate.txt").write_text("::error file=tasks.d/a.yaml::bad\ntasks.d/a.yaml:3: bad schedule\n")
    result = run("github", "comment", "--target", "production", "--validate-exit", "1",
                 "--validate-log", "validate.txt")
    assert result.code == 1
    [posted] = github.comments_on(7)
    assert "the task files are invalid" in posted["body"] and "tasks.d/a.yaml:3: bad schedule" in posted["body"]
    assert "::error" not in posted["body"]


def test_labels_follow_the_plan(github: FakeGitHub, actions, run: Run, make_plan, workdir: Path) -> None:
    labels = ("--label-changes", "portal-changes", "--label-deletes", "portal-deletes")
    assert comment(run, make_plan(), *labels)[0] == 0
    assert github.issues[7]["labels"] == [{"name": "portal-changes"}]
    assert comment(run, make_plan(applied=True, name="same.json"), *labels)[0] == 0
    assert github.issues[7]["labels"] == []


def test_a_refused_token_is_a_clear_error_without_the_token(github: FakeGitHub, actions, run: Run, make_plan,
                                                            monkeypatch) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "ghs_revoked-token-value")
    result = run("github", "comment", "--target", "production", "--plan", str(make_plan()), "--plan-exit", "0")
    assert result.code == 1
    assert result.err.startswith("error: GitHub API GET /user: HTTP 401: Bad credentials (the token was refused")
    assert "ghs_revoked" not in result.out + result.err
    assert github.headers[-1] == "Bearer ghs_revoked-token-value"


def test_outside_actions_it_says_what_is_missing(run: Run, monkeypatch) -> None:
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    monkeypatch.delenv("GITHUB_REPOSITORY", raising=False)
    result = run("github", "comment", "--target", "production")
    assert result.code == 1 and result.err.startswith("error: GITHUB_TOKEN and GITHUB_REPOSITORY not set")


def test_the_comment_of_the_earlier_workflow_is_taken_over(github: FakeGitHub, actions, run: Run, make_plan) -> None:
    old = github.add_comment(7, "<!-- reconciler-plan -->\nPlan for abc1234 (workflow run):", BOT)
    someone = github.add_comment(7, "<!-- reconciler-plan -->\ncopied", "reviewer")
    assert comment(run, make_plan())[0] == 0
    assert [c["id"] for c in github.comments_on(7)] == [old["id"], someone["id"]]
    assert old["body"].startswith(MARK + "\n") and someone["body"] == "<!-- reconciler-plan -->\ncopied"


def test_a_next_page_on_another_host_gets_no_token(github: FakeGitHub) -> None:
    with GitHub(github.url, "org/gp-tasks", ACTIONS_TOKEN) as client, pytest.raises(GitHubError) as refused:
        list(client._pages("http://127.0.0.2:9/repos/org/gp-tasks/issues"))
    assert str(refused.value) == "GitHub API GET /repos/org/gp-tasks/issues: the answer pointed to another host"
    assert github.log == []
