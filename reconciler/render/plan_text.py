"""The terminal view of a Plan, modelled on `terraform plan`: legend, one block per change,
errors and warnings, the summary line, then the unmanaged tasks. Rendered from the JSON dict."""

from __future__ import annotations

from typing import Any

from reconciler.planning.plan import Plan
from reconciler.render import load as load_views
from reconciler.render.common import (
    LEGEND,
    WRAP_AT,
    about,
    attached,
    blocked_line,
    blocked_note,
    clean,
    day_names,
    field_symbol,
    fire,
    in_sync,
    managed_by,
    notice_line,
    owners_by_name,
    retired_line,
    summary_line,
    value,
    waits_note,
    where,
    will_be,
    zone_facts,
)
from reconciler.render.plan_json import plan_to_dict

_RESET = "\x1b[0m"
_COLORS = {
    "+": "\x1b[32m",
    "~": "\x1b[33m",
    "-": "\x1b[31m",
    ">": "\x1b[36m",
    "!": "\x1b[36m",
    "error": "\x1b[1;31m",
    "warning": "\x1b[1;33m",
    "bold": "\x1b[1m",
}
# Not "!": that is the symbol of a disable.
_MARKERS = {"error": "x", "warning": "*"}


class _Out:
    def __init__(self, color: bool) -> None:
        self.lines: list[str] = []
        self.color = color

    def add(self, text: str = "", style: str | None = None) -> None:
        if self.color and style and text:
            text = f"{_COLORS[style]}{text}{_RESET}"
        self.lines.append(text)


def render(plan: Plan, *, color: bool = False) -> str:
    return render_dict(plan_to_dict(plan), color=color)


def render_dict(doc: dict[str, Any], *, color: bool = False) -> str:
    out = _Out(color)
    out.add(f"Plan for {clean(doc['portal'])}, owner {clean(doc['owner'])} (managed titles start with {value(doc['mark'], secret=False)}).")
    out.add()
    clean_plan = not doc["changes"] and not doc["errors"]
    if clean_plan:
        out.add(in_sync(doc), "bold")
        out.add()
    else:
        _legend(out, doc["changes"])
        for change in doc["changes"]:
            _change(out, change)
    retired = retired_line(doc, clean)
    if retired:
        out.add(retired)
        out.add()
    _diagnostics(out, doc)
    for line in load_views.text_lines(doc, clean):
        out.add(line)
    notices = doc.get("notices", [])  # absent in plans saved by older releases
    if notices:
        out.add("Notes:", "bold")
        for item in notices:
            out.add(f"  - {notice_line(item, clean)}")
        out.add()
    out.add(summary_line(doc["summary"]), "bold")
    blocked = sum(1 for c in doc["changes"] if c["blocked"])
    if blocked:
        out.add(blocked_line(blocked), "warning")
    out.add()
    _unmanaged(out, doc["unmanaged"])
    while out.lines and not out.lines[-1]:
        out.lines.pop()
    return "\n".join(out.lines)


def _legend(out: _Out, changes: list[dict[str, Any]]) -> None:
    present = {c["action"] for c in changes}
    if not present:
        return
    out.add("Actions are shown with these symbols:")
    for action, (symbol, label) in LEGEND.items():
        if action in present:
            out.add(f"  {symbol} {label}", symbol)
    out.add()


def _change(out: _Out, change: dict[str, Any]) -> None:
    symbol = LEGEND[change["action"]][0]
    who = f"owner {clean(change['owner'])}"
    if change["task_id"] is not None:
        who += f", id {clean(change['task_id'])}"
    paused = change["next_fires"].get("paused", False)
    out.add(f"{symbol} {clean(change['name'])} ({who}) {will_be(change['actions'], paused=paused)}", symbol)
    if change["reason"]:
        out.add(f"    # {clean(change['reason'])}")
    if change["waits_for"] is not None:
        out.add(f"    # {waits_note(change['waits_for'], clean)}")
    if change["source"] is not None:
        out.add(f"    # declared at {where(change['source'])}")
    for fact in zone_facts(change.get("time_zone"), clean):
        out.add(f"    # {fact}")
    if change["blocked"]:
        out.add(f"    # BLOCKED: {blocked_note(change['blocked'], clean)}", "error")
    for field in change["fields"]:
        _field(out, field, change["action"])
    _fires(out, change["next_fires"])
    for item in change["errors"]:
        _item(out, "error", item, "  ")
    for item in change["warnings"]:
        _item(out, "warning", item, "  ")
    out.add()


def _field(out: _Out, field: dict[str, Any], action: str) -> None:
    symbol = field_symbol(field, action)
    path = clean(field["path"])
    before = value(field["before"], secret=field["secret"]) + day_names(field, field["before"])
    after = value(field["after"], secret=field["secret"]) + day_names(field, field["after"])
    shown = after if symbol == "+" else f"{before} -> {after}"
    line = f"    {symbol} {path}: {shown}"
    if len(line) <= WRAP_AT:
        out.add(line, symbol)
        return
    if symbol == "+":  # one side: the value alone, continued under the path
        text = value(field["after"], secret=field["secret"], indent=2).split("\n")
        out.add(f"    + {path}: {text[0]}", symbol)
        for rest in text[1:]:
            out.add(f"      {rest}", symbol)
        return
    out.add(f"    {symbol} {path}:", symbol)
    for label, data in (("before", field["before"]), ("after", field["after"])):
        text = value(data, secret=field["secret"], indent=2).split("\n")
        out.add(f"        {label}: {text[0]}", symbol)
        for rest in text[1:]:
            out.add(f"        {rest}", symbol)


def _fires(out: _Out, fires: dict[str, list[str]]) -> None:
    if not fires["before"] and not fires["after"]:
        return
    if not fires["before"]:  # a create (or a task that fires no more as it stands): one side, no labels
        out.add("    next fire times (UTC), were it enabled:" if fires.get("paused") else "    next fire times (UTC):")
        out.add(f"      {', '.join(fire(t) for t in fires['after'])}")
        return
    out.add("    next fire times (UTC), were it enabled: it stays paused and will not fire:" if fires.get("paused")
            else "    next fire times (UTC):")
    for label in ("before", "after"):
        if fires[label]:
            out.add(f"      {label + ':':7} {', '.join(fire(t) for t in fires[label])}")


def _item(out: _Out, severity: str, item: dict[str, Any], indent: str) -> None:
    out.add(f"{indent}{_MARKERS[severity]} {severity}: {clean(item['message'])}", severity)
    if item["hint"]:
        out.add(f"{indent}    hint: {clean(item['hint'])}")


def _diagnostics(out: _Out, doc: dict[str, Any]) -> None:
    index = owners_by_name((c["name"], c["owner"]) for c in doc["changes"])
    loose = [w for w in doc["warnings"] if not attached((w["name"], w["owner"]), index)]
    sections = (
        ("error", "Errors (apply refuses this plan until they are fixed):", doc["errors"]),
        ("warning", "Warnings:", loose),
    )
    for severity, title, items in sections:
        if not items:
            continue
        out.add(title, severity)
        for item in items:
            _diagnostic(out, item)
        out.add()


def _diagnostic(out: _Out, item: dict[str, Any]) -> None:
    out.add(f"  - {about(item, clean)}{clean(item['message'])}")
    if item["hint"]:
        out.add(f"      hint: {clean(item['hint'])}")


def _unmanaged(out: _Out, tasks: list[dict[str, Any]]) -> None:
    if not tasks:
        return
    out.add("Unmanaged tasks (not touched):", "bold")
    for task in tasks:
        state = "active" if task["active"] else "inactive"
        whose = f", {clean(managed_by(task))}" if managed_by(task) else ""
        out.add(f"  {clean(task['id'])} {value(task['title'], secret=False)} (owner {clean(task['owner'])}, "
                f"{clean(task['type'])}, {state}{whose})")
