"""`reconciler github comment | apply-comment | drift-issue`: what the composite action (action.yml)
runs after validate, plan or apply, from the files those left behind.

- comment: one comment per (pull request, target) with the plan, edited in place on every push;
  the full plan as plan.md for the artifact and the job summary; has-changes / has-deletes as
  step outputs; optional labels.
- apply-comment: the apply's result in the job summary and on the merged pull request(s).
- drift-issue: one open issue per target while the portal has drifted, edited in place each
  night, closed at the first check that finds the portal in sync.

A comment or issue is ours when its first line is our marker AND the token's own account wrote
it: another user's or bot's text with the same marker is left alone.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reconciler.commands import Echo
from reconciler.errors import UsageError
from reconciler.github import bodies
from reconciler.github.api import ACTIONS_BOT, GitHub, Note
from reconciler.github.context import Context, from_environment
from reconciler.github.fit import SUMMARY_BYTES, cut_bytes
from reconciler.render.plan_markdown import render_dict
from reconciler.render.validate import render_text


@dataclass(frozen=True, kw_only=True)
class Inputs:
    """The files and exit codes a step hands over (a path None or missing: that step did not run)."""

    target: str
    plan: str | None = None
    plan_exit: int | None = None
    plan_log: str | None = None
    validate_exit: int | None = None
    validate_log: str | None = None
    markdown: str | None = None  # where to write the whole plan (for the artifact)
    artifact: str = ""
    artifact_url: str = ""
    author: str | None = None  # whose comments are ours; default: the token's account
    labels: tuple[str, ...] = ()  # comment: (has changes, has deletes); drift-issue: the issue's labels


def _read(path: str | None) -> str:
    if not path:
        return ""
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _json_file(path: str | None) -> Any:
    try:
        return json.loads(_read(path) or "null")
    except ValueError:
        return None


def _validate_report(doc: Any) -> str | None:
    """The problems of validate's JSON report (which plan prints for invalid task files) as
    validate prints them, or None when `doc` is not one."""
    if not (isinstance(doc, dict) and doc.get("valid") is False and isinstance(doc.get("problems"), list)):
        return None
    try:
        return render_text(doc)
    except (KeyError, TypeError, AttributeError):
        return None


def _plan(path: str | None) -> dict[str, Any] | None:
    doc = _json_file(path)
    return doc if bodies.is_plan(doc) else None


def _context(environ: Mapping[str, str]) -> Context:
    event_path = environ.get("GITHUB_EVENT_PATH")
    return from_environment(environ, _read(event_path) if event_path else None)


def _append(environ: Mapping[str, str], name: str, text: str) -> None:
    """Append to the file GitHub names in `name` (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY), if any."""
    path = environ.get(name)
    if path:
        try:
            with open(path, "a", encoding="utf-8") as f:
                f.write(text)
        except OSError as e:
            raise UsageError(f"{name}: cannot write {path} ({e.strerror or type(e).__name__})") from None


def _run(context: Context, inputs: Inputs, sha: str) -> bodies.Run:
    return bodies.Run(sha=sha, run_url=context.run_url, artifact=inputs.artifact, artifact_url=inputs.artifact_url)


def _summary(environ: Mapping[str, str], text: str, run: bodies.Run) -> None:
    note = run.artifact_note("the job summary's limit of 1 MiB")
    _append(environ, "GITHUB_STEP_SUMMARY", cut_bytes(text, SUMMARY_BYTES, note)[0].rstrip("\n") + "\n\n")


def _whole_plan(inputs: Inputs, doc: dict[str, Any] | None) -> str:
    whole = render_dict(doc, limit=None) if doc is not None else ""
    if inputs.markdown and whole:
        Path(inputs.markdown).write_text(whole, encoding="utf-8")
    return whole


def markdown(*, plan: str, markdown: str, echo: Echo) -> int:
    """plan.md from plan.json, for the artifact: uploaded before the comment, which links it."""
    doc = _plan(plan)
    try:
        _whole_plan(Inputs(target="", markdown=markdown), doc)
    except OSError as e:
        raise UsageError(f"--markdown {markdown}: cannot write it ({e.strerror or type(e).__name__})") from None
    echo(f"Wrote {markdown}." if doc is not None else f"{plan} holds no plan: no {markdown} written.")
    return 0


def _ours(found: list[Note], mark: str, me: str, *, also: str = "") -> list[Note]:
    return [n for n in found if n.author == me and (bodies.is_mine(n.body, mark) or also and bodies.is_mine(n.body, also))]


def _post(github: GitHub, issue: int, body: str, me: str, *, create: bool = True, also: str = "") -> Note | None:
    """Edit our comment on `issue` in place (or the one with the marker `also`), or add it (unless
    `create` is false)."""
    mark = body.split("\n", 1)[0]
    mine = _ours(github.comments(issue), mark, me, also=also)
    if mine:
        return mine[0] if mine[0].body == body else github.update_comment(mine[0].number, body)

    def landed() -> Note | None:  # a create that failed with a 5xx may have been made all the same
        return next(iter(_ours(github.comments(issue), mark, me)), None)

    return github.create_comment(issue, body, landed=landed) if create else None


def _drift_issues(github: GitHub, mark: str, me: str) -> list[Note]:
    """Our open drift issues for the target, else the earlier workflow's (found by its title)."""
    found = github.issues(me)
    return _ours(found, mark, me) or [n for n in found if n.author == me and n.title == bodies.OLD_DRIFT_TITLE]


def _me(github: GitHub, inputs: Inputs, echo: Echo) -> str:
    """Whose comments and issues are ours: --author, else the token's account, else (the token may
    not read /user: GITHUB_TOKEN, a GitHub App's token) github-actions[bot], said so."""
    if inputs.author:
        return inputs.author
    login = github.login()
    if login is None:
        echo(f"The token may not read /user: taking {ACTIONS_BOT} as the author of our comments and issues "
             "(a GitHub App's token writes as APP[bot]: pass it as the action's `author` input, or --author).")
        return ACTIONS_BOT
    return login


def comment(inputs: Inputs, *, pull_request: int | None, skip_unchanged: bool, environ: Mapping[str, str],
            echo: Echo) -> int:
    """Exit 0 when there is a plan without errors, 1 otherwise (after commenting either way)."""
    context = _context(environ)
    number = pull_request or context.pull_request
    if number is None:
        raise UsageError("no pull request: run this on a pull_request event, or pass --pull-request N")
    doc = _plan(inputs.plan)
    validate = bodies.Step(exit=inputs.validate_exit, log=_read(inputs.validate_log))
    plan = bodies.Step(exit=inputs.plan_exit, log=_read(inputs.plan_log))
    run = _run(context, inputs, context.head_sha)
    body = bodies.plan_comment(target=inputs.target, run=run, validate=validate, plan=plan, doc=doc)
    whole = _whole_plan(inputs, doc) if validate.exit in (None, 0) else ""
    _summary(environ, whole or body.split("\n", 1)[1], run)
    changes = doc is not None and bodies.has_changes(doc)
    deletes = doc is not None and bodies.has_deletes(doc)
    _append(environ, "GITHUB_OUTPUT", f"has-changes={str(changes).lower()}\nhas-deletes={str(deletes).lower()}\n")
    ok = validate.exit in (None, 0) and doc is not None and not doc["errors"] and plan.exit in (None, 0, 2)
    quiet = skip_unchanged and ok and not changes  # [I] an existing comment is still edited to say so
    with GitHub(context.api_url, context.repository, context.token, warn=echo) as github:
        me = _me(github, inputs, echo)
        posted = _post(github, number, body, me, create=not quiet, also=bodies.OLD_PLAN_MARKER)
        for label, on in zip(inputs.labels, (changes, deletes), strict=False):
            if label:  # no plan (invalid task files): no label says it changes or deletes anything
                github.set_label(number, label, on)
    echo(f"Plan comment: {posted.url}" if posted else "No changes: no plan comment (--skip-unchanged).")
    return 0 if ok else 1


def apply_comment(inputs: Inputs, *, exit_code: int | None, log: str | None, sha: str | None,
                  environ: Mapping[str, str], echo: Echo) -> int:
    """The apply's result in the job summary and on each merged pull request of the commit."""
    context = _context(environ)
    sha = sha or context.sha
    if not sha:
        raise UsageError("no commit: GITHUB_SHA is not set; pass --sha")
    run = _run(context, inputs, sha)
    body = bodies.apply_comment(target=inputs.target, run=run, applied=bodies.Step(exit=exit_code, log=_read(log)))
    _summary(environ, body.split("\n", 1)[1], run)
    with GitHub(context.api_url, context.repository, context.token, warn=echo) as github:
        pulls = github.merged_pulls(sha)
        me = _me(github, inputs, echo) if pulls else ""
        for number in pulls:
            posted = _post(github, number, body, me)
            echo(f"Apply comment on #{number}: {posted.url if posted else ''}")
    if not pulls:
        echo(f"No merged pull request has commit {sha[:7]}: the result is in the job summary only.")
    return 0


def drift_issue(inputs: Inputs, *, environ: Mapping[str, str], echo: Echo) -> int:
    """Exit 0 in sync (our open issue closed), 2 drift (the issue opened or edited), 1 invalid task
    files (the issue opened or edited to list their problems) or no plan (the issue left as it is)."""
    context = _context(environ)
    doc = _plan(inputs.plan)
    run = _run(context, inputs, context.sha)
    report = _validate_report(_json_file(inputs.plan)) if doc is None else None
    if report is not None:
        return _drift_invalid(inputs, context, run, report, environ=environ, echo=echo)
    if doc is None:
        log = _read(inputs.plan_log).strip() or "plan did not run or printed nothing"
        _summary(environ, f"**No drift check for {inputs.target}: `reconciler plan` failed"
                          f"{bodies.exit_text(inputs.plan_exit)}.**\n\n{bodies.fenced(bodies.tail(log, 50_000))}", run)
        echo("No plan: the drift issue is left as it is.")
        return 1
    _summary(environ, _whole_plan(inputs, doc), run)
    drifted = bodies.has_changes(doc) or bool(doc["errors"])
    _append(environ, "GITHUB_OUTPUT", f"has-changes={str(drifted).lower()}\n")
    mark = bodies.marker("drift", inputs.target)
    with GitHub(context.api_url, context.repository, context.token, warn=echo) as github:
        me = _me(github, inputs, echo)
        open_ = _drift_issues(github, mark, me)
        if drifted:
            title, body = bodies.drift_issue(target=inputs.target, run=run, doc=doc, branch=context.default_branch)
            labels = tuple(label for label in inputs.labels if label)
            issue = github.update_issue(open_[0].number, title=title, body=body) if open_ else \
                github.create_issue(title, body, labels, landed=lambda: next(iter(_ours(github.issues(me), mark, me)),
                                                                             None))
            echo(f"Drift: {issue.url}")
            return 2
        for issue in open_:
            github.update_issue(issue.number, state="closed", state_reason="completed",
                                body=bodies.in_sync_again(target=inputs.target, run=run, body=issue.body))
            echo(f"In sync again: closed {issue.url}")
    return 0


def _drift_invalid(inputs: Inputs, context: Context, run: bodies.Run, report: str, *, environ: Mapping[str, str],
                   echo: Echo) -> int:
    """Invalid task files on the default branch are drift-worthy ([I] decided): the portal cannot
    be checked and no apply can run, so the problems go to the log, the summary and the drift issue."""
    echo(report)
    title, body = bodies.drift_invalid(target=inputs.target, run=run, report=report, branch=context.default_branch)
    _summary(environ, body.split("\n", 1)[1], run)
    _append(environ, "GITHUB_OUTPUT", "has-changes=true\n")
    mark = bodies.marker("drift", inputs.target)
    with GitHub(context.api_url, context.repository, context.token, warn=echo) as github:
        me = _me(github, inputs, echo)
        open_ = _drift_issues(github, mark, me)
        issue = github.update_issue(open_[0].number, title=title, body=body) if open_ else \
            github.create_issue(title, body, tuple(label for label in inputs.labels if label),
                                landed=lambda: next(iter(_ours(github.issues(me), mark, me)), None))
    echo(f"Invalid task files: {issue.url}")
    return 1
