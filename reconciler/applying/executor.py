"""Carry out a Plan on a portal: each change's actions in order, independent changes in parallel.

A change is the unit of work: its actions (e.g. UPDATE then ENABLE) run in order on one worker,
and a failure stops only that change. Changes that only free active-task quota (disable, delete)
run first, so creates and enables that count against the quota find it free.

A task moving to another owner is the exception: its two changes are one unit on one worker
(run_move). The DELETE of the old copy names the task it waits for (`Change.waits_for`); the
new copy's change (CREATE then ENABLE: the copy is created paused) runs up to its ENABLE, then
the old copy is deleted, then the new one is enabled. So a failed create never loses the task,
and an old copy that cannot be deleted never leaves two active copies: the new one stays paused
(and its change is reported failed) until a later apply deletes the old one. Blocked changes are
not attempted. PortalClient is thread-safe (one session; token refresh under a lock), so every
worker shares it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor, as_completed

from reconciler.applying.outcomes import ApplyResult, Interrupted, Outcome
from reconciler.defaults import DEFAULT_PARALLELISM
from reconciler.errors import ReconcilerError
from reconciler.masking import mask_output
from reconciler.planning.plan import Action, Change, Key, Plan
from reconciler.portal.protocol import Portal

_FREES_QUOTA = frozenset({Action.DISABLE, Action.DELETE})
Move = tuple[Change, tuple[Change, ...]]  # (the task under its new owner, the DELETEs of its old copies)
Work = Change | Move
KEPT = "kept: {what} did not happen, so the task stays under {owner}"
NOT_ENABLED = ("left paused: the old copy under {owner} could not be deleted, and two active copies would both run; "
               "the next apply enables it once the old copy is gone")


def phases(changes: Iterable[Change]) -> tuple[tuple[Change, ...], tuple[Work, ...], tuple[Change, ...]]:
    """(changes that only disable or delete, the rest with each move as one unit, the old
    copies whose move cannot run here: the change of their new copy is not among `changes`).

    The first free quota for the second.
    """
    changes = tuple(changes)
    waiting: dict[Key, list[Change]] = {}
    for change in changes:
        key = awaited(change)
        if key is not None:
            waiting.setdefault(key, []).append(change)
    first: list[Change] = []
    second: list[Work] = []
    for change in changes:
        if awaited(change) is not None:
            continue
        # The new copy's change is never a lone DELETE: that is a duplicate copy's, of the same key.
        olds = waiting.pop(change.key, []) if change.actions != (Action.DELETE,) else []
        if olds:
            second.append((change, tuple(olds)))
        else:
            (first if set(change.actions) <= _FREES_QUOTA else second).append(change)
    return tuple(first), tuple(second), tuple(c for olds in waiting.values() for c in olds)


def awaited(change: Change) -> Key | None:
    """The key of the task that `change`, a DELETE of a moved task's old copy, waits for:
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
    frees, rest, orphans = phases(runnable)
    in_plan = {c.key for c in plan.changes if awaited(c) is None}
    for old in orphans:
        if old.waits_for in in_plan:  # its new copy's change is blocked: the move waits whole
            name, owner = old.waits_for or ("", "")
            report(Outcome(change=old, ok=False, task_id=old.task_id,
                           skipped_reason=KEPT.format(what=f"changing {name} ({owner})", owner=old.owner)))
        else:  # the new copy needs nothing (settled already): a plain delete
            frees = (*frees, old)
    work: Callable[[Work], tuple[Outcome, ...]] = lambda w: _run(w, portal, secrets)  # noqa: E731
    submitted: list[Future[tuple[Outcome, ...]]] = []
    with ThreadPoolExecutor(max_workers=parallelism, thread_name_prefix="apply") as pool:
        try:
            for phase in (frees, rest):
                _run_phase(pool, phase, work, report, submitted)
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


def _run(work: Work, portal: Portal, secrets: tuple[str, ...]) -> tuple[Outcome, ...]:
    if isinstance(work, tuple):
        return run_move(*work, portal, secrets)
    return (run_change(work, portal, secrets),)


def run_move(new: Change, olds: tuple[Change, ...], portal: Portal,
             secrets: tuple[str, ...] = ()) -> tuple[Outcome, ...]:
    """A move as one unit: `new`'s actions up to its ENABLE, the DELETE of each old copy, then
    the ENABLE. Outcomes in the order they end."""
    task_id, done = new.task_id, list[Action]()
    gone: list[Outcome] | None = None
    for action in new.actions:
        if action is Action.ENABLE and gone is None:
            gone = [run_change(old, portal, secrets) for old in olds]
            stuck = [o.change.owner for o in gone if not o.ok]
            if stuck:
                return (*gone, Outcome(change=new, ok=False, task_id=task_id, done=tuple(done),
                                       error=NOT_ENABLED.format(owner=", ".join(stuck))))
        try:
            task_id = _act(action, new, task_id, portal)
        except ReconcilerError as e:
            failed = Outcome(change=new, ok=False, task_id=task_id, done=tuple(done), error=_masked(e, secrets))
            if gone is not None:
                return (*gone, failed)
            what = f"{action.value[:-1]}ing {new.name} ({new.owner})"  # creating, updating, ...
            return (failed, *(Outcome(change=old, ok=False, task_id=old.task_id,
                                      skipped_reason=KEPT.format(what=what, owner=old.owner)) for old in olds))
        done.append(action)
    if gone is None:
        gone = [run_change(old, portal, secrets) for old in olds]
    return (*gone, Outcome(change=new, ok=True, task_id=task_id, done=tuple(done)))


def _run_phase(
    pool: ThreadPoolExecutor,
    items: tuple[Work, ...] | tuple[Change, ...],
    work: Callable[[Work], tuple[Outcome, ...]],
    report: Callable[[Outcome], None],
    submitted: list[Future[tuple[Outcome, ...]]],
) -> None:
    pending = [pool.submit(work, item) for item in items]
    submitted.extend(pending)
    for future in as_completed(pending):  # each future once: waiting on all pending again is quadratic
        for outcome in future.result():
            report(outcome)


def _report_finished(submitted: list[Future[tuple[Outcome, ...]]], outcomes: list[Outcome],
                     report: Callable[[Outcome], None]) -> None:
    reported = {id(o.change) for o in outcomes}
    for future in submitted:
        if future.done() and not future.cancelled() and future.exception() is None:
            for outcome in future.result():
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
            return Outcome(change=change, ok=False, task_id=task_id, done=tuple(done), error=_masked(e, secrets))
        done.append(action)
    return Outcome(change=change, ok=True, task_id=task_id, done=tuple(done))


def _masked(error: ReconcilerError, secrets: tuple[str, ...]) -> str:
    return mask_output(str(error), secret_values=secrets, credentials=secrets)


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
