"""The task schema as the loader checks it: without the `${...}` alternative editors need.

The shipped schema (schemas/task.schema.json) is read by editors and check-jsonschema on files as
written, where `task_url: ${GP_SERVER_URL:-https://...}/rest/...` cannot match the URL pattern, so
each patterned string field says `anyOf: [{pattern: ...}, {$ref: #/$defs/placeholder}]`. The loader
validates after substitution, when no reference is left to excuse: it drops that alternative, so a
substituted value (or a literal `$${` that became `${`) must meet the field's own rule.
"""

from __future__ import annotations

from typing import Any

PLACEHOLDER = {"$ref": "#/$defs/placeholder"}


def for_checking(node: Any) -> Any:
    """`node` with every placeholder alternative removed (an `anyOf` left with one branch is
    merged into its parent, so the loader sees the plain `pattern` its messages expect)."""
    if isinstance(node, list):
        return [for_checking(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: for_checking(value) for key, value in node.items() if key != "anyOf"}
    if "anyOf" in node:
        branches = [for_checking(b) for b in node["anyOf"] if b != PLACEHOLDER]
        if len(branches) == 1 and not set(branches[0]) & set(out):
            out.update(branches[0])
        else:
            out["anyOf"] = branches
    defs = out.get("$defs")
    if isinstance(defs, dict) and "placeholder" in defs:
        out["$defs"] = {k: v for k, v in defs.items() if k != "placeholder"} or None
        if out["$defs"] is None:
            del out["$defs"]
    return out
