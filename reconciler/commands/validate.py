"""`reconciler validate`: check task files offline and report every problem."""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timezone

from reconciler.commands import Echo
from reconciler.model import Problem, ZoneSettings
from reconciler.render import validate as validate_views
from reconciler.taskfiles import loader, partial
from reconciler.taskfiles.discovery import TASK_FILE_SUFFIXES
from reconciler.taskfiles.loader import UTC_SCHEDULES


def run(
    paths: Sequence[str], *, fmt: str, task_folder: str | None = None, variables: Mapping[str, str],
    github_actions: bool, echo: Echo, mark: str | None = None, project_problems: tuple[Problem, ...] = (),
    assigned: tuple[str, ...] = (), zones: ZoneSettings = UTC_SCHEDULES,
) -> int:
    """`mark`: the project's ownership mark (from the project file), so names too long for a
    portal title with it are reported here already. `project_problems`: the project file's,
    reported first, like a task file's. `assigned`: the --var names (warned about when unused).
    `paths`: one folder (checked as plan reads it), or files and folders (reconciler.taskfiles.partial:
    their names are checked against `task_folder`'s other files too). `zones`: the project's time zones."""
    now = datetime.now(timezone.utc)
    if len(paths) == 1 and not _is_file(paths[0]):
        result = loader.load(paths[0], variables=variables, now=now, mark=mark, assigned=assigned, zones=zones)
    else:
        result = partial.load_files(paths, task_folder=task_folder, variables=variables, now=now, mark=mark,
                                    assigned=assigned, zones=zones)
    if project_problems:
        result = replace(result, problems=project_problems + result.problems)
    if github_actions and fmt == "text" and result.problems:
        echo(validate_views.github_annotations(validate_views.to_dict(result)))
    echo(validate_views.report(result, fmt))
    return 0 if result.ok else 1


def _is_file(path: str) -> bool:
    """A file, or a missing path named like a task file ("no such file or folder", not "no such folder")."""
    try:
        return not stat.S_ISDIR(os.stat(path).st_mode)
    except OSError:
        return path.lower().endswith(TASK_FILE_SUFFIXES)
