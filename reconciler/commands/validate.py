"""`reconciler validate`: check task files offline and report every problem."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timezone

from reconciler.render import validate as report
from reconciler.taskfiles import loader

Echo = Callable[[str], None]


def run(
    directory: str, *, fmt: str, variables: Mapping[str, str], github_actions: bool, echo: Echo
) -> int:
    result = loader.load(directory, variables=variables, now=datetime.now(timezone.utc))
    if github_actions and fmt == "text" and result.problems:
        echo(report.github_annotations(report.to_dict(result)))
    echo(report.problems_text(result, fmt))
    return 0 if result.ok else 1
