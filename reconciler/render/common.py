"""Wording and value formatting shared by the text and Markdown views (both read the JSON dict)."""

from __future__ import annotations

import json
from typing import Any

from reconciler.instants import parse_instant
from reconciler.plan import SECRET_MASK, SUMMARY_KEYS

# Legend label and header wording per action, in legend order.
LEGEND = {
    "create": ("+", "create"),
    "update": ("~", "update in place"),
    "enable": (">", "enable"),
    "disable": ("!", "disable"),
    "delete": ("-", "delete (erases the task's run history)"),
}
VERBS = {
    "create": "created",
    "update": "updated in place",
    "enable": "enabled",
    "disable": "disabled",
    "delete": "deleted (its run history is erased)",
}
WRAP_AT = 100
_CONTROL = {c: f"\\u{c:04x}" for c in [*range(0x20), 0x7F]}


def clean(text: str) -> str:
    """User-controlled text on one line, with no control characters (no terminal escapes)."""
    return text.translate(_CONTROL)


def will_be(actions: list[str]) -> str:
    return "will be " + " and ".join(VERBS[a] for a in actions)


def value(data: Any, *, secret: bool, indent: int | None = None) -> str:
    """A field value as JSON; a masked secret shows as (secret), unquoted."""
    if secret and data == SECRET_MASK:
        return SECRET_MASK
    return json.dumps(data, ensure_ascii=False, indent=indent)


def field_symbol(field: dict[str, Any], action: str) -> str:
    """+ set by a create (or newly set), - removed, ~ changed."""
    if action == "create" or field["before"] is None:
        return "+"
    if field["after"] is None:
        return "-"
    return "~"


def fire(timestamp: str) -> str:
    """`Mon 2026-06-01T02:00:00Z`: the UTC time as the plan holds it, with its weekday."""
    try:
        moment = parse_instant(timestamp)
    except ValueError:
        return clean(timestamp)
    return f"{moment.strftime('%a')} {clean(timestamp)}"


def summary_line(summary: dict[str, int]) -> str:
    parts = [f"{summary[k]} to {k}" for k in SUMMARY_KEYS[:-1]]
    return f"Plan: {', '.join(parts)}, {summary['unchanged']} unchanged."


def where(source: dict[str, Any] | None) -> str:
    if source is None:
        return ""
    line = source.get("line")
    return clean(source["path"]) + (f":{line}" if line is not None else "")


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def attached(diagnostic: dict[str, Any], changes: list[dict[str, Any]]) -> bool:
    """Whether a diagnostic is shown with a change (the rule of json.concerns, on the dict)."""
    return any(diagnostic["name"] == c["name"] and diagnostic["owner"] in (None, c["owner"]) for c in changes)
