"""The plan: what `apply` would change on the portal, as pure data.

Built only by reconciler.planning.planner; rendered by reconciler.render (text, Markdown, JSON are views
of this, and show nothing the JSON view lacks); carried out by reconciler.applying.executor.

Invariants:
- A Change exists only for a task that needs at least one action; unchanged tasks are counted
  in `Plan.unchanged` (their names), never listed as changes.
- `Change.actions` is ordered as the executor must run it, e.g. (UPDATE, ENABLE). DELETE stands
  alone; so does CREATE, except for a task moving to another owner: (CREATE, ENABLE), created
  paused and enabled once its old copy is deleted. `task_id` is None iff the first action is CREATE.
- `Change.desired` is what create/update send (it may hold secret values and is never
  rendered); it is None iff the actions are only DELETE, ENABLE or DISABLE.
- `FieldChange.before`/`after` are display values with secrets already masked (masking.SECRET_MASK),
  so a Plan can be rendered and saved without leaking them: by path (fields at a secret path)
  and by value (any string holding a secret value known in the run, wherever it is); Diagnostic
  messages and hints are masked by value too. See reconciler.planning.compare for the one known gap.
- `waits_for` is set only on the DELETE of a task moving to another owner (its old copy); apply
  carries the move out as one unit (reconciler.applying.executor), and a blocked half blocks both.
- `reason` strings are for people only; nothing decides on them. `blocked` is a decision:
  apply skips (and reports) a blocked change, e.g. a task with a run executing.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, NamedTuple

from reconciler.model import Severity, SourceRef, TaskFields


class Key(NamedTuple):
    """A task's identity on the portal: its name (the title without the ownership mark) and its
    owner. Two managed tasks with one key are duplicates."""

    name: str
    owner: str


class Action(str, enum.Enum):
    CREATE = "create"
    UPDATE = "update"
    ENABLE = "enable"
    DISABLE = "disable"
    DELETE = "delete"

    @property
    def symbol(self) -> str:
        return _SYMBOLS[self]

    @property
    def past(self) -> str:
        """The past participle every view uses: "created", "updated", ..."""
        return _PAST[self]


_SYMBOLS = {
    Action.CREATE: "+",
    Action.UPDATE: "~",
    Action.ENABLE: ">",
    Action.DISABLE: "!",
    Action.DELETE: "-",
}
_PAST = {
    Action.CREATE: "created",
    Action.UPDATE: "updated",
    Action.ENABLE: "enabled",
    Action.DISABLE: "disabled",
    Action.DELETE: "deleted",
}

SUMMARY_KEYS = (*(a.value for a in Action), "unchanged")  # the summary's keys, in Action order


@dataclass(frozen=True, kw_only=True)
class FieldChange:
    """One field's before/after. `path` is dotted ("schedule", "parameters.x.distance");
    before/after are JSON values (None when absent), masked when `secret`."""

    path: str
    before: Any
    after: Any
    secret: bool = False


@dataclass(frozen=True, kw_only=True)
class Diagnostic:
    """An error or warning found while planning; `name`/`owner` say which task it concerns
    (None for the plan as a whole). Errors block apply."""

    severity: Severity
    message: str
    hint: str | None = None
    name: str | None = None
    owner: str | None = None
    source: SourceRef | None = None


@dataclass(frozen=True, kw_only=True)
class ZoneView:
    """A create or update of a task written in local time: its schedule as written, the zones,
    what is sent (compiled for the scheduler's zone at the plan's now), and when and to what the
    compiled form next changes (a daylight-saving change; UTC ISO 8601, None: not within a year)."""

    local: str
    zone: str
    scheduler_zone: str
    compiled: str
    next_change: str | None = None
    next_compiled: str | None = None


@dataclass(frozen=True, kw_only=True)
class Notice:
    """Information, not a change: e.g. a daylight-saving change within dst_notice_days."""

    name: str
    owner: str
    message: str


@dataclass(frozen=True, kw_only=True)
class Change:
    name: str
    owner: str
    actions: tuple[Action, ...]
    task_id: str | None
    fields: tuple[FieldChange, ...] = ()
    reason: str = ""
    desired: TaskFields | None = None
    next_fires_before: tuple[str, ...] = ()  # UTC ISO 8601 "...Z"; empty when not relevant
    next_fires_after: tuple[str, ...] = ()
    source: SourceRef | None = None
    blocked: str | None = None  # why apply must not carry this change out (e.g. a run is executing)
    # For the DELETE of a task moving to another owner (renamed or not): the key of the task under
    # its new owner, whose change (a CREATE, or what finishes an earlier move) must succeed first,
    # so a failed create never loses the task.
    waits_for: Key | None = None
    # For the DELETE of an identical duplicate: the id of the copy the plan keeps (apply removes
    # such copies it finds when it reads the portal back).
    duplicate_of: str | None = None
    zone: ZoneView | None = None  # a create or update of a task written in local time

    @property
    def key(self) -> Key:
        return Key(self.name, self.owner)

    @property
    def action(self) -> Action:
        """The primary action (the first)."""
        return self.actions[0]


@dataclass(frozen=True, kw_only=True)
class UnmanagedTask:
    """A portal task without this project's mark: listed, never touched. `managed_by` names the
    project whose reconciler mark it carries ("" for the plain mark of runs without a project),
    None for a task no reconciler manages."""

    id: str
    owner: str
    title: str
    task_type: str
    active: bool
    managed_by: str | None = None


@dataclass(frozen=True, kw_only=True)
class LoadSeries:
    """The fire times on one GP service or federated server (`url`) over the load window:
    `buckets` are (quarter-hour index from Load.start, fire times in it), non-zero ones in order."""

    url: str
    tasks: int
    fires: int
    buckets: tuple[tuple[int, int], ...]


@dataclass(frozen=True, kw_only=True)
class Load:
    """When the planned tasks will fire (reconciler.planning.load): every GPService task active
    once the plan is applied, over `days` from the plan's now, in quarter-hour buckets counted from
    `start` (now, to the hour). A task's fire times past `cap` in the window are not counted
    (`capped` names those tasks)."""

    start: str  # UTC ISO "Z"
    days: int
    bucket_minutes: int
    cap: int
    capped: tuple[str, ...]
    servers: tuple[LoadSeries, ...]
    services: tuple[LoadSeries, ...]


@dataclass(frozen=True, kw_only=True)
class Plan:
    """Everything `plan` found. `observed` fingerprints the managed portal tasks the plan was
    built from and `desired` the task definitions (secret values left out, their paths in), so
    `apply PLANFILE` can refuse a stale plan."""

    changes: tuple[Change, ...]
    unchanged: tuple[str, ...]
    unmanaged: tuple[UnmanagedTask, ...]
    diagnostics: tuple[Diagnostic, ...]
    observed: str
    desired: str
    portal: str  # the Sharing API root the plan was made against, or "emulator"
    owner: str  # the default owner (the signed-in user unless --owner)
    mark: str  # the ownership mark in managed titles
    only: tuple[str, ...] = ()  # --only patterns: a partial plan (empty: every task)
    withheld: tuple[str, ...] = ()  # names that differ from tasks.d but --no-delete holds back
    retired: tuple[str, ...] = ()  # names not in tasks.d that stay disabled (on_remove: disable, paused already)
    load: Load | None = None  # when the planned tasks fire; None: not computed (a plan made by hand)
    notices: tuple[Notice, ...] = ()  # information only, e.g. a daylight-saving change coming up

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(SUMMARY_KEYS, 0)
        for change in self.changes:
            for action in change.actions:
                counts[action.value] += 1
        counts["unchanged"] = len(self.unchanged)
        return counts

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity is Severity.WARNING)

    @property
    def is_empty(self) -> bool:
        return not self.changes

    @property
    def nothing_to_do(self) -> bool:
        """No change and no error: read after an apply, the portal matches (an error, e.g.
        duplicate managed titles, means the planner left something alone)."""
        return self.is_empty and not self.errors
