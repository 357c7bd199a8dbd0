"""`reconciler apply [PLANFILE]`: carry out a plan, report each change, then confirm convergence.

Without PLANFILE: plan, show it, ask (or --auto-approve), apply. With PLANFILE: recompute the
plan from tasks.d/ and the portal with the saved options, refuse it if anything it was based on
changed ("plan is stale, run plan again"), otherwise apply it without asking. Either way the
portal is read again afterwards and the command says whether it now matches tasks.d/.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timezone
from typing import Any

from reconciler.applying import executor as applier, planfile
from reconciler.applying.executor import ApplyResult, Outcome
from reconciler.commands.plan import Echo, Request, compute, load_and_plan
from reconciler.connection import Connect, Connection
from reconciler.errors import ReconcilerError
from reconciler.masking import mask_words
from reconciler.planning.plan import Action, Change, Plan
from reconciler.render import render

Confirm = Callable[[str], bool]
PROMPT = "Apply these changes to the portal? Only 'yes' is accepted: "
NO_TERMINAL = "refusing to apply without confirmation on a non-terminal; pass --auto-approve"
_PAST = {Action.CREATE: "created", Action.UPDATE: "updated", Action.ENABLE: "enabled",
         Action.DISABLE: "disabled", Action.DELETE: "deleted"}


def run(
    request: Request,
    *,
    connect: Connect,
    plan_file: str | None,
    auto_approve: bool,
    confirm: Confirm | None,
    parallelism: int,
    fmt: str,
    color: bool,
    echo: Echo,
    echo_err: Echo,
    now: datetime | None = None,
) -> int:
    saved = planfile.read(plan_file) if plan_file else None
    if saved is not None:
        request = replace(request, tasks_dir=saved.tasks_dir, mark=saved.mark, options=saved.options)
        now = saved.created  # recompute exactly as planned (next fire times, expiry warnings)
    now = now or datetime.now(timezone.utc)
    out = echo if fmt == "text" else echo_err  # --format json: stdout carries only the report
    with connect() as connection:
        planned = load_and_plan(request, connection, now=now, fmt=fmt, echo=echo, note=out, warn=out)
        if planned is None:
            return 1
        loaded, plan = planned
        secrets = loaded.secret_values + connection.secrets
        if saved is not None:
            planfile.check_fresh(saved, plan)
            out(f"The saved plan {plan_file} is up to date: applying it.")
        else:
            out(mask_words(render(plan, "text", color=color), secrets))
        if plan.errors:
            out("Nothing applied: the plan has errors (above). Fix them and run apply again.")
            return _finish(fmt, echo, plan, None, None, code=1)
        if plan.is_empty:
            if saved is not None:
                out("No changes. The portal matches tasks.d.")
            return _finish(fmt, echo, plan, None, plan, code=0)
        if saved is None and not auto_approve and not _confirmed(confirm, out):
            return 1
        result = _execute(plan, connection, parallelism=parallelism, secrets=secrets, out=out)
        out(summary(result))
        after = compute(connection, loaded.specs, request, now=datetime.now(timezone.utc), secrets=loaded.secret_values)
        out(convergence(after))
    code = 0 if result.ok and converged(after) else 1
    return _finish(fmt, echo, plan, result, after, code=code)


def _confirmed(confirm: Confirm | None, out: Echo) -> bool:
    """Raises: ReconcilerError when there is no terminal to ask on."""
    if confirm is None:
        raise ReconcilerError(NO_TERMINAL)
    if confirm(PROMPT):
        return True
    out("Apply cancelled; nothing was changed.")
    return False


def _execute(plan: Plan, connection: Connection, *, parallelism: int, secrets: tuple[str, ...], out: Echo) -> ApplyResult:
    """Apply `plan`, one line per finished change. The applier masks `secrets` in each outcome's
    error (the only text here that comes from the portal), so nothing is masked again here."""
    total = len(plan.changes)
    finished: list[Outcome] = []

    def on_outcome(outcome: Outcome) -> None:
        finished.append(outcome)
        out(outcome_line(outcome) + f" [{len(finished)}/{total}]")

    try:
        return applier.execute(plan, connection.portal, parallelism=parallelism, on_outcome=on_outcome,
                               secrets=secrets)
    except applier.Interrupted as stopped:
        out(summary(stopped.result, not_started=stopped.not_started))
        raise  # the CLI's funnel: "Interrupted (^C)", exit 130


def _who(change: Change) -> str:
    return f"{change.name} ({change.owner})"


def outcome_line(outcome: Outcome) -> str:
    """One line per finished change, e.g. `+ created nightly-buffer (publisher)`."""
    change = outcome.change
    if outcome.skipped_reason is not None:
        return f"= skipped {_who(change)}: {outcome.skipped_reason}"
    if outcome.ok:
        verbs = " and ".join(_PAST[a] for a in change.actions)
        return f"{change.action.symbol} {verbs} {_who(change)}"
    failed = change.actions[len(outcome.done)]
    after = f" after it was {' and '.join(_PAST[a] for a in outcome.done)}" if outcome.done else ""
    return f"x failed to {failed.value} {_who(change)}{after}: {outcome.error}"


def summary(result: ApplyResult, *, not_started: tuple[Change, ...] | None = None) -> str:
    """The counts and every change that did not succeed; `not_started` after Ctrl-C."""
    counts = f"{len(result.succeeded)} succeeded, {len(result.failed)} failed, {len(result.skipped)} skipped"
    if not_started is None:
        lines = [f"Apply complete: {counts}."]
    else:
        lines = [f"Apply interrupted: {counts}, {len(not_started)} not started."]
    if result.failed:
        lines.append("Failed (the portal's message):")
        lines += [f"  {_who(o.change)}: {o.error}" for o in result.failed]
    if result.skipped:
        lines.append("Skipped (nothing was attempted):")
        lines += [f"  {_who(o.change)}: {o.skipped_reason}" for o in result.skipped]
        if any(o.change.blocked for o in result.skipped):
            lines.append("  Resolve the reason (e.g. wait for the run to finish, or pass --allow-active-runs) "
                         "and run apply again.")
    if not_started:
        lines.append("Not started (Ctrl-C came first):")
        lines += [f"  {c.action.symbol} {', '.join(a.value for a in c.actions)} {_who(c)}" for c in not_started]
    if result.failed or not_started:
        lines.append("Fix what the portal reported and run apply again; it continues from where the portal is now."
                     if result.failed else "Run apply again; it continues from where the portal is now.")
    return "\n".join(lines)


def converged(after: Plan | None) -> bool:
    """Whether the plan read after applying leaves nothing to do: no change and no error (an
    error, e.g. duplicate managed titles, means the planner left something alone)."""
    return after is not None and after.is_empty and not after.errors


def convergence(after: Plan) -> str:
    if converged(after):
        return "The portal now matches tasks.d."
    lines = ["The portal does not match tasks.d yet; still to do:"]
    lines += [f"  {c.action.symbol} {', '.join(a.value for a in c.actions)} {_who(c)}" for c in after.changes]
    lines += [f"  error: {d.message}" for d in after.errors]
    return "\n".join(lines)


def _finish(fmt: str, echo: Echo, plan: Plan, result: ApplyResult | None, after: Plan | None, *, code: int) -> int:
    if fmt == "json":  # the plans are masked by the planner, the outcomes by the applier
        echo(json.dumps(report_dict(plan, result, after), indent=2, ensure_ascii=False))
    return code


def report_dict(plan: Plan, result: ApplyResult | None, after: Plan | None) -> dict[str, Any]:
    """`apply --format json`: what was attempted, how it went, and whether the portal converged."""
    return {
        "format_version": "1",
        "portal": plan.portal,
        "owner": plan.owner,
        "applied": result is not None,
        "summary": {
            "succeeded": len(result.succeeded) if result else 0,
            "failed": len(result.failed) if result else 0,
            "skipped": len(result.skipped) if result else 0,
        },
        "outcomes": [_outcome(o) for o in result.outcomes] if result else [],
        "errors": [d.message for d in plan.errors],
        "converged": converged(after),
        "remaining": [] if after is None else [
            {"name": c.name, "owner": c.owner, "actions": [a.value for a in c.actions]} for c in after.changes
        ],
    }


def _outcome(o: Outcome) -> dict[str, Any]:
    return {
        "name": o.change.name,
        "owner": o.change.owner,
        "actions": [a.value for a in o.change.actions],
        "done": [a.value for a in o.done],
        "ok": o.ok,
        "task_id": o.task_id,
        "error": o.error,
        "skipped": o.skipped_reason,
    }
