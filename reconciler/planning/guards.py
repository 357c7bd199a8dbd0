"""What the plan refuses, or warns about, for the project as a whole. Pure.

- An empty task folder would remove every managed task: refused without --allow-empty.
- Deleting (or, with on_remove: disable, disabling) more than `mass_delete_count` managed tasks
  and more than `mass_delete_share` of them in one plan is refused without --allow-mass-delete
  (the refusal lists what would go).
  Copies of a duplicate and the old copy of a task moving to another owner do not count: no
  task is lost with them.
- A task to create that has a namesake of the same owner this project does not manage: a
  warning for a hand-made task (adopting it keeps its run history) or another project's; an error
  for one with the plain mark of runs without a project (see twins).
- No owner pinned: a warning saying who the owner-less tasks belong to and how to pin one.
- A non-administrator that sees none of the project's tasks and creates some: a warning that
  copies under other owners are out of its sight.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from reconciler.model import RemoteTask, Severity, TaskSpec
from reconciler.planning.options import Policy
from reconciler.planning.ownership import PLAIN_MARK, managed_by, title_for
from reconciler.planning.plan import Diagnostic, Key

LISTED = 20  # names shown in a refusal before "and N more"


def empty_folder(count: int, verb: str) -> Diagnostic | None:
    """`count` managed tasks an empty task folder would `verb` (delete or disable)."""
    if not count:
        return None
    return Diagnostic(
        severity=Severity.ERROR,
        message=f"the task folder holds no tasks: refusing to {verb} all {count} managed tasks",
        hint=f"pass --allow-empty to {verb} them all, or check that you pointed at the right folder",
    )


def mass_delete(removed: Sequence[Key], managed: int, policy: Policy) -> Diagnostic | None:
    """The refusal of a plan removing (deleting, or with on_remove: disable disabling) too many of
    the project's `managed` tasks, or None."""
    count = len(removed)
    if policy.allow_mass_delete or count <= policy.mass_delete_count or count <= policy.mass_delete_share * managed:
        return None
    names = [f"{k.name} ({k.owner})" for k in sorted(removed, key=lambda k: (k.owner, k.name))]
    verb = "disables" if policy.on_remove == "disable" else "deletes"
    shown = ", ".join(names[:LISTED]) + (f" and {count - LISTED} more" if count > LISTED else "")
    return Diagnostic(
        severity=Severity.ERROR,
        message=f"this plan {verb} {count} of the project's {managed} managed tasks (the guard allows at most "
        f"{policy.mass_delete_count}, or {policy.mass_delete_share:.0%} of them): {shown}",
        hint="if that is what you mean, pass --allow-mass-delete; otherwise check the task folder, the project "
        "file and --environment (a wrong folder or project deletes everything). The guard's bounds are "
        "`mass_delete: {share, count}` in reconciler.yaml",
    )


def twins(creates: Iterable[tuple[TaskSpec, str]], unmanaged: Sequence[RemoteTask], mark: str) -> list[Diagnostic]:
    """What a task to create would run beside: a namesake that this project does not manage.
    Hand-made (title == name) or another project's, of the same owner: a warning. Marked with the
    plain mark of runs without a project, under any owner and by its name or a previous name: an
    error, since that is this repository's own task from before it was a project (perhaps
    applied by another account), and creating it again would run it twice."""
    by_title: dict[tuple[str, str], list[RemoteTask]] = {}
    plain: dict[str, list[RemoteTask]] = {}
    for task in unmanaged:
        name = task.title
        if managed_by(task.title, mark) is not None:
            name = task.title[task.title.index("] ") + 2:]
        by_title.setdefault((task.owner, name), []).append(task)
        if managed_by(task.title, mark) == "":
            plain.setdefault(name, []).append(task)
    found: list[Diagnostic] = []
    for spec, owner in creates:
        legacy = [t for n in (spec.name, *spec.previous_names) for t in plain.get(n, ())]
        namesakes = legacy or sorted(by_title.get((owner, spec.name), ()), key=lambda t: _GRAVITY[_kind(t, mark)])
        found.extend(_twin(spec, owner, twin, managed_by(twin.title, mark), mark) for twin in namesakes[:1])
    return found


def _kind(task: RemoteTask, mark: str) -> str:
    project = managed_by(task.title, mark)
    return "hand-made" if project is None else ("plain" if project == "" else "project")


_GRAVITY = {"plain": 0, "project": 1, "hand-made": 2}  # the most serious namesake is the one reported


def _twin(spec: TaskSpec, owner: str, twin: RemoteTask, project: str | None, mark: str) -> Diagnostic:
    if project == "":
        return Diagnostic(
            severity=Severity.ERROR,
            message=f"{twin.owner} has {twin.title!r} ({twin.id}), marked by reconciler before this repository named "
            f"its project; creating {spec.name} would run it twice",
            hint=f"take those tasks over: add `adopt_mark: '{PLAIN_MARK}'` to reconciler.yaml (the next apply retitles "
            f"them to {mark!r}, keeping their run history), then remove the line",
            name=spec.name, owner=owner, source=spec.source)
    if project is not None:
        return Diagnostic(
            severity=Severity.WARNING,
            message=f"project {project} already schedules {spec.name} for {owner} ({twin.id}); both would run",
            hint="if one repository should own it, remove it from the other's tasks.d, or give this task another name",
            name=spec.name, owner=owner, source=spec.source)
    return Diagnostic(
        severity=Severity.WARNING,
        message=f"{owner} already has an unmanaged task titled {spec.name!r} ({twin.id}); creating {spec.name} "
        "makes a second task beside it, and both run",
        hint=f"to adopt the existing task instead (keeping its run history), retitle it on the portal to "
        f"{title_for(spec.name, mark)!r} before applying; or delete it; or give this task another name",
        name=spec.name, owner=owner, source=spec.source)


def unpinned_owner(owner: str) -> Diagnostic:
    return Diagnostic(
        severity=Severity.WARNING,
        message=f"no owner is pinned: tasks without an owner: line belong to {owner}, the user signed in now; "
        "signed in as someone else, they would be someone else's",
        hint=f"pin it: `owner: {owner}` in reconciler.yaml (or per environment), or --owner {owner} "
        "(RECONCILER_OWNER)",
    )


def unseen_owners(user: str, creates: int) -> Diagnostic:
    """A non-administrator sees only its own tasks: when it sees none of the project's and plans
    to create tasks, copies under another owner (an earlier owner:, or applies before the owner
    was pinned) would be missed and run twice. Said, since it cannot be checked from here."""
    return Diagnostic(
        severity=Severity.WARNING,
        message=f"signed in as {user}, not an administrator, and none of this project's tasks is visible: this plan "
        f"creates {creates}; copies of them under another owner (an earlier owner:, or applies before the owner "
        "was pinned) cannot be seen from this account and would keep running beside the new ones",
        hint="if the project's tasks may be owned by someone else, plan once as an administrator, who sees every owner",
    )

