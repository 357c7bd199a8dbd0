"""`reconciler validate`: check task files offline and report every problem."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, timezone

from reconciler.commands import Echo
from reconciler.model import Problem, ZoneSettings
from reconciler.render import validate as validate_views
from reconciler.taskfiles import loader
from reconciler.taskfiles.loader import UTC_SCHEDULES


def run(
    directory: str, *, fmt: str, variables: Mapping[str, str], github_actions: bool, echo: Echo,
    mark: str | None = None, project_problems: tuple[Problem, ...] = (), assigned: tuple[str, ...] = (),
    zones: ZoneSettings = UTC_SCHEDULES,
) -> int:
    """`mark`: the project's ownership mark (from the project file), so names too long for a
    portal title with it are reported here already. `project_problems`: the project file's,
    reported first, like a task file's. `assigned`: the --var names (warned about when unused)."""
    result = loader.load(directory, variables=variables, now=datetime.now(timezone.utc), mark=mark, assigned=assigned,
                         zones=zones)
    if project_problems:
        result = replace(result, problems=project_problems + result.problems)
    if github_actions and fmt == "text" and result.problems:
        echo(validate_views.github_annotations(validate_views.to_dict(result)))
    echo(validate_views.report(result, fmt))
    return 0 if result.ok else 1
