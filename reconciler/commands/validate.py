"""`reconciler validate`: check task files offline and report every problem."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timezone

from reconciler import loader, report
from reconciler.variables import redact

Echo = Callable[[str], None]


def run(
    directory: str, *, fmt: str, variables: Mapping[str, str], github_actions: bool, echo: Echo
) -> int:
    result = loader.load(directory, variables=variables, now=datetime.now(timezone.utc))

    def out(text: str) -> None:
        # A secret may reach any part of the report (e.g. a task name); mask it everywhere.
        echo(redact(text, result.secret_values))

    if github_actions and fmt == "text" and result.problems:
        out(report.as_github_annotations(result.problems))
    out(report.as_json(result) if fmt == "json" else report.as_text(result))
    return 0 if result.ok else 1
