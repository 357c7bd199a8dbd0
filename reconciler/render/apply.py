"""The views of `apply`: the JSON report (`apply --format json`), and the text lines printed as
each change finishes, the summary and the convergence line, all rendered from JSON forms: an
outcome's entry of the report, the report's lists, and the plan read after applying.

    {
      "format_version": "1",
      "portal": str, "owner": str,
      "applied": bool,            # false when nothing was attempted (plan errors, no changes)
      "summary": {"succeeded": int, "failed": int, "skipped": int},
      "outcomes": [{"name", "owner", "actions": [str], "done": [str], "ok": bool,
                    "task_id": str | null, "error": str | null, "skipped": str | null}],
      "errors": [str],            # the plan's errors (nothing was applied)
      "converged": bool,          # the plan read afterwards has no change and no error
      "remaining": [{"name", "owner", "actions": [str]}]
    }

Outcome errors are masked by the executor, the plans by the planner; nothing is masked here.
"""

from __future__ import annotations

import json
from typing import Any

from reconciler.applying.outcomes import ApplyResult, Outcome
from reconciler.planning.plan import Action, Change, Plan
from reconciler.render.version import FORMAT_VERSION


def outcome_to_dict(outcome: Outcome) -> dict[str, Any]:
    return {
        "name": outcome.change.name,
        "owner": outcome.change.owner,
        "actions": [a.value for a in outcome.change.actions],
        "done": [a.value for a in outcome.done],
        "ok": outcome.ok,
        "task_id": outcome.task_id,
        "error": outcome.error,
        "skipped": outcome.skipped_reason,
    }


def change_to_dict(change: Change) -> dict[str, Any]:
    """A change still to make (`remaining`; the changes Ctrl-C left unstarted)."""
    return {"name": change.name, "owner": change.owner, "actions": [a.value for a in change.actions]}


def report_to_dict(plan: Plan, result: ApplyResult | None, after: Plan | None) -> dict[str, Any]:
    """`apply --format json`: what was attempted, how it went, and whether the portal converged."""
    return {
        "format_version": FORMAT_VERSION,
        "portal": plan.portal,
        "owner": plan.owner,
        "applied": result is not None,
        "summary": {
            "succeeded": len(result.succeeded) if result else 0,
            "failed": len(result.failed) if result else 0,
            "skipped": len(result.skipped) if result else 0,
        },
        "outcomes": [outcome_to_dict(o) for o in result.outcomes] if result else [],
        "errors": [d.message for d in plan.errors],
        "converged": after is not None and after.nothing_to_do,
        "remaining": [] if after is None else [change_to_dict(c) for c in after.changes],
    }


def render_json(report: dict[str, Any]) -> str:
    return json.dumps(report, indent=2, ensure_ascii=False)


SAVED_PLAN_CURRENT = "The saved plan {path} is up to date: applying it."
NOTHING_APPLIED = "Nothing applied: the plan has errors (above). Fix them and run apply again."
CANCELLED = "Apply cancelled; nothing was changed."
NO_LOCK = ("warning: --no-lock: applying without the apply lock; another apply of this project may write to "
           "the portal at the same time")
REMOVING_COPIES = "Reading the portal back found identical copies of tasks; removing them (the oldest stays):"


def progress(outcome: dict[str, Any], done: int, total: int) -> str:
    """The line printed as a change finishes, with how many of the plan's changes are done: on
    the change's own line, before the lines of a failure's details and hint."""
    first, newline, rest = outcome_line(outcome).partition("\n")
    return f"{first} [{done}/{total}]{newline}{rest}"


def _who(item: dict[str, Any]) -> str:
    return f"{item['name']} ({item['owner']})"


def _past(actions: list[str]) -> str:
    return " and ".join(Action(a).past for a in actions)


def _todo(item: dict[str, Any]) -> str:
    """`~ update, enable nightly (publisher)`: a change not (yet) made."""
    return f"{Action(item['actions'][0]).symbol} {', '.join(item['actions'])} {_who(item)}"


def outcome_line(outcome: dict[str, Any]) -> str:
    """One line per finished change, e.g. `+ created nightly-buffer (publisher)`."""
    if outcome["skipped"] is not None:
        return f"= skipped {_who(outcome)}: {outcome['skipped']}"
    if outcome["ok"]:
        return f"{Action(outcome['actions'][0]).symbol} {_past(outcome['actions'])} {_who(outcome)}"
    failed = outcome["actions"][len(outcome["done"])]
    after = f" after it was {_past(outcome['done'])}" if outcome["done"] else ""
    return f"x failed to {failed} {_who(outcome)}{after}: {outcome['error']}"


def summary(outcomes: list[dict[str, Any]], *, blocked: bool,
            not_started: list[dict[str, Any]] | None = None) -> str:
    """The counts and every change that did not succeed. `blocked`: the plan had blocked
    changes (each is among the skipped); `not_started` after Ctrl-C."""
    failed = [o for o in outcomes if not o["ok"] and o["skipped"] is None]
    skipped = [o for o in outcomes if o["skipped"] is not None]
    counts = f"{sum(o['ok'] for o in outcomes)} succeeded, {len(failed)} failed, {len(skipped)} skipped"
    if not_started is None:
        lines = [f"Apply complete: {counts}."]
    else:
        lines = [f"Apply interrupted: {counts}, {len(not_started)} not started."]
    if failed:
        lines.append("Failed (the portal's message):")
        lines += [f"  {_who(o)}: {o['error']}" for o in failed]
    if skipped:
        lines.append("Skipped (nothing was attempted):")
        lines += [f"  {_who(o)}: {o['skipped']}" for o in skipped]
        if blocked:
            lines.append("  Resolve the reason (e.g. wait for the run to finish, or pass --allow-active-runs) "
                         "and run apply again.")
    if not_started:
        lines.append("Not started (Ctrl-C came first):")
        lines += [f"  {_todo(c)}" for c in not_started]
    if failed or not_started:
        lines.append("Fix what the portal reported and run apply again; it continues from where the portal is now."
                     if failed else "Run apply again; it continues from where the portal is now.")
    return "\n".join(lines)


def convergence(after: dict[str, Any]) -> str:
    """The line after applying, from the JSON form of the plan read afterwards."""
    if not after["changes"] and not after["errors"] and after.get("only"):
        return f"The tasks matching {', '.join(after['only'])} now match tasks.d (a partial apply: --only)."
    if not after["changes"] and not after["errors"] and after.get("withheld"):
        return f"The portal now matches tasks.d, except what --no-delete holds back: {', '.join(after['withheld'])}."
    if not after["changes"] and not after["errors"] and after.get("retired"):
        kept = after["retired"]
        return (f"The portal now matches tasks.d; {', '.join(kept)}, not declared there, "
                f"{'stays' if len(kept) == 1 else 'stay'} disabled (on_remove: disable).")
    if not after["changes"] and not after["errors"]:
        return "The portal now matches tasks.d."
    lines = ["The portal does not match tasks.d yet; still to do:"]
    lines += [f"  {_todo(c)}" for c in after["changes"]]
    lines += [f"  error: {d['message']}" for d in after["errors"]]
    return "\n".join(lines)

