"""`reconciler validate`: check task files offline and report every problem."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone

from reconciler.commands import Echo
from reconciler.render import validate as validate_views
from reconciler.taskfiles import loader


def run(
    directory: str, *, fmt: str, variables: Mapping[str, str], github_actions: bool, echo: Echo
) -> int:
    result = loader.load(directory, variables=variables, now=datetime.now(timezone.utc))
    if github_actions and fmt == "text" and result.problems:
        echo(validate_views.github_annotations(validate_views.to_dict(result)))
    echo(validate_views.report(result, fmt))
    return 0 if result.ok else 1
