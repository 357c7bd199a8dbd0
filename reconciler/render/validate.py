"""Views of validation problems: text for terminals, JSON for machines, GitHub annotations."""

from __future__ import annotations

import json
from collections.abc import Sequence

from reconciler.model import LoadResult, Problem, Severity

FORMAT_VERSION = "1"


def problem_to_dict(problem: Problem) -> dict[str, object]:
    return {
        "path": problem.source.path,
        "line": problem.source.line,
        "column": problem.source.column,
        "field": problem.field,
        "severity": problem.severity.value,
        "message": problem.message,
        "hint": problem.hint,
    }


def counts(problems: Sequence[Problem]) -> tuple[int, int]:
    errors = sum(p.severity is Severity.ERROR for p in problems)
    return errors, len(problems) - errors


def as_text(result: LoadResult) -> str:
    lines = [str(p) for p in result.problems]
    errors, warnings = counts(result.problems)
    files = len(result.files)
    summary = (
        f"{files} file{'s' * (files != 1)}, {len(result.specs)} valid task{'s' * (len(result.specs) != 1)}: "
        f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
    )
    if errors:
        summary += ". Fix the errors above and run `reconciler validate` again."
    return "\n".join([*lines, summary])


def as_json(result: LoadResult) -> str:
    errors, warnings = counts(result.problems)
    return json.dumps(
        {
            "format_version": FORMAT_VERSION,
            "valid": result.ok,
            "files": list(result.files),
            "tasks": [spec.name for spec in result.specs],
            "summary": {"errors": errors, "warnings": warnings},
            "problems": [problem_to_dict(p) for p in result.problems],
        },
        indent=2,
    )


def problems_text(result: LoadResult, fmt: str) -> str:
    """The report of `validate` (and of plan/apply when task files have problems). Secret values
    are already masked in the problems by the loader; names cannot be secret."""
    return as_json(result) if fmt == "json" else as_text(result)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def as_github_annotations(problems: Sequence[Problem]) -> str:
    """Workflow commands that put each problem on its line in a pull request's diff."""
    lines = []
    for p in problems:
        level = "error" if p.severity is Severity.ERROR else "warning"
        props = [f"file={_escape_property(p.source.path)}"]
        if p.source.line is not None:
            props.append(f"line={p.source.line}")
        if p.source.column is not None:
            props.append(f"col={p.source.column}")
        props.append(f"title={_escape_property('reconciler: ' + (p.field or 'task'))}")
        message = p.message + (f"\n{p.hint}" if p.hint else "")
        lines.append(f"::{level} {','.join(props)}::{_escape_data(message)}")
    return "\n".join(lines)
