"""The views of `validate` (and of plan/apply when task files have problems): the JSON report,
and the text and GitHub annotations rendered from it.

    {
      "format_version": "1",
      "valid": bool,            # no errors (warnings allowed)
      "files": [str],           # the task files read
      "tasks": [str],           # the names of the valid tasks
      "summary": {"errors": int, "warnings": int},
      "problems": [{"path": str, "line": int | null, "column": int | null, "field": str,
                    "severity": "error" | "warning", "message": str, "hint": str | null}]
    }

Secret values are already masked in the problems by the loader; names cannot be secret.
"""

from __future__ import annotations

import json
from typing import Any

from reconciler.model import LoadResult, Problem, Severity
from reconciler.render.common import plural
from reconciler.render.version import FORMAT_VERSION


def problem_to_dict(problem: Problem) -> dict[str, Any]:
    return {
        "path": problem.source.path,
        "line": problem.source.line,
        "column": problem.source.column,
        "field": problem.field,
        "severity": problem.severity.value,
        "message": problem.message,
        "hint": problem.hint,
    }


def to_dict(result: LoadResult) -> dict[str, Any]:
    errors = sum(p.severity is Severity.ERROR for p in result.problems)
    return {
        "format_version": FORMAT_VERSION,
        "valid": result.ok,
        "files": list(result.files),
        "tasks": [spec.name for spec in result.specs],
        "summary": {"errors": errors, "warnings": len(result.problems) - errors},
        "problems": [problem_to_dict(p) for p in result.problems],
    }


def problem_line(item: dict[str, Any]) -> str:
    """`path:line:column: field: [warning: ]message`, then `  hint: ...` on its own line."""
    spot = (item["path"], item["line"], item["column"]) if item["line"] is not None else (item["path"],)
    where = ":".join(str(part) for part in spot if part is not None)
    parts = [where, *([item["field"]] if item["field"] else [])]
    if item["severity"] == Severity.WARNING.value:
        parts.append("warning")
    parts.append(item["message"])
    return ": ".join(parts) + (f"\n  hint: {item['hint']}" if item["hint"] else "")


def render_text(doc: dict[str, Any]) -> str:
    errors, warnings = doc["summary"]["errors"], doc["summary"]["warnings"]
    summary = (f"{plural(len(doc['files']), 'file')}, {plural(len(doc['tasks']), 'valid task')}: "
               f"{plural(errors, 'error')}, {plural(warnings, 'warning')}")
    if errors:
        summary += ". Fix the errors above and run `reconciler validate` again."
    return "\n".join([*(problem_line(p) for p in doc["problems"]), summary])


def render_json(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2)


def report(result: LoadResult, fmt: str) -> str:
    """The report of `validate` (and of plan/apply when task files have problems) in `fmt`:
    text, or json."""
    doc = to_dict(result)
    return render_json(doc) if fmt == "json" else render_text(doc)


def warnings_text(result: LoadResult) -> str:
    """The task files' warnings, as plan and apply print them before the plan."""
    return "\n".join(problem_line(problem_to_dict(p)) for p in result.problems if p.severity is Severity.WARNING)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotations(doc: dict[str, Any]) -> str:
    """Workflow commands that put each problem on its line in a pull request's diff."""
    lines = []
    for p in doc["problems"]:
        props = [f"file={_escape_property(p['path'])}"]
        if p["line"] is not None:
            props.append(f"line={p['line']}")
        if p["column"] is not None:
            props.append(f"col={p['column']}")
        props.append(f"title={_escape_property('reconciler: ' + (p['field'] or 'task'))}")
        message = p["message"] + (f"\n{p['hint']}" if p["hint"] else "")
        lines.append(f"::{p['severity']} {','.join(props)}::{_escape_data(message)}")
    return "\n".join(lines)
