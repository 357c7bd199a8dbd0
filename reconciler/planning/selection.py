"""`--only PATTERN`: plan just some tasks by name, like Terraform's -target. Pure.

A pattern is a task name or a shell-style glob (`nightly-*`), matched against the names in
tasks.d (and their previous names) and the names of the project's managed tasks on the portal,
so a removed task can be selected to delete it. The plan is partial, and says so: whatever it
leaves out may still differ from tasks.d. A pattern that selects nothing is an error.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase

from reconciler.model import RemoteTask, Severity, TaskSpec
from reconciler.planning.plan import Diagnostic


@dataclass(frozen=True, kw_only=True)
class Selection:
    specs: tuple[TaskSpec, ...]
    tasks: tuple[RemoteTask, ...]  # the selected managed tasks, and every task that is not ours
    diagnostics: tuple[Diagnostic, ...]


def select(specs: Sequence[TaskSpec], tasks: Sequence[RemoteTask], patterns: Sequence[str],
           name_of: Callable[[str], str | None]) -> Selection:
    """`name_of` is the project's rule: a managed title's name, None for any other title."""
    def chosen(name: str) -> bool:
        return any(fnmatchcase(name, p) for p in patterns)

    picked = tuple(s for s in specs if chosen(s.name) or any(chosen(p) for p in s.previous_names))
    names = {n for s in picked for n in (s.name, *s.previous_names)}
    kept = []
    for task in tasks:
        name = name_of(task.title)
        if name is None or name in names or chosen(name):
            kept.append(task)
    seen = [*names, *(n for t in kept if (n := name_of(t.title)) is not None)]
    notes = [Diagnostic(
        severity=Severity.WARNING,
        message=f"partial plan: only tasks matching {', '.join(patterns)} are planned (--only); anything else "
        "in tasks.d or on the portal may still differ",
        hint="use --only to recover from a mistake or a stuck task, then run a full plan: routine changes "
        "belong in a full plan",
    )]
    notes += [Diagnostic(severity=Severity.ERROR,
                         message=f"--only {p!r} matches no task in tasks.d and no managed task on the portal",
                         hint="check the spelling; patterns may use * and ?, e.g. --only 'nightly-*'")
              for p in patterns if not any(fnmatchcase(n, p) for n in seen)]
    return Selection(specs=picked, tasks=tuple(kept), diagnostics=tuple(notes))
