"""Carry out a Plan on a portal: each change's actions in order, independent changes in parallel.

A change is the unit of work: its actions (e.g. UPDATE then ENABLE) run in order on one worker,
and a failure stops only that change. Changes that only free active-task quota (disable, delete)
run first, so creates and enables that count against the quota find it free. A task moving to
another owner (renamed or not) is the exception: the DELETE of its old copy names the CREATE it
waits for (`Change.waits_for`), runs last, and only once that create succeeded, so a failed create
never loses the task. Blocked changes are not attempted. PortalClient is thread-safe (one
session; token refresh under a lock), so every worker shares it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

from reconciler.applying.outcomes import ApplyResult, Interrupted, Outcome
from reconciler.errors import ReconcilerError
from reconciler.masking import mask_output
from reconciler.planning.plan import Action, Change, Key, Plan
from reconciler.portal.protocol import Portal

DEFAULT_PARALLELISM = 4
_FREES_QUOTA = frozenset({Action.DISABLE, Action.DELETE})


def phases(changes: Iterable[Change]) -> tuple[tuple[Change, ...], tuple[Change, ...], tuple[Change, ...]]:
    """(changes that only disable or delete, the rest, deletes that wait for a create).

    The first free quota for the second; the third run after both (see awaited).
    """
    first: list[Change] = []
    second: list[Change] = []
    last: list[Change] = []
    for change in changes:
        if awaited(change) is not None:
            last.append(change)
        else:
            (first if set(change.actions) <= _FREES_QUOTA else second).append(change)
    return tuple(first), tuple(second), tuple(last)


def awaited(change: Change) -> Key | None:
    """The key of the CREATE that `change`, a DELETE of a moved task's old copy, waits for:
    the plan says so in `waits_for` (the planner always does for a move; a saved plan is
    recomputed, never applied as read), so nothing is guessed from names."""
    return change.waits_for if change.actions == (Action.DELETE,) else None


def execute(
    plan: Plan,
    portal: Portal,
    *,
    parallelism: int = DEFAULT_PARALLELISM,
    on_outcome: Callable[[Outcome], None],
    secrets: tuple[str, ...] = (),
) -> ApplyResult:
    """Apply every change of `plan`; `on_outcome` is called (in this thread) as each finishes.

    Raises:
        ValueError: parallelism below 1.
    """
    if parallelism < 1:
        raise ValueError("parallelism must be at least 1")
    outcomes: list[Outcome] = []

    def report(outcome: Outcome) -> None:
        outcomes.append(outcome)
        on_outcome(outcome)

    runnable = []
    for change in plan.changes:
        if change.blocked:
            report(Outcome(change=change, ok=False, task_id=change.task_id, skipped_reason=change.blocked))
        else:
            runnable.append(change)
    frees, rest, waiting = phases(runnable)
    work: Callable[[Change], Outcome] = lambda c: run_change(c, portal, secrets)  # noqa: E731
    submitted: list[Future[Outcome]] = []
    with ThreadPoolExecutor(max_workers=parallelism, thread_name_prefix="apply") as pool:
        try:
            for phase in (frees, rest):
                _run_phase(pool, phase, work, report, submitted)
            _run_phase(pool, _ready(waiting, outcomes, report), work, report, submitted)
        except KeyboardInterrupt:
            # Let running actions finish (no half-written task), start no new ones, and report
            # what the finished ones did.
            pool.shutdown(wait=True, cancel_futures=True)
            _report_finished(submitted, outcomes, report)
            reported = {id(o.change) for o in outcomes}
            not_started = tuple(c for c in runnable if id(c) not in reported)
            raise Interrupted(ApplyResult(outcomes=tuple(outcomes)), not_started) from None
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    return ApplyResult(outcomes=tuple(outcomes))


def _ready(waiting: tuple[Change, ...], outcomes: list[Outcome],
           report: Callable[[Outcome], None]) -> tuple[Change, ...]:
    """The waiting deletes whose create succeeded; the others are reported skipped."""
    created = {o.change.key for o in outcomes if o.ok and o.change.actions[0] is Action.CREATE}
    ready = []
    for change in waiting:
        key = awaited(change)
        if key in created:
            ready.append(change)
        else:
            name, owner = key or ("", "")
            reason = f"kept: creating {name} ({owner}) did not succeed, so the task stays under {change.owner}"
            report(Outcome(change=change, ok=False, task_id=change.task_id, skipped_reason=reason))
    return tuple(ready)


def _run_phase(
    pool: ThreadPoolExecutor,
    changes: tuple[Change, ...],
    work: Callable[[Change], Outcome],
    report: Callable[[Outcome], None],
    submitted: list[Future[Outcome]],
) -> None:
    pending: set[Future[Outcome]] = {pool.submit(work, change) for change in changes}
    submitted.extend(pending)
    while pending:
        finished, pending = wait(pending, return_when=FIRST_COMPLETED)
        for future in finished:
            report(future.result())


def _report_finished(submitted: list[Future[Outcome]], outcomes: list[Outcome],
                     report: Callable[[Outcome], None]) -> None:
    reported = {id(o.change) for o in outcomes}
    for future in submitted:
        if future.done() and not future.cancelled() and future.exception() is None:
            outcome = future.result()
            if id(outcome.change) not in reported:
                report(outcome)


def run_change(change: Change, portal: Portal, secrets: tuple[str, ...] = ()) -> Outcome:
    """Run one change's actions in order; stop at the first failure."""
    task_id = change.task_id
    done: list[Action] = []
    for action in change.actions:
        try:
            task_id = _act(action, change, task_id, portal)
        except ReconcilerError as e:  # PortalError and kin: the portal's words, secrets masked
            return Outcome(change=change, ok=False, task_id=task_id, done=tuple(done),
                           error=mask_output(str(e), secret_values=secrets, credentials=secrets))
        done.append(action)
    return Outcome(change=change, ok=True, task_id=task_id, done=tuple(done))


def _act(action: Action, change: Change, task_id: str | None, portal: Portal) -> str | None:
    owner = change.owner
    if action is Action.CREATE:
        assert change.desired is not None, "a CREATE carries the desired fields"
        return portal.create_task(change.desired, owner)
    assert task_id is not None, f"{action.value} needs a task id"
    if action is Action.UPDATE:
        assert change.desired is not None, "an UPDATE carries the desired fields"
        portal.update_task(task_id, change.desired, owner)
    elif action is Action.ENABLE:
        portal.enable_task(task_id, owner)
    elif action is Action.DISABLE:
        portal.disable_task(task_id, owner)
    elif action is Action.DELETE:
        portal.delete_task(task_id, owner)
    return task_id
