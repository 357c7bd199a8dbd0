"""`reconciler apply [PLANFILE]`: carry out a plan, report each change, then confirm convergence.

Without PLANFILE: plan, show it, ask (or --auto-approve), apply. With PLANFILE: recompute the
plan from tasks.d/ and the portal with the saved options, refuse it if anything it was based on
changed ("plan is stale, run plan again"), otherwise apply it without asking. Either way the
portal is read again afterwards and the command says whether it now matches tasks.d/.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime, timezone

from reconciler.applying import executor, lock
from reconciler.applying.outcomes import ApplyResult, Interrupted, Outcome
from reconciler.commands import Echo, planfile
from reconciler.commands.plan import Request, compute, load_and_plan, portal_now
from reconciler.connection import Connect, Connection
from reconciler.errors import ReconcilerError
from reconciler.masking import mask_output
from reconciler.planning.plan import Plan
from reconciler.render import apply as views
from reconciler.render import render
from reconciler.render.common import in_sync
from reconciler.render.plan_json import plan_to_dict

Confirm = Callable[[str], bool]
PROMPT = "Apply these changes to the portal? Only 'yes' is accepted: "
NO_TERMINAL = "refusing to apply without confirmation on a non-terminal; pass --auto-approve"


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
    lock_timeout: float | None = 0.0,
    now: datetime | None = None,
) -> int:
    """`lock_timeout`: how long to wait for another apply's lock (reconciler.applying.lock);
    None: take no lock (--no-lock)."""
    saved = planfile.read(plan_file) if plan_file else None
    if saved is not None:
        planfile.check_project(saved, mark=request.mark, adopts=request.adopts)
        request = replace(request, tasks_dir=saved.tasks_dir, mark=saved.mark, adopts=saved.adopts, policy=saved.policy)
        now = saved.created  # recompute exactly as planned (next fire times, expiry warnings)
    out = echo if fmt == "text" else echo_err  # --format json: stdout carries only the report
    with connect() as connection, _locked(connection, request.mark, lock_timeout, out):
        now = now or portal_now(connection)
        planned = load_and_plan(request, connection, now=now, fmt=fmt, echo=echo, note=out, warn=out)
        if planned is None:
            return 1
        loaded, plan = planned
        secrets = loaded.secret_values + connection.secrets
        if saved is not None:
            # The schedules of tasks in local time were compiled at the plan's time: stale once a
            # daylight-saving change has passed by the portal's clock.
            zoned = [s for s in loaded.specs if s.zoned is not None]
            planfile.check_fresh(saved, plan, zoned, portal_now(connection) if zoned else None)
            out(views.SAVED_PLAN_CURRENT.format(path=plan_file))
        else:
            out(mask_output(render(plan, "text", color=color), secret_values=loaded.secret_values,
                            credentials=connection.secrets))
        if plan.errors:
            out(views.NOTHING_APPLIED)
            return _finish(fmt, echo, plan, None, None, code=1)
        if plan.is_empty:
            if saved is not None:
                out(in_sync(plan_to_dict(plan)))
            return _finish(fmt, echo, plan, None, plan, code=0)
        if saved is None and not auto_approve and not _confirmed(confirm, out):
            return 1
        result = _execute(plan, connection, parallelism=parallelism, secrets=secrets, out=out)
        out(views.summary([views.outcome_to_dict(o) for o in result.outcomes], blocked=_blocked(plan)))
        after = compute(connection, loaded.specs, request, now=portal_now(connection), secrets=loaded.secret_values)
        copies = _copies_only(after)
        if copies is not None:  # a create that landed twice (e.g. another apply at the same time)
            out(views.REMOVING_COPIES)
            healed = _execute(copies, connection, parallelism=parallelism, secrets=secrets, out=out)
            result = ApplyResult(outcomes=result.outcomes + healed.outcomes)
            after = compute(connection, loaded.specs, request, now=portal_now(connection),
                            secrets=loaded.secret_values)
        out(views.convergence(plan_to_dict(after)))
    code = 0 if result.ok and after.nothing_to_do else 1
    return _finish(fmt, echo, plan, result, after, code=code)


@contextlib.contextmanager
def _locked(connection: Connection, project: str, timeout: float | None, out: Echo) -> Iterator[None]:
    """The apply lock around planning and applying (so no other apply writes in between)."""
    if timeout is None:
        out(views.NO_LOCK)
        yield
        return
    portal = connection.portal
    holder = lock.me(portal.me().username, int(datetime.now(timezone.utc).timestamp() * 1000))
    with lock.held(portal.content(), project=project, holder=holder, timeout=timeout):
        yield


def _confirmed(confirm: Confirm | None, out: Echo) -> bool:
    """Raises: ReconcilerError when there is no terminal to ask on."""
    if confirm is None:
        raise ReconcilerError(NO_TERMINAL)
    if confirm(PROMPT):
        return True
    out(views.CANCELLED)
    return False


def _execute(plan: Plan, connection: Connection, *, parallelism: int, secrets: tuple[str, ...], out: Echo) -> ApplyResult:
    """Apply `plan`, one line per finished change. The executor masks `secrets` in each outcome's
    error (the only text here that comes from the portal), so nothing is masked again here."""
    total = len(plan.changes)
    finished: list[Outcome] = []

    def on_outcome(outcome: Outcome) -> None:
        finished.append(outcome)
        out(views.progress(views.outcome_to_dict(outcome), len(finished), total))

    try:
        return executor.execute(plan, connection.portal, parallelism=parallelism, on_outcome=on_outcome,
                               secrets=secrets)
    except Interrupted as stopped:
        out(views.summary([views.outcome_to_dict(o) for o in stopped.result.outcomes], blocked=_blocked(plan),
                          not_started=[views.change_to_dict(c) for c in stopped.not_started]))
        raise  # the CLI's funnel: "Interrupted (^C)", exit 130


def _finish(fmt: str, echo: Echo, plan: Plan, result: ApplyResult | None, after: Plan | None, *, code: int) -> int:
    if fmt == "json":  # the plans are masked by the planner, the outcomes by the executor
        echo(views.render_json(views.report_to_dict(plan, result, after)))
    return code


def _copies_only(after: Plan) -> Plan | None:
    """The plan read back, when all it still has to do is remove identical duplicates."""
    if after.errors or not after.changes or any(c.duplicate_of is None or c.blocked for c in after.changes):
        return None
    return after


def _blocked(plan: Plan) -> bool:
    return any(c.blocked for c in plan.changes)
