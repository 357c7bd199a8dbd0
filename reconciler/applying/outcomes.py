"""What became of each change of an applied plan: the records the executor produces and every
apply view (reconciler.render.apply) reads."""

from __future__ import annotations

from dataclasses import dataclass

from reconciler.planning.plan import Action, Change


@dataclass(frozen=True, kw_only=True)
class Outcome:
    """What became of one change. `ok` iff every action succeeded; `done` lists the actions that
    succeeded (a failed UPDATE+ENABLE may have done the UPDATE); `error` is the portal's message
    (secrets masked); `skipped_reason` is set, and nothing was attempted, for a blocked change."""

    change: Change
    ok: bool
    task_id: str | None
    done: tuple[Action, ...] = ()
    error: str | None = None
    skipped_reason: str | None = None


@dataclass(frozen=True, kw_only=True)
class ApplyResult:
    outcomes: tuple[Outcome, ...]

    @property
    def succeeded(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if o.ok)

    @property
    def failed(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if not o.ok and o.skipped_reason is None)

    @property
    def skipped(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if o.skipped_reason is not None)

    @property
    def ok(self) -> bool:
        return all(o.ok for o in self.outcomes)


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during execute, after the changes in flight finished: `result` has their outcomes
    (already passed to on_outcome); `not_started` the changes never attempted."""

    def __init__(self, result: ApplyResult, not_started: tuple[Change, ...]) -> None:
        super().__init__()
        self.result = result
        self.not_started = not_started
