"""The planner: declared tasks + what the portal holds -> Plan. Pure: no I/O, no clock.

Matching is by (owner, name), where a managed portal task's name is its title without the
ownership mark (reconciler.ownership). Everything is looked up in dicts, so planning is linear
in the number of tasks; fire times are computed only for creates and schedule changes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Literal

from reconciler import checks, compare
from reconciler.desired import desired_fields
from reconciler.instants import to_ms
from reconciler.matching import Match, Removal, match_tasks
from reconciler.model import (
    FederatedServer,
    GPTaskInfo,
    PortalUser,
    RemoteRun,
    RemoteTask,
    Severity,
    TaskSpec,
)
from reconciler.ownership import DEFAULT_MARK, name_from_title
from reconciler.plan import Action, Change, Diagnostic, Plan, UnmanagedTask
from reconciler.variables import redact

__all__ = [
    "PortalState",
    "PlanOptions",
    "make_plan",
    "tasks_needing_runs",
    "observed_fingerprint",
    "desired_fingerprint",
]


@dataclass(frozen=True, kw_only=True)
class PortalState:
    """Everything read from the portal; gathered by commands/plan.py."""

    tasks: tuple[RemoteTask, ...]  # every task of every owner involved (managed and unmanaged)
    user: PortalUser  # the signed-in user
    federated_servers: tuple[FederatedServer, ...] = ()
    gp_tasks: Mapping[str, GPTaskInfo | None] = field(default_factory=dict)  # by task_url; None = missing
    active_tasks_available: Mapping[str, int | None] = field(default_factory=dict)  # by owner
    runs: Mapping[str, tuple[RemoteRun, ...]] = field(default_factory=dict)  # by task id, newest first


@dataclass(frozen=True, kw_only=True)
class PlanOptions:
    default_owner: str  # the signed-in user unless --owner
    portal: str  # Sharing API root URL, or "emulator"
    now: datetime  # aware UTC
    mark: str = DEFAULT_MARK
    on_remove: Literal["delete", "disable"] = "delete"
    no_delete: bool = False
    allow_empty: bool = False
    allow_active_runs: bool = False
    # Every secret value known in this run (LoadResult.secret_values): masked wherever it shows
    # up in the plan, even at a path that is not secret (e.g. a secret moved to another key).
    secret_values: tuple[str, ...] = field(default=(), repr=False)


def make_plan(specs: Sequence[TaskSpec], state: PortalState, options: PlanOptions) -> Plan:
    """Compare `specs` with `state` and say what apply would do.

    Args:
        specs: the declared tasks (reconciler.loader), variables resolved.
        state: what the portal holds; `runs` only for the ids tasks_needing_runs() named.
        options: owner, ownership mark, removal policy, guards and the current time.

    Returns:
        The Plan: changes sorted by (owner, name, action), names of unchanged tasks, unmanaged
        tasks, and every error and warning (errors block apply).
    """
    draft = _draft(specs, state, options)
    diagnostics = list(draft.diagnostics)
    changes: list[Change] = []
    for entry in draft.entries:
        change, notes = checks.review(
            entry.change, entry.spec, entry.remote, owner=entry.owner, state=state, now=options.now,
            allow_active_runs=options.allow_active_runs,
        )
        diagnostics.extend(notes)
        if change is not None:
            changes.append(change)
    diagnostics.extend(checks.quota(_with_remotes(changes, draft.entries), state.active_tasks_available))
    secrets = _secrets(specs, options)
    return Plan(
        changes=tuple(sorted((_masked_change(c, secrets) for c in changes), key=_change_key)),
        unchanged=tuple(sorted(e.spec.name for e in draft.entries if e.change is None and e.spec is not None)),
        unmanaged=_unmanaged(draft.unmanaged),
        diagnostics=tuple(sorted((_masked_diagnostic(d, secrets) for d in diagnostics), key=_diagnostic_key)),
        observed=observed_fingerprint(state.tasks, mark=options.mark),
        desired=desired_fingerprint(specs),
        portal=options.portal,
        owner=options.default_owner,
        mark=options.mark,
    )


def tasks_needing_runs(specs: Sequence[TaskSpec], state: PortalState, options: PlanOptions) -> tuple[str, ...]:
    """Ids of the tasks whose runs make_plan reads: those it would update or delete (a run in
    flight blocks them; a disable does not stop a run, so it is not blocked) and those the
    portal disabled after failed runs (the last run's error is shown)."""
    entries = _draft(specs, state, options).entries
    ids = {e.remote.id for e in entries if e.remote is not None and checks.needs_runs(e.change, e.remote)}
    return tuple(sorted(ids))


@dataclass(frozen=True, kw_only=True)
class _Entry:
    """One task the plan looked at: its change (None: unchanged), spec and portal task."""

    owner: str
    change: Change | None
    spec: TaskSpec | None = None
    remote: RemoteTask | None = None


@dataclass(frozen=True, kw_only=True)
class _Draft:
    entries: tuple[_Entry, ...]
    unmanaged: tuple[RemoteTask, ...]
    diagnostics: tuple[Diagnostic, ...]


def _draft(specs: Sequence[TaskSpec], state: PortalState, options: PlanOptions) -> _Draft:
    """Matching and field diffs; no runs read, no checks (tasks_needing_runs needs only this)."""
    matched = match_tasks(specs, state.tasks, default_owner=options.default_owner, mark=options.mark)
    now_ms = to_ms(options.now)
    entries = [
        _Entry(owner=m.owner, change=_for_match(m, options, now_ms), spec=m.spec, remote=m.remote)
        for m in matched.matches
    ]
    diagnostics = list(matched.diagnostics)
    removals = list(matched.removals)
    guard = _empty_guard(removals, options) if not specs and not options.allow_empty else None
    if guard is not None:
        diagnostics.append(guard)
        removals = []
    for removal in removals:
        entries.extend(_removal(removal, options, diagnostics))
    return _Draft(entries=tuple(entries), unmanaged=matched.unmanaged, diagnostics=tuple(diagnostics))


def _with_remotes(changes: Sequence[Change], entries: Sequence[_Entry]) -> list[tuple[Change, RemoteTask | None]]:
    remotes = {e.remote.id: e.remote for e in entries if e.remote is not None}
    return [(c, remotes.get(c.task_id) if c.task_id else None) for c in changes]


def _for_match(m: Match, options: PlanOptions, now_ms: int | None) -> Change | None:
    spec = m.spec
    desired = desired_fields(spec, mark=options.mark)
    if m.remote is None:
        return Change(
            name=spec.name,
            owner=m.owner,
            actions=(Action.CREATE,),
            task_id=None,
            fields=compare.created_fields(desired, secret_paths=spec.secret_paths),
            reason=m.reason,
            desired=desired,
            next_fires_after=checks.next_fires(desired.schedule, start_ms=desired.start_date, now=options.now),
            source=spec.source,
        )
    remote = m.remote
    fields = compare.field_changes(desired, remote, secret_paths=spec.secret_paths, now_ms=now_ms)
    active = _wanted_active(spec, remote, {f.path for f in fields})
    actions = ((Action.UPDATE,) if fields else ()) + _toggle(remote.active, active)
    if not actions:
        return None
    schedule_changed = any(f.path == "schedule" for f in fields)
    return Change(
        name=spec.name,
        owner=m.owner,
        actions=actions,
        task_id=remote.id,
        fields=fields,
        reason=m.reason,
        desired=replace(desired, active=active) if fields else None,
        next_fires_before=checks.next_fires(remote.schedule, start_ms=remote.start_date, now=options.now)
        if schedule_changed
        else (),
        next_fires_after=checks.next_fires(desired.schedule, start_ms=desired.start_date, now=options.now)
        if schedule_changed
        else (),
        source=spec.source,
    )


def _wanted_active(spec: TaskSpec, remote: RemoteTask, changed: set[str]) -> bool:
    """Whether the task should end up active.

    A task the portal *completed* (taskState "completed": maxOccurrences or endDate reached)
    would complete again at once if enabled unchanged, so it is re-enabled only together with
    an update of its schedule, start, end or max_occurrences (the portal restarts the run count
    for a new schedule); otherwise it stays as it is and checks.review() warns. A task the
    portal disabled after failed runs (taskState "disabled") is enabled again (with a warning).
    """
    if spec.enabled and not remote.active and remote.task_state == checks.COMPLETED:
        return bool(changed & compare.SCHEDULE_PATHS)
    return spec.enabled


def _toggle(is_active: bool, wanted: bool) -> tuple[Action, ...]:
    if wanted and not is_active:
        return (Action.ENABLE,)
    if is_active and not wanted:
        return (Action.DISABLE,)
    return ()


def _removal(r: Removal, options: PlanOptions, diagnostics: list[Diagnostic]) -> list[_Entry]:
    """A managed task no spec keeps: delete, disable (on_remove) or skip (--no-delete)."""
    remote, name, reason, spec = r.remote, r.name, r.reason, r.spec
    source = spec.source if spec is not None else None
    if options.on_remove == "disable":
        if not remote.active:
            return []
        why = f"{reason}; disabling instead of deleting (on_remove: disable)"
        change = Change(name=name, owner=remote.owner, actions=(Action.DISABLE,), task_id=remote.id, reason=why,
                        source=source)
        return [_Entry(owner=remote.owner, change=change, remote=remote)]
    if options.no_delete:
        diagnostics.append(
            Diagnostic(severity=Severity.WARNING, message=f"not deleting {name} (--no-delete)", hint=reason,
                       name=name, owner=remote.owner, source=source)
        )
        return []
    why = f"{reason}; deleting erases the task's run history"
    change = Change(name=name, owner=remote.owner, actions=(Action.DELETE,), task_id=remote.id, reason=why,
                    source=source, waits_for=r.waits_for)
    return [_Entry(owner=remote.owner, change=change, remote=remote)]


def _empty_guard(removals: Sequence[Removal], options: PlanOptions) -> Diagnostic | None:
    """An empty task folder would remove every managed task: refuse, unless nothing would be
    removed (--no-delete, or on_remove: disable with every task already inactive)."""
    if options.on_remove == "disable":
        verb, count = "disable", sum(1 for r in removals if r.remote.active)
    else:
        verb, count = "delete", 0 if options.no_delete else len(removals)
    if not count:
        return None
    return Diagnostic(
        severity=Severity.ERROR,
        message=f"the task folder holds no tasks: refusing to {verb} all {count} managed tasks",
        hint=f"pass --allow-empty to {verb} them all, or check that you pointed at the right folder",
    )


def _secrets(specs: Sequence[TaskSpec], options: PlanOptions) -> tuple[str, ...]:
    """Every secret value of this run: those the caller passed and those of each spec."""
    return tuple(sorted({*options.secret_values, *(v for s in specs for v in checks.secret_values(s))}))


def _masked_change(change: Change, secrets: tuple[str, ...]) -> Change:
    if not secrets:
        return change
    fields = tuple(
        replace(f, before=compare.mask_values(f.before, secrets), after=compare.mask_values(f.after, secrets))
        for f in change.fields
    )
    return replace(change, fields=fields)


def _masked_diagnostic(diagnostic: Diagnostic, secrets: tuple[str, ...]) -> Diagnostic:
    if not secrets:
        return diagnostic
    hint = diagnostic.hint
    return replace(diagnostic, message=redact(diagnostic.message, secrets), hint=redact(hint, secrets) if hint else None)


def _unmanaged(tasks: Sequence[RemoteTask]) -> tuple[UnmanagedTask, ...]:
    listed = (
        UnmanagedTask(id=t.id, owner=t.owner, title=t.title, task_type=t.task_type, active=t.active) for t in tasks
    )
    return tuple(sorted(listed, key=lambda u: (u.owner, u.title, u.id)))


_ACTION_ORDER = {a: i for i, a in enumerate((Action.DELETE, Action.CREATE, Action.UPDATE, Action.ENABLE,
                                             Action.DISABLE))}


def _change_key(c: Change) -> tuple[str, str, int]:
    return (c.owner, c.name, _ACTION_ORDER[c.action])


def _diagnostic_key(d: Diagnostic) -> tuple[int, str, str, str]:
    return (0 if d.severity is Severity.ERROR else 1, d.owner or "", d.name or "", d.message)


def observed_fingerprint(tasks: Sequence[RemoteTask], *, mark: str) -> str:
    """sha256 over the managed tasks (title carries `mark`), in any order: what apply may touch.

    Unmanaged tasks are left out, so a hand-made task changing between plan and apply does not
    make a saved plan stale. Run bookkeeping (lastStart, nextStart, runIntervalSeconds,
    created, updated) is left out too, so a task firing meanwhile does not either; active and
    taskState are in.
    """
    rows = sorted(
        [t.id, t.owner, t.title, t.task_type, list(t.schedule.to_wire().values()), t.parameters_json, t.item_id,
         t.task_url, t.max_occurrences, t.start_date, t.end_date, t.active, t.task_state]
        for t in tasks
        if name_from_title(t.title, mark) is not None
    )
    return _sha256(rows)


def desired_fingerprint(specs: Sequence[TaskSpec]) -> str:
    """sha256 over every spec field that reaches the portal or the plan, in any order; file
    positions are left out.

    Secret values are left out too (only their paths count): the plan file is shared (e.g. as a
    CI artifact) and an unsalted hash of a weak secret can be brute-forced offline. A secret
    changed since plan still makes a saved plan stale when the portal holds the old value, as
    the recomputed plan then has an update the saved one lacks (apply compares the changes).
    """
    rows = sorted(
        [s.name, s.owner, s.task_type, _without_secrets(s), list(s.schedule.to_wire().values()),
         s.enabled, s.max_occurrences, to_ms(s.start), to_ms(s.end), list(s.previous_names),
         sorted(json.dumps(p) for p in s.secret_paths)]
        for s in specs
    )
    return _sha256(rows)


def _without_secrets(spec: TaskSpec) -> object:
    """The fields a secret may be in (parameters, task_url, item_id), secret values masked."""
    doc = {"parameters": spec.parameters, "task_url": spec.task_url, "item_id": spec.item_id}
    return compare.mask_paths(doc, spec.secret_paths)


def _sha256(rows: object) -> str:
    text = json.dumps(rows, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()

