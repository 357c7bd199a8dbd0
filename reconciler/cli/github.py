"""`reconciler github ...`: flags and dispatch (the commands are in reconciler.commands.github)."""

from __future__ import annotations

import argparse
import os

from reconciler.commands import Echo

EPILOG = """\
Run by the composite action (action.yml) in GitHub Actions, after validate, plan (--format json)
or apply have left their output in files. Reads GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_EVENT_PATH,
GITHUB_API_URL, GITHUB_SERVER_URL, GITHUB_RUN_ID and GITHUB_SHA; writes GITHUB_OUTPUT and
GITHUB_STEP_SUMMARY. The token is never printed.

examples:
  reconciler github comment --target production --plan plan.json --plan-exit 0 --markdown plan.md
  reconciler github apply-comment --target production --log apply.txt --exit 0
  reconciler github drift-issue --target production --plan plan.json --plan-exit 0
  reconciler github markdown --plan plan.json --markdown plan.md

Exit: comment 0 a plan without errors, 1 otherwise (the comment says why); apply-comment 0;
drift-issue 0 in sync (the issue closed), 2 drift (the issue opened or edited), 1 invalid
task files (the issue lists their problems) or no plan (the issue left as it is);
markdown 0."""


def add_github(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("github", help="post the plan, the apply result or the drift issue on GitHub (CI)",
                       description="The GitHub side of the shipped workflows: one plan comment per pull request and "
                       "target, edited in place; the apply result on the merged pull request; one drift issue per "
                       "target, closed when the portal is in sync again.",
                       epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    what = p.add_subparsers(dest="github_command", metavar="WHAT", required=True)
    comment = what.add_parser("comment", help="the pull request's plan comment")
    _common(comment)
    _plan_files(comment)
    comment.add_argument("--validate-exit", type=int, metavar="CODE", help="reconciler validate's exit code")
    comment.add_argument("--validate-log", metavar="FILE", help="reconciler validate's output")
    comment.add_argument("--pull-request", type=int, metavar="N", help="default: the event's pull request")
    comment.add_argument("--skip-unchanged", action="store_true",
                         help="post no comment when the plan has no changes (one posted earlier is edited to say so)")
    comment.add_argument("--label-changes", metavar="LABEL", default="",
                         help="a label the pull request carries while its plan has changes")
    comment.add_argument("--label-deletes", metavar="LABEL", default="",
                         help="a label the pull request carries while its plan deletes tasks")
    applied = what.add_parser("apply-comment", help="the apply's result on the merged pull request")
    _common(applied)
    applied.add_argument("--log", metavar="FILE", help="reconciler apply's output")
    applied.add_argument("--exit", type=int, metavar="CODE", help="reconciler apply's exit code")
    applied.add_argument("--sha", help="the applied commit (default: GITHUB_SHA)")
    drift = what.add_parser("drift-issue", help="open, edit or close the drift issue")
    _common(drift)
    _plan_files(drift)
    drift.add_argument("--label", action="append", default=[], metavar="LABEL", help="labels of a new issue")
    markdown = what.add_parser("markdown", help="write the whole plan as Markdown (for the artifact, before it is "
                               "uploaded)")
    markdown.add_argument("--plan", metavar="FILE", required=True, help="reconciler plan --format json's output")
    markdown.add_argument("--markdown", metavar="FILE", required=True,
                          help="where to write it (nothing is written when FILE is not a plan)")


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--target",
                   help="the environment planned or applied: one comment and one issue each "
                   "(default: RECONCILER_ENVIRONMENT)")
    p.add_argument("--artifact", default="", metavar="NAME", help="the artifact that holds plan.md and plan.json")
    p.add_argument("--artifact-url", default="", metavar="URL", help="its link (default: the run's page)")
    p.add_argument("--author", metavar="LOGIN",
                   help="whose comments and issues are ours (default: the token's account, github-actions[bot] "
                   "for GITHUB_TOKEN)")


def _plan_files(p: argparse.ArgumentParser) -> None:
    p.add_argument("--plan", metavar="FILE", help="reconciler plan --format json's output")
    p.add_argument("--plan-exit", type=int, metavar="CODE", help="reconciler plan's exit code")
    p.add_argument("--plan-log", metavar="FILE", help="reconciler plan's error output")
    p.add_argument("--markdown", metavar="FILE", help="write the whole plan as Markdown here (for the artifact)")


def dispatch(args: argparse.Namespace, say: Echo) -> int:
    from reconciler.commands import github

    if args.github_command == "markdown":
        return github.markdown(plan=args.plan, markdown=args.markdown, echo=say)
    inputs = github.Inputs(
        target=args.target or os.environ.get("RECONCILER_ENVIRONMENT") or "default", artifact=args.artifact, artifact_url=args.artifact_url, author=args.author,
        plan=getattr(args, "plan", None), plan_exit=getattr(args, "plan_exit", None),
        plan_log=getattr(args, "plan_log", None), markdown=getattr(args, "markdown", None),
        validate_exit=getattr(args, "validate_exit", None), validate_log=getattr(args, "validate_log", None),
        labels=(args.label_changes, args.label_deletes) if args.github_command == "comment"
        else tuple(getattr(args, "label", ())))
    if args.github_command == "comment":
        return github.comment(inputs, pull_request=args.pull_request, skip_unchanged=args.skip_unchanged,
                              environ=os.environ, echo=say)
    if args.github_command == "apply-comment":
        return github.apply_comment(inputs, exit_code=args.exit, log=args.log, sha=args.sha, environ=os.environ,
                                    echo=say)
    return github.drift_issue(inputs, environ=os.environ, echo=say)
