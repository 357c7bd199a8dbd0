"""The texts reconciler posts on GitHub: the pull request's plan comment, the merged pull
request's apply comment and the drift issue. Pure: facts in, Markdown out.

Each starts with a hidden marker naming its kind and target (the environment), so a later run
finds its own comment or issue again (together with its author: see reconciler.github.api) and
edits it instead of adding one. Each fits GitHub's limit (reconciler.github.fit); when the plan
is cut, a note outside every block points to the run's artifact holding plan.md and plan.json.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from reconciler.github.fit import GITHUB_LIMIT, cut
from reconciler.render.plan_markdown import escape, render_dict

_TARGET_SAFE = re.compile(r"[^A-Za-z0-9._-]")
# The marker of the comment the inline script of earlier workflows posted (one per pull request):
# the first plan comment after an upgrade takes it over rather than leave it up, out of date.
OLD_PLAN_MARKER = "<!-- reconciler-plan -->"
# The title of the drift issue the inline script of earlier workflows opened (no marker): the first
# drift check after an upgrade takes it over (or closes it) rather than open a second one. [I] any target.
OLD_DRIFT_TITLE = "Portal drift: the portal no longer matches tasks.d on main"
_HEADROOM = 2_000  # the plan's share leaves this much for the head, the error and the note


def marker(kind: str, target: str) -> str:
    """`<!-- reconciler:plan target=production -->`: no `--` or `>` of a target can end it early."""
    return f"<!-- reconciler:{kind} target={_TARGET_SAFE.sub('_', target) or '_'} -->"


def is_mine(body: str | None, mark: str) -> bool:
    """The marker is the body's first line: a quote of the comment elsewhere does not count."""
    return (body or "").split("\n", 1)[0].strip() == mark


@dataclass(frozen=True, kw_only=True)
class Run:
    """Where the text came from: the commit, the workflow run, and the artifact with the full plan."""

    sha: str
    run_url: str
    artifact: str = ""  # its name
    artifact_url: str = ""  # its download link, when known; else the run's page lists it

    def artifact_note(self, limit: str = f"GitHub's limit of {GITHUB_LIMIT:,} characters") -> str:
        where = f"[{self.artifact}]({self.artifact_url})" if self.artifact_url else \
            f"**{escape(self.artifact)}** of [the workflow run]({self.run_url})"
        what = f"the artifact {where}" if self.artifact else f"[the workflow run]({self.run_url})"
        return (f"> [!NOTE]\n> Cut to fit {limit}: the full plan "
                f"(plan.md, plan.json) is in {what}.\n")


@dataclass(frozen=True, kw_only=True)
class Step:
    """A command the text reports on: its exit code (None: it did not run) and its output."""

    exit: int | None
    log: str = ""


def is_plan(doc: Any) -> bool:
    """A plan's JSON view (not validate's report, which plan prints for invalid task files)."""
    return isinstance(doc, dict) and isinstance(doc.get("summary"), dict) and isinstance(doc.get("changes"), list)


def has_changes(doc: dict[str, Any]) -> bool:
    return bool(doc["changes"])


def has_deletes(doc: dict[str, Any]) -> bool:
    return any("delete" in c.get("actions", [c.get("action")]) for c in doc["changes"])


def exit_text(code: int | None) -> str:
    """" (exit 1)", or nothing when the exit code is not known."""
    return "" if code is None else f" (exit {code})"


def fenced(text: str) -> str:
    """Text shown as it is, in a fence longer than any run of tildes inside it."""
    longest = max((len(m) for m in re.findall(r"~+", text)), default=0)
    fence = "~" * max(4, longest + 1)
    return f"{fence}text\n{text.rstrip()}\n{fence}\n"


def tail(text: str, room: int) -> str:
    """The end of a long log (where the summary is), whole lines, saying how much is left out."""
    if len(text) <= room:
        return text
    kept = text[len(text) - room:].split("\n", 1)[-1]
    return f"… {text[: len(text) - len(kept)].count(chr(10))} earlier lines are in the workflow run\n{kept}"


def plan_comment(*, target: str, run: Run, validate: Step, plan: Step, doc: dict[str, Any] | None) -> str:
    """The pull request's comment: the plan, or why there is none (an older plan must not look current)."""
    head = f"{marker('plan', target)}\n"
    sha = escape(run.sha[:7])
    where = f"**{escape(target)}**"
    if validate.exit not in (None, 0):
        problems = "\n".join(line for line in validate.log.splitlines() if not line.startswith("::"))
        text = (f"**No plan for {sha} on {escape(target)}: the task files are invalid.** An earlier plan shown here is "
                f"out of date.\n\n`reconciler validate` reported:\n\n{fenced(tail(problems, 20_000) or 'nothing')}\n"
                f"[Workflow run]({run.run_url})\n")
        return _fit(head + text, run)
    if doc is None:
        error = tail(plan.log.strip(), 20_000) or "plan did not run or printed nothing; see the workflow run."
        text = (f"**No plan for {sha} on {escape(target)}: `reconciler plan` failed{exit_text(plan.exit)}.** An earlier plan "
                f"shown here is out of date.\n\n{fenced(error)}\n[Workflow run]({run.run_url})\n")
        return _fit(head + text, run)
    trailer = ""
    if plan.exit not in (None, 0, 2) and plan.log.strip():
        trailer = f"\n**reconciler plan exited {plan.exit}:**\n\n{fenced(tail(plan.log.strip(), 10_000))}"
    lead = f"Plan for {sha} on {where} ([workflow run]({run.run_url})):\n\n"
    return _with_plan(head + lead, doc, trailer, run)


def drift_issue(*, target: str, run: Run, doc: dict[str, Any], branch: str) -> tuple[str, str]:
    """The drift issue's title and body: what apply would change to bring the portal back to `branch`."""
    title = f"Portal drift: {target} no longer matches tasks.d on {branch}"
    lead = (f"The portal of **{escape(target)}** no longer matches `tasks.d` on {escape(branch)} "
            f"(checked at {escape(run.sha[:7])}, [workflow run]({run.run_url})). Someone changed tasks on the portal "
            f"by hand, or an apply did not finish. Merge a change to `tasks.d`, or run the apply workflow, to "
            f"bring it back; this issue closes itself at the first check that finds it in sync.\n\n")
    return title, _with_plan(f"{marker('drift', target)}\n" + lead, doc, "", run)


def drift_invalid(*, target: str, run: Run, report: str, branch: str) -> tuple[str, str]:
    """The drift issue while the task files on `branch` are invalid: no drift check can run, and
    no apply either, so it is reported where drift is watched."""
    title = f"Portal drift check: {target} cannot be checked, the task files on {branch} are invalid"
    text = (f"{marker('drift', target)}\n**The task files on {escape(branch)} are invalid**, so the portal of "
            f"**{escape(target)}** could not be compared with them (checked at {escape(run.sha[:7])}, "
            f"[workflow run]({run.run_url})), and an apply would fail too. Fix them; this issue then shows the drift, "
            f"if any, or closes itself.\n\n`reconciler validate` reported:\n\n{fenced(tail(report, 50_000))}")
    return title, _fit(text, run)


def in_sync_again(*, target: str, run: Run, body: str) -> str:
    """The drift issue's body as it is closed: the last drift kept below, for the record."""
    note = (f"**In sync again**: the check at {escape(run.sha[:7])} ([workflow run]({run.run_url})) found the "
            f"portal of **{escape(target)}** matching `tasks.d`.\n\n<details><summary>The last drift seen</summary>"
            "\n\n")
    rest = body.split("\n", 1)[1] if "\n" in body else ""
    old, _ = cut(rest, GITHUB_LIMIT - len(note) - 200, "*(cut)*\n")
    return _fit(f"{marker('drift', target)}\n{note}{old.rstrip()}\n\n</details>\n", run)


def apply_comment(*, target: str, run: Run, applied: Step) -> str:
    """The merged pull request's comment: whether the apply of its merge commit went through, and its output."""
    sha = escape(run.sha[:7])
    if applied.exit == 0:
        verdict = f"**Applied {sha} to {escape(target)}**: the portal matches `tasks.d`."
    elif applied.exit is None:
        verdict = f"**Apply of {sha} to {escape(target)} did not run**: see the workflow run."
    else:
        verdict = f"**Apply of {sha} to {escape(target)} failed (exit {applied.exit})**: some changes may be left."
    log = fenced(tail(applied.log.strip(), GITHUB_LIMIT - 4_000)) if applied.log.strip() else ""
    body = f"{marker('apply', target)}\n{verdict} ([workflow run]({run.run_url}))\n\n{log}"
    return _fit(body, run)


def _with_plan(lead: str, doc: dict[str, Any], trailer: str, run: Run) -> str:
    """`lead`, the plan in what room is left, `trailer`; the note when the plan had to be cut."""
    room = GITHUB_LIMIT - len(lead) - len(trailer) - len(run.artifact_note()) - _HEADROOM
    shown = render_dict(doc, limit=max(room, 1_000))
    whole = shown == render_dict(doc, limit=None)
    text = lead + shown + trailer
    return _fit(text, run) if whole else _fit(text, run, forced=True)


def _fit(text: str, run: Run, *, forced: bool = False) -> str:
    note = run.artifact_note()
    fitted, was_cut = cut(text, GITHUB_LIMIT, note)
    if forced and not was_cut:
        fitted = f"{fitted.rstrip(chr(10))}\n\n{note}"
    return fitted
