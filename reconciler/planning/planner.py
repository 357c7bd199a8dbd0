"""The planner: declared tasks + what the portal holds -> Plan. Pure: no I/O, no clock.

Matching is by (owner, name), where a managed portal task's name is its title without the
ownership mark (reconciler.planning.ownership). Everything is looked up in dicts, so planning is linear
in the number of tasks; fire times are computed only for creates and schedule changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

from reconciler.instants import to_ms
from reconciler.masking import mask_credential_field, mask_values, mask_words
from reconciler.model import PortalState, RemoteRun, RemoteTask, Severity, SourceRef, TaskFields, TaskSpec
from reconciler.planning import checks, compare, guards, load, selection, zonecheck
from reconciler.planning import zoned as zoning
from reconciler.planning.blind import blind_spots
from reconciler.planning.desired import desired_fields, secret_values
from reconciler.planning.fingerprints import desired_fingerprint, observed_fingerprint
from reconciler.planning.matching import Match, Removal, match_tasks
from reconciler.planning.options import PlanOptions, Policy
from reconciler.planning.ownership import managed_by, name_from_title
from reconciler.planning.plan import Action, Change, Diagnostic, Key, Plan, UnmanagedTask
from reconciler.planning.quota import quota

__all__ = ["Draft", "draft", "make_plan", "tasks_needing_runs"]


def make_plan(specs: Sequence[TaskSpec], state: PortalState, options: PlanOptions, *,
              drafted: Draft | None = None) -> Plan:
    """Compare `specs` with `state` and say what apply would do.

    Args:
        specs: the declared tasks (reconciler.taskfiles.loader), variables resolved.
        state: what the portal holds; `runs` only for the ids tasks_needing_runs() named.
        options: owner, ownership mark, removal policy, guards and the current time.
        drafted: draft(specs, state, options) made before the runs were read (runs do not change
            it), so that it is not made twice.

    Returns:
        The Plan: changes sorted by (owner, name, action), names of unchanged tasks, unmanaged
        tasks, and every error and warning (errors block apply).
    """
    draft = drafted if drafted is not None else _draft(specs, state, options)
    diagnostics = list(draft.diagnostics)
    reviewed: list[tuple[Change, RemoteTask | None]] = []
    unchanged: list[str] = []
    for entry in draft.entries:
        change = _change(entry, options, state)
        if change is None:
            unchanged.append(entry.name)
        change, notes = checks.review(
            change, entry.spec, entry.remote, owner=entry.owner, state=state, now=options.now,
            allow_active_runs=options.policy.allow_active_runs,
        )
        diagnostics.extend(notes)
        if change is not None:
            reviewed.append((change, entry.remote))
    diagnostics.extend(quota(reviewed, state))
    diagnostics.extend(zonecheck.warnings(state.tasks, options.now, options.scheduler_zone))
    planned = [p for e in draft.entries if (p := load.as_planned(
        e.name, e.owner, e.desired, e.actions, e.remote, runs=state.runs, zone=options.scheduler_zone,
        rescheduled=e.differences is not None and bool(e.differences.fields & compare.SCHEDULE_PATHS))) is not None]
    fired, crowded = load.assess(planned, options.now, per_minute=options.policy.collisions_per_minute)
    diagnostics.extend((*crowded, *load.overruns(planned, state.runs, options.now, attached=False)))
    changes = _moves_held_together([c for c, _ in reviewed])
    secrets = _secrets(specs, options)
    return Plan(
        changes=tuple(sorted((_masked_change(c, secrets) for c in changes), key=_change_key)),
        unchanged=tuple(sorted(unchanged)),
        unmanaged=_unmanaged(draft.unmanaged, options),
        diagnostics=tuple(sorted((_masked_diagnostic(d, secrets) for d in diagnostics), key=_diagnostic_key)),
        observed=observed_fingerprint(state.tasks, mark=options.mark, adopts=options.adopts),
        desired=desired_fingerprint(specs),
        portal=options.portal,
        owner=options.default_owner,
        mark=options.mark,
        only=options.policy.only,
        withheld=draft.withheld,
        retired=draft.retired,
        load=fired,
        notices=zoning.notices(((e.spec, e.owner) for e in draft.entries if e.spec is not None), options.now),
    )


def tasks_needing_runs(specs: Sequence[TaskSpec], state: PortalState, options: PlanOptions) -> tuple[str, ...]:
    """Ids of the tasks whose runs make_plan reads: those it would update or delete (a run in
    flight blocks them; a disable does not stop a run, so it is not blocked) and those the
    portal disabled after failed runs (the last run's error is shown).

    Cheap: matching and which actions, no field diffs and no fire times (those are make_plan's).
    """
    return _draft(specs, state, options).needing_runs()


def draft(specs: Sequence[TaskSpec], state: PortalState, options: PlanOptions) -> Draft:
    """Matching and actions, before any runs are read: its needing_runs() names the runs to read,
    and make_plan(..., drafted=) takes it on."""
    return _draft(specs, state, options)


@dataclass(frozen=True, kw_only=True)
class _Entry:
    """One task the plan looked at and the actions it needs (empty: unchanged). A matched task
    carries its desired fields and differences; a removal carries its reason."""

    owner: str
    name: str
    actions: tuple[Action, ...]
    spec: TaskSpec | None = None
    remote: RemoteTask | None = None
    reason: str = ""
    source: SourceRef | None = None
    desired: TaskFields | None = None
    differences: compare.Differences | None = None
    waits_for: Key | None = None
    duplicate_of: str | None = None


@dataclass(frozen=True, kw_only=True)
class Draft:
    """A plan before its field diffs, fire times and reviews (see draft())."""

    entries: tuple[_Entry, ...]
    unmanaged: tuple[RemoteTask, ...]
    diagnostics: tuple[Diagnostic, ...]
    withheld: tuple[str, ...] = ()
    retired: tuple[str, ...] = ()

    start_listed: bool = False  # some task of the picture carries lastStart (checks.needs_runs)

    def needing_runs(self) -> tuple[str, ...]:
        """Ids of the tasks whose runs make_plan reads (see tasks_needing_runs)."""
        return tuple(sorted({e.remote.id for e in self.entries if e.remote is not None
                             and checks.needs_runs(e.actions, e.remote, start_listed=self.start_listed)}))


def _draft(specs: Sequence[TaskSpec], state: PortalState, options: PlanOptions) -> Draft:
    """Matching and the actions each task needs: what tasks_needing_runs reads, and what
    make_plan turns into changes (field diffs and fire times are made only there)."""
    policy = options.policy
    diagnostics: list[Diagnostic] = []
    tasks: Sequence[RemoteTask] = state.tasks
    managed = len({(n, t.owner) for t in tasks if (n := _name_of(t.title, options)) is not None})  # copies count once
    if policy.only:
        chosen = selection.select(specs, tasks, policy.only, lambda title: _name_of(title, options))
        specs, tasks = chosen.specs, chosen.tasks
        diagnostics.extend(chosen.diagnostics)
    matched = match_tasks(specs, tasks, default_owner=options.default_owner, mark=options.mark,
                          adopts=options.adopts, pinned=options.owner_pinned)
    now_ms = to_ms(options.now)
    entries = [_for_match(m, options, now_ms) for m in matched.matches]
    diagnostics.extend(matched.diagnostics)
    if not options.owner_pinned and not matched.unpinned and any(s.owner is None for s in specs):
        diagnostics.append(guards.unpinned_owner(options.default_owner))  # the errors say how to pin, if any
    removals = list(matched.removals)
    if not specs and not policy.allow_empty and not policy.only:
        guard = guards.empty_folder(*_would_remove(removals, policy))
        if guard is not None:
            diagnostics.append(guard)
            removals = []
    for removal in removals:
        entries.extend(_removal(removal, options, diagnostics))
    withheld: set[str] = set()
    if policy.no_delete:  # a move deletes its old copy: with deletions off, the task stays where it is
        stuck = {r.waits_for for r in removals if r.waits_for is not None}
        diagnostics.extend(_not_moved(e) for e in entries if Key(e.name, e.owner) in stuck)
        withheld |= {e.name for e in entries if Key(e.name, e.owner) in stuck}
        entries = [e for e in entries if Key(e.name, e.owner) not in stuck]
        kept = {Key(e.name, e.owner) for e in entries}
        withheld |= {r.name for r in removals if policy.on_remove == "delete" and r.waits_for is None
                     and Key(r.name, r.remote.owner) not in kept}
    blind = blind_spots(state, options.mark, options.adopts)
    diagnostics.extend(blind.diagnostics)
    seen = [e for e in entries if not blind.hides(e.name, e.owner)]
    removed = [Key(e.name, e.owner) for e in seen  # neither a duplicate's copy nor a move's old copy
               if (e.actions == (Action.DELETE,) and e.duplicate_of is None and e.waits_for is None)
               or (e.actions == (Action.DISABLE,) and e.spec is None)]  # on_remove: disable
    emptied = not specs and policy.allow_empty and not policy.only  # --allow-empty: removing them all is the point
    refusal = None if emptied else guards.mass_delete(removed, managed, policy)
    diagnostics.extend([refusal] if refusal is not None else [])
    creates = [(e.spec, e.owner) for e in seen if e.spec is not None and e.actions[:1] == (Action.CREATE,)]
    diagnostics.extend(guards.twins(creates, matched.unmanaged, options.mark))
    if creates and not managed and not state.user.is_admin:
        diagnostics.append(guards.unseen_owners(state.user.username, len(creates)))
    retired = {r.name for r in removals if _stays_disabled(r, policy) and not blind.hides(r.name, r.remote.owner)}
    return Draft(entries=tuple(seen), unmanaged=matched.unmanaged, diagnostics=tuple(diagnostics),
                 withheld=tuple(sorted(withheld)), retired=tuple(sorted(retired)),
                 start_listed=any(t.last_start is not None for t in state.tasks))


def _name_of(title: str, options: PlanOptions) -> str | None:
    return name_from_title(title, options.mark, options.adopts)


def _for_match(m: Match, options: PlanOptions, now_ms: int | None) -> _Entry:
    spec = m.spec
    desired = desired_fields(spec, mark=options.mark)
    if m.remote is None and m.moved and spec.enabled:
        # One unit with the old copies' delete (reconciler.applying.executor): created paused,
        # enabled only once they are gone, so two active copies never run side by side.
        return _Entry(owner=m.owner, name=spec.name, actions=(Action.CREATE, Action.ENABLE), spec=spec,
                      reason=f"{m.reason}; created paused, enabled once the old copy is deleted",
                      source=spec.source, desired=desired_fields(spec, mark=options.mark, active=False))
    if m.remote is None:
        return _Entry(owner=m.owner, name=spec.name, actions=(Action.CREATE,), spec=spec, reason=m.reason,
                      source=spec.source, desired=desired)
    remote = m.remote
    differences = compare.differences(desired, remote, now_ms=now_ms)
    active = _wanted_active(spec, remote, differences.fields)
    actions = ((Action.UPDATE,) if differences else ()) + _toggle(remote.active, active)
    dst = zoning.dst_reason(spec, remote, options.now) if "schedule" in differences.fields else None
    reason = "; ".join(r for r in (m.reason, dst) if r)
    if active != desired.active:
        desired = replace(desired, active=active)
    return _Entry(owner=m.owner, name=spec.name, actions=actions, spec=spec, remote=remote, reason=reason,
                  source=spec.source, desired=desired, differences=differences)


def _change(entry: _Entry, options: PlanOptions, state: PortalState) -> Change | None:
    """The entry's Change (None: unchanged): field diffs per leaf and fire times added."""
    if not entry.actions:
        return None
    spec, remote, desired = entry.spec, entry.remote, entry.desired
    change = Change(name=entry.name, owner=entry.owner, actions=entry.actions,
                    task_id=remote.id if remote is not None else None, reason=entry.reason,
                    source=entry.source, waits_for=entry.waits_for, duplicate_of=entry.duplicate_of)
    if spec is None or desired is None:
        return change
    if remote is None:
        return replace(change, fields=compare.created_fields(desired, secret_paths=spec.secret_paths),
                       desired=desired, next_fires_after=_fires(desired, options), zone=zoning.view(spec))
    if entry.differences is None or Action.UPDATE not in entry.actions:
        return change
    change = replace(change, fields=entry.differences.field_changes(secret_paths=spec.secret_paths), desired=desired,
                     zone=zoning.view(spec))
    if "schedule" not in entry.differences.fields:
        return change
    # A completed task fires no more as it stands: listing its schedule's times as "before" would
    # say the change moves runs that were never coming.
    before = () if checks.is_completed(remote) else _fires(remote, options, state.runs.get(remote.id))
    return replace(change, next_fires_before=before, next_fires_after=_fires(desired, options))


def _fires(task: TaskFields | RemoteTask, options: PlanOptions,
           runs: Sequence[RemoteRun] | None = None) -> tuple[str, ...]:
    """Fire times within the task's end and its max_occurrences: for the task as it stands, what
    its runs leave of the cap (checks.occurrences_left); for a created or rescheduled one the
    whole cap (the portal counts runs again for a new schedule [I])."""
    capped = task.max_occurrences not in (None, -1)
    left = task.max_occurrences if capped else None
    if capped and isinstance(task, RemoteTask) and runs is not None:
        left = checks.occurrences_left(task, runs)[0]
    return checks.next_fires(task.schedule, start_ms=task.start_date, now=options.now, end_ms=task.end_date,
                             runs_left=left, tz=ZoneInfo(options.scheduler_zone))


def _wanted_active(spec: TaskSpec, remote: RemoteTask, changed: AbstractSet[str]) -> bool:
    """Whether the task should end up active.

    A task the portal *completed* (taskState "completed": maxOccurrences or endDate reached)
    would complete again at once if enabled unchanged, so it is re-enabled only together with
    an update of its schedule, start, end or max_occurrences (the portal restarts the run count
    for a new schedule); otherwise it stays as it is and checks.review() warns. A task the
    portal disabled after failed runs (taskState "disabled") is enabled again (with a warning).
    """
    if spec.enabled and not remote.active and checks.is_completed(remote):
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
    remote, name, reason = r.remote, r.name, r.reason
    source = r.spec.source if r.spec is not None else None
    if r.waits_for is not None:  # a move, not a removal: whatever on_remove says (with --no-delete, no move)
        if options.policy.no_delete:
            return []
        return [_Entry(owner=remote.owner, name=name, actions=(Action.DELETE,), remote=remote,
                       reason=f"{reason}; deleting erases the task's run history", source=source,
                       waits_for=r.waits_for)]
    if r.duplicate_of is not None and not options.policy.no_delete:  # a copy goes whatever on_remove says
        return [_Entry(owner=remote.owner, name=name, actions=(Action.DELETE,), remote=remote,
                       reason=f"{reason}; the copy kept keeps its run history", duplicate_of=r.duplicate_of)]
    if _stays_disabled(r, options.policy):
        return []  # listed in Plan.retired
    if options.policy.on_remove == "disable":
        why = f"{reason}; disabling instead of deleting (on_remove: disable)"
        return [_Entry(owner=remote.owner, name=name, actions=(Action.DISABLE,), remote=remote, reason=why,
                       source=source)]
    if options.policy.no_delete:
        diagnostics.append(
            Diagnostic(severity=Severity.WARNING, message=f"not deleting {name} (--no-delete)", hint=reason,
                       name=name, owner=remote.owner, source=source)
        )
        return []
    why = f"{reason}; deleting erases the task's run history"
    return [_Entry(owner=remote.owner, name=name, actions=(Action.DELETE,), remote=remote, reason=why,
                   source=source, waits_for=r.waits_for)]


def _stays_disabled(r: Removal, policy: Policy) -> bool:
    """A task on_remove: disable leaves as it is: no move's old copy, no duplicate's copy to
    delete, and already paused."""
    copy = r.duplicate_of is not None and not policy.no_delete
    return policy.on_remove == "disable" and r.waits_for is None and not copy and not r.remote.active


def _not_moved(entry: _Entry) -> Diagnostic:
    return Diagnostic(severity=Severity.WARNING, message=f"not moving {entry.name} to {entry.owner} (--no-delete): "
                      "a move deletes the old copy, so the task stays where it is",
                      hint="run without --no-delete to move it", name=entry.name, owner=entry.owner,
                      source=entry.source)


def _would_remove(removals: Sequence[Removal], policy: Policy) -> tuple[int, str]:
    """How many managed tasks an empty task folder would remove, and the verb: nothing is
    removed with --no-delete, or with on_remove: disable when every task is inactive already."""
    if policy.on_remove == "disable":
        return sum(1 for r in removals if r.remote.active), "disable"
    return (0 if policy.no_delete else len(removals)), "delete"


def _secrets(specs: Sequence[TaskSpec], options: PlanOptions) -> tuple[str, ...]:
    """Every secret value of this run: those the caller passed and those of each spec."""
    return tuple(sorted({*options.secret_values, *(v for s in specs for v in secret_values(s))}))


def _masked_change(change: Change, secrets: tuple[str, ...]) -> Change:
    """Every secret value masked wherever it shows up, then every credential-named parameter."""
    fields = []
    for f in change.fields:
        before, after, credential = mask_credential_field(f.path, mask_values(f.before, secrets),
                                                          mask_values(f.after, secrets))
        same = before is f.before and after is f.after and (f.secret or not credential)
        fields.append(f if same else replace(f, before=before, after=after, secret=f.secret or credential))
    if all(new is old for new, old in zip(fields, change.fields, strict=True)):
        return change  # nothing to mask (most changes): no copies
    return replace(change, fields=tuple(fields))


def _masked_diagnostic(diagnostic: Diagnostic, secrets: tuple[str, ...]) -> Diagnostic:
    if not secrets:
        return diagnostic
    hint = diagnostic.hint
    return replace(diagnostic, message=mask_words(diagnostic.message, secrets), hint=mask_words(hint, secrets) if hint else None)


def _moves_held_together(changes: list[Change]) -> list[Change]:
    """A move is one unit (reconciler.applying.executor): when the old copy's delete is blocked
    (a run in flight), the new copy waits too, and the other way round, so that apply never
    leaves two active copies, nor none."""
    by_key = {c.key: c for c in changes if c.waits_for is None and c.actions != (Action.DELETE,)}
    held: dict[int, str] = {}
    for old in changes:
        new = by_key.get(old.waits_for) if old.waits_for is not None else None
        if new is None:
            continue
        if old.blocked and not new.blocked:
            held[id(new)] = f"the move waits: the old copy under {old.owner} cannot be deleted now ({old.blocked})"
        elif new.blocked and not old.blocked:
            held[id(old)] = f"the move waits: {new.name} under {new.owner} cannot be changed now ({new.blocked})"
    return [replace(c, blocked=held[id(c)]) if id(c) in held else c for c in changes]


def _unmanaged(tasks: Sequence[RemoteTask], options: PlanOptions) -> tuple[UnmanagedTask, ...]:
    listed = (
        UnmanagedTask(id=t.id, owner=t.owner, title=t.title, task_type=t.task_type, active=t.active,
                      managed_by=managed_by(t.title, options.mark, options.adopts))
        for t in tasks
    )
    return tuple(sorted(listed, key=lambda u: (u.owner, u.title, u.id)))


_ACTION_ORDER = {a: i for i, a in enumerate((Action.DELETE, Action.CREATE, Action.UPDATE, Action.ENABLE,
                                             Action.DISABLE))}


def _change_key(c: Change) -> tuple[str, str, int]:
    return (c.owner, c.name, _ACTION_ORDER[c.action])


def _diagnostic_key(d: Diagnostic) -> tuple[int, str, str, str]:
    return (0 if d.severity is Severity.ERROR else 1, d.owner or "", d.name or "", d.message)
