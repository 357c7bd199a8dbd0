"""Which portal task each declared task is: matching by (owner, name), renames, owner moves. Pure.

A managed portal task's name is its title without the ownership mark. Tasks without the mark
are unmanaged and only listed. Every lookup is a dict, so matching is linear in the task count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from reconciler.model import RemoteTask, Severity, TaskSpec
from reconciler.planning import duplicates
from reconciler.planning.ownership import managed_by, name_from_title
from reconciler.planning.plan import Diagnostic, Key
from reconciler.taskfiles.rules import is_task_name

REMOVED = "not declared in tasks.d"  # removed from it, or made by hand with the mark: the portal cannot tell


@dataclass(frozen=True, kw_only=True)
class Match:
    """A declared task and its portal task (None: it must be created)."""

    spec: TaskSpec
    owner: str
    remote: RemoteTask | None
    reason: str = ""
    moved: bool = False  # created here while its old copies under other owners are deleted


@dataclass(frozen=True, kw_only=True)
class Removal:
    """A managed portal task that no declared task keeps; `spec` is set when one replaces it.
    `waits_for` is the key created in its place when the task moves to another owner;
    `duplicate_of` the id of the copy kept when this one is an identical duplicate."""

    remote: RemoteTask
    name: str
    reason: str
    spec: TaskSpec | None = None
    waits_for: Key | None = None
    duplicate_of: str | None = None


@dataclass(frozen=True, kw_only=True)
class Matching:
    matches: tuple[Match, ...]
    removals: tuple[Removal, ...]
    unmanaged: tuple[RemoteTask, ...]
    diagnostics: tuple[Diagnostic, ...]
    unpinned: bool = False  # a task was left alone because no owner is pinned (an error says how to pin)


def owner_of(spec: TaskSpec, default_owner: str) -> str:
    return spec.owner or default_owner


def match_tasks(specs: Sequence[TaskSpec], tasks: Sequence[RemoteTask], *, default_owner: str, mark: str,
                adopts: str | None = None, pinned: bool = True) -> Matching:
    """A marked title whose rest is not a task name (edited on the portal) is left unmanaged,
    with a warning: deleting it as a "removed" task would erase its run history.

    `adopts`: an older mark whose titles count as this project's. `pinned`: whether the default
    owner was chosen (project file, --owner) rather than taken from whoever signed in; if not, a
    task without `owner:` found under another owner is an error, never a move.
    """
    managed: dict[Key, list[RemoteTask]] = {}
    unmanaged: list[RemoteTask] = []
    edited: list[Diagnostic] = []
    for task in tasks:
        name = name_from_title(task.title, mark, adopts)
        if name is not None and not is_task_name(name):
            edited.append(_edited_title(task, mark))
            name = None
        if name is None:
            unmanaged.append(task)
        else:
            managed.setdefault(Key(name, task.owner), []).append(task)
    matcher = _Matcher(managed, {Key(s.name, owner_of(s, default_owner)) for s in specs}, pinned=pinned)
    matches = [matcher.match(spec, owner_of(spec, default_owner)) for spec in specs]
    adopted, notes = _adopt(matches, unmanaged, matcher, mark)
    taken = {m.remote.id for m in adopted if m.remote is not None}
    return Matching(
        matches=tuple(adopted),
        removals=tuple(matcher.copies + matcher.removals + matcher.leftovers()),
        unmanaged=tuple(t for t in unmanaged if t.id not in taken),
        diagnostics=tuple(matcher.duplicates() + matcher.unpinned + edited + notes),
        unpinned=bool(matcher.unpinned),
    )


class _Matcher:
    def __init__(self, managed: dict[Key, list[RemoteTask]], declared: set[Key], *, pinned: bool) -> None:
        self.managed = managed
        self.declared = declared
        self.pinned = pinned
        self.unpinned: list[Diagnostic] = []  # tasks found under another owner with no owner pinned
        self.copies: list[Removal] = []  # identical duplicates: all but the oldest go
        self.conflicts: dict[Key, list[str]] = {}  # duplicates that differ, and in what
        for key, found in sorted(((k, f) for k, f in managed.items() if len(f) > 1), key=_by_owner):
            self._settle(key, found)
        self.poisoned = set(self.conflicts)
        self.by_name: dict[str, list[Key]] = {}
        for key in managed:
            if key not in self.poisoned:
                self.by_name.setdefault(key.name, []).append(key)
        for keys in self.by_name.values():
            if len(keys) > 1:
                keys.sort(key=_by_owner_key)  # one name, several owners: by owner
        self.claimed: set[Key] = set()
        self.removals: list[Removal] = []

    def _settle(self, key: Key, found: list[RemoteTask]) -> None:
        fields = duplicates.differing(found)
        if fields:
            self.conflicts[key] = fields
            return
        keep = duplicates.oldest(found)
        self.managed[key] = [keep]
        self.copies.extend(
            Removal(remote=t, name=key.name, reason=f"duplicate of {keep.id}, identical in every managed field",
                    duplicate_of=keep.id)
            for t in sorted(found, key=lambda t: t.id) if t is not keep)

    def free(self, key: Key) -> bool:
        """A managed portal task no declared task has taken yet (and not a duplicate)."""
        return key in self.managed and key not in self.poisoned and key not in self.claimed

    def match(self, spec: TaskSpec, owner: str) -> Match | None:
        key = Key(spec.name, owner)
        if key in self.poisoned:
            return None  # the duplicate error says why; this name is left alone
        self.claimed.add(key)
        remote = self.managed[key][0] if key in self.managed else None
        reason = ""
        olds = [Key(p, owner) for p in spec.previous_names if self.free(Key(p, owner)) and Key(p, owner) not in self.declared]
        self.claimed.update(olds)
        if remote is None and olds:
            remote, reason = self.managed[olds[0]][0], f"renamed from {olds[0].name}"
            olds = olds[1:]
        for old in olds:
            self._remove(old, f"previous name of {spec.name}, which exists already", spec)
        moved = self._elsewhere(spec, owner)
        if moved and not self.pinned and spec.owner is None:
            self.claimed.update(moved)  # left alone: neither moved nor deleted
            self.unpinned.append(_unpinned(spec, owner, moved))
            return None
        for key in moved:  # its old copies go once this one is settled (reconciler.applying.executor)
            self.claimed.add(key)
            self._remove(key, f"moving to {owner}", spec, waits_for=Key(spec.name, owner))
        if remote is None and moved:
            reason = f"moved from {moved[0].owner}"
        return Match(spec=spec, owner=owner, remote=remote, reason=reason, moved=remote is None and bool(moved))

    def _elsewhere(self, spec: TaskSpec, owner: str) -> list[Key]:
        """The managed copies of `spec` (by name or a previous name) under owners that do not
        declare it: a move to `owner`, to do or (when `owner` holds it already) to finish."""
        return [
            key
            for name in (spec.name, *spec.previous_names)
            for key in self.by_name.get(name, ())
            if key.owner != owner and self.free(key) and key not in self.declared
        ]

    def _remove(self, key: Key, reason: str, spec: TaskSpec | None, *,
                waits_for: Key | None = None) -> None:
        self.removals.append(
            Removal(remote=self.managed[key][0], name=key.name, reason=reason, spec=spec, waits_for=waits_for)
        )

    def leftovers(self) -> list[Removal]:
        return [
            Removal(remote=found[0], name=key.name, reason=REMOVED)
            for key, found in sorted(((k, f) for k, f in self.managed.items() if self.free(k)), key=_by_owner)
        ]

    def duplicates(self) -> list[Diagnostic]:
        return [_duplicate(key, self.managed[key], self.conflicts[key])
                for key in sorted(self.poisoned, key=_by_owner_key)]


def _by_owner_key(key: Key) -> tuple[str, str]:
    """Owner first: the order matching has always walked the portal's tasks in."""
    return (key.owner, key.name)


def _by_owner(item: tuple[Key, list[RemoteTask]]) -> tuple[str, str]:
    return _by_owner_key(item[0])


def _duplicate(key: Key, found: list[RemoteTask], fields: list[str]) -> Diagnostic:
    name, owner = key
    ids = ", ".join(sorted(t.id for t in found))
    return Diagnostic(
        severity=Severity.ERROR,
        message=f"{len(found)} portal tasks of {owner} carry the managed title {found[0].title!r} and differ in "
        f"{', '.join(fields)}: {ids}",
        hint=f"keep one and delete the others on the portal (POST .../sharing/rest/community/users/{owner}/tasks/"
        "<id>/delete, or the portal's scheduled-tasks page), then run plan again; until then the plan leaves "
        "this name alone",
        name=name,
        owner=owner,
    )


def _adopt(matches: list[Match | None], unmanaged: list[RemoteTask], matcher: _Matcher,
           mark: str) -> tuple[list[Match], list[Diagnostic]]:
    """Declared tasks with `adopt_id` (written by reconciler import) and no portal task by name
    take the task that id names: a hand-made one of the same owner is adopted (the plan retitles
    it with the mark, keeping its id and runs), one of this project's under another name is
    renamed (the file's name changed after the adoption). An id that names neither is an error,
    never a create: creating would duplicate a task the picture does not show."""
    by_id = {t.id: t for t in unmanaged}
    ours = {found[0].id: key for key, found in matcher.managed.items() if matcher.free(key)}
    found: list[Match] = []
    notes: list[Diagnostic] = []
    for match in matches:
        if match is None:
            continue
        spec, wanted = match.spec, match.spec.adopt_id
        if not wanted or match.moved or (match.remote is not None and match.remote.id == wanted):
            found.append(match)
            continue
        if match.remote is not None:
            notes.append(_adopt_note(Severity.WARNING, spec, match.owner, f"names {wanted}, not the task {spec.name} "
                                     f"is ({match.remote.id}): it is ignored", "remove adopt_id from the file"))
            found.append(match)
            continue
        task, key = by_id.get(wanted), ours.get(wanted)
        if task is not None and task.owner == match.owner and managed_by(task.title, mark) is None:
            del by_id[wanted]
            found.append(replace(match, remote=task, reason=f"adopted: portal task {task.id}, titled {task.title!r}"))
        elif key is not None and key.owner == match.owner:
            matcher.claimed.add(key)
            del ours[wanted]
            found.append(replace(match, remote=matcher.managed[key][0], reason=f"renamed from {key.name} (adopt_id)"))
        else:
            notes.append(_adopt_note(Severity.ERROR, spec, match.owner, _unadoptable(wanted, match.owner, task, key, mark),
                                     "import the task again (`reconciler import`), or remove adopt_id to create a "
                                     "new task"))
    return found, notes


def _unadoptable(wanted: str, owner: str, task: RemoteTask | None, key: Key | None, mark: str) -> str:
    if task is not None and task.owner != owner:
        return f"names a task of {task.owner}, not {owner}; nothing is created"
    if task is not None:
        project = managed_by(task.title, mark)
        return f"names a task marked by {'project ' + project if project else 'reconciler without a project'}; " \
               "nothing is created"
    if key is not None:
        return f"names {key.name} of {key.owner}, not {owner}; nothing is created"
    return "names no task this account can see (deleted, another owner's, or already taken by another " \
           "task); nothing is created, so as not to duplicate it"


def _adopt_note(severity: Severity, spec: TaskSpec, owner: str, what: str, hint: str) -> Diagnostic:
    return Diagnostic(severity=severity, message=f"adopt_id {spec.adopt_id} of {spec.name} {what}", name=spec.name,
                      owner=owner, source=spec.source, hint=hint)


def _unpinned(spec: TaskSpec, owner: str, found: list[Key]) -> Diagnostic:
    where = ", ".join(sorted({k.owner for k in found}))
    return Diagnostic(
        severity=Severity.ERROR,
        message=f"{spec.name} has no owner: line and no owner is pinned, so it would follow the signed-in user "
        f"{owner}; it is on the portal under {where}, and is left alone (not moved, not duplicated)",
        hint=f"pin the owner: `owner: {sorted({k.owner for k in found})[0]}` in reconciler.yaml (or per environment), "
        f"or pass --owner; to move it to {owner} on purpose, give the task `owner: {owner}`",
        name=spec.name,
        owner=owner,
        source=spec.source,
    )


def _edited_title(task: RemoteTask, mark: str) -> Diagnostic:
    return Diagnostic(
        severity=Severity.WARNING,
        message=f"portal task {task.id} of {task.owner} carries the ownership mark but its title '{task.title}' "
        "is not a task name (edited on the portal?); it is left alone",
        hint=f"to manage it again, rename it on the portal back to '{mark}' followed by its task's name; "
        "or remove the mark from its title to leave it unmanaged and silence this warning",
        owner=task.owner,
    )
