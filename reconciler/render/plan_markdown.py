"""The pull-request view of a Plan (PR comments, $GITHUB_STEP_SUMMARY), rendered from the JSON dict.

A heading and a summary table that is always complete, then errors and warnings as GitHub
alerts, one collapsed <details> section per change with a ```diff block, the unchanged names
and the unmanaged tasks. GitHub refuses comments over 65,535 characters, so when the whole
plan does not fit in LIMIT the tail of each list is dropped with a note, keeping in priority
order errors, warnings, changes, unmanaged tasks, unchanged names (once one list is cut,
the lists after it show only their notes).

Every piece of user-controlled text outside code blocks goes through `escape`, so a task
name or title can neither break the layout, inject HTML, mention users nor open math.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from reconciler.planning.plan import SUMMARY_KEYS, Plan
from reconciler.render import load as load_views
from reconciler.render.common import (
    LEGEND,
    WRAP_AT,
    about,
    blocked_line,
    blocked_note,
    clean,
    day_names,
    field_symbol,
    fire,
    in_sync,
    managed_by,
    notice_line,
    plural,
    retired_line,
    summary_parts,
    value,
    waits_note,
    where,
    will_be,
    zone_facts,
)
from reconciler.render.plan_json import plan_to_dict

LIMIT = 65_000
_BLOCKED_SHOWN = 20  # listed by name in the always-shown head; the rest say so in their section
_PRIORITY = ("errors", "warnings", "changes", "unmanaged", "unchanged")
_ENTITIES = {ord(c): f"&#{ord(c)};" for c in "\\`*_[]<>&|~@$"}  # what GitHub would read as markup


def escape(text: str) -> str:
    """Text that GitHub shows literally, in Markdown and in HTML blocks alike."""
    return clean(text).translate(_ENTITIES)


def render(plan: Plan, *, color: bool = False) -> str:
    """`color` is ignored: Markdown has none."""
    return render_dict(plan_to_dict(plan))


@dataclass
class _Group:
    """A list that may lose its tail to the comment limit; `noun` is singular."""

    noun: str
    opening: str
    items: list[str]
    closing: str = "\n"
    note_prefix: str = ""
    opening_when_empty: str | None = None  # e.g. a title without its table header
    kept: int = field(default=0)

    def text(self) -> str:
        if not self.items:
            return ""
        dropped = len(self.items) - self.kept
        if not dropped:
            return self.opening + "".join(self.items) + self.closing
        noun = self.noun if dropped == 1 else self.noun + "s"
        more = "more " if self.kept else ""
        note = f"…{dropped} {more}{noun} not shown (comment limit); see the full plan in the job summary / JSON\n"
        opening = self.opening if self.kept or self.opening_when_empty is None else self.opening_when_empty
        closing = self.closing or "\n"
        if self.kept == 0 and self.opening_when_empty is not None:
            return opening + note + closing
        return opening + "".join(self.items[: self.kept]) + self.note_prefix + note + closing


def render_dict(doc: dict[str, Any], *, limit: int | None = LIMIT) -> str:
    """`limit` None: the whole plan, however long (a file, not a comment)."""
    head = _head(doc)
    groups = {
        "errors": _errors(doc["errors"]),
        "warnings": _warnings(doc["warnings"]),
        "changes": _Group("change", "", [_change(c) for c in doc["changes"]], closing=""),
        "unchanged": _unchanged(doc["unchanged"]),
        "unmanaged": _unmanaged(doc["unmanaged"]),
    }
    _fit(head, groups, LIMIT if limit is None else limit, whole=limit is None)
    body = "".join(groups[k].text() for k in ("errors", "warnings", "changes", "unchanged", "unmanaged"))
    return (head + body).rstrip("\n") + "\n"


def _fit(head: str, groups: dict[str, _Group], limit: int, *, whole: bool = False) -> None:
    """Keep a prefix of each list, in priority order; once a list is cut, later ones get nothing."""
    for group in groups.values():
        group.kept = len(group.items)
    if whole or len(head) + sum(len(g.text()) for g in groups.values()) <= limit:
        return
    budget = limit - len(head) - sum(len(g.opening) + len(g.closing) + 200 for g in groups.values())
    cut = False
    for key in _PRIORITY:
        group = groups[key]
        group.kept = 0
        for item in group.items:
            if cut or len(item) > budget:
                cut = True
                break
            budget -= len(item)
            group.kept += 1


def _head(doc: dict[str, Any]) -> str:
    summary = doc["summary"]
    title = summary_parts(summary)
    lines = [
        f"### Reconciler plan: {title}" if doc["changes"] else "### Reconciler plan: no changes",
        "",
        f"Portal {escape(doc['portal'])}, owner {escape(doc['owner'])}; managed titles start with "
        f"“{escape(doc['mark'])}”.",
        "",
        "| Action | Count |",
        "| --- | ---: |",
    ]
    for key in SUMMARY_KEYS:
        symbol = f"<code>{escape(LEGEND[key][0])}</code> " if key in LEGEND else ""
        lines.append(f"| {symbol}{key} | {summary[key]} |")
    lines.append("")
    if not doc["changes"] and not doc["errors"]:
        lines += [in_sync(doc), ""]
    retired = retired_line(doc, escape)
    if retired:
        lines += [retired, ""]
    lines += load_views.markdown_lines(doc, escape)
    notices = doc.get("notices", [])  # absent in plans saved by older releases
    if notices:
        shown = notices[:_BLOCKED_SHOWN]
        lines += ["> [!NOTE]", *(f"> - {notice_line(n, escape, _bold)}" for n in shown)]
        if len(notices) > len(shown):
            lines.append(f"> - …and {len(notices) - len(shown)} more (see the JSON plan)")
        lines.append("")
    blocked = [c for c in doc["changes"] if c["blocked"]]
    if blocked:
        lines += ["> [!IMPORTANT]", f"> {blocked_line(len(blocked))}"]
        lines += [f"> - **{escape(c['name'])}**: {escape(c['blocked'])}" for c in blocked[:_BLOCKED_SHOWN]]
        if len(blocked) > _BLOCKED_SHOWN:
            lines.append(f"> - …and {len(blocked) - _BLOCKED_SHOWN} more (see each change)")
        lines.append("")
    return "\n".join(lines) + "\n"


def _diagnostic_line(item: dict[str, Any]) -> str:
    hint = f"<br>hint: {escape(item['hint'])}" if item["hint"] else ""
    return f"> - {about(item, escape, _bold)}{escape(item['message'])}{hint}\n"


def _bold(text: str) -> str:
    return f"**{text}**"


def _errors(errors: list[dict[str, Any]]) -> _Group:
    them = "it is" if len(errors) == 1 else "they are"
    opening = f"> [!CAUTION]\n> **{plural(len(errors), 'error')}**: apply refuses this plan until {them} fixed.\n"
    return _Group("error", opening, [_diagnostic_line(e) for e in errors], note_prefix="> - ")


def _warnings(warnings: list[dict[str, Any]]) -> _Group:
    opening = f"> [!WARNING]\n> **{plural(len(warnings), 'warning')}**\n"
    return _Group("warning", opening, [_diagnostic_line(w) for w in warnings], note_prefix="> - ")


def _change(change: dict[str, Any]) -> str:
    symbol = LEGEND[change["action"]][0]
    flag = " — <b>blocked</b>" if change["blocked"] else ""
    summary = f"<code>{escape(symbol)}</code> {escape(change['name'])} — {', '.join(change['actions'])}{flag}"
    lines = [f"<details><summary>{summary}</summary>", ""]
    paused = change["next_fires"].get("paused", False)
    facts = [f"{escape(change['name'])} (owner {escape(change['owner'])}) {will_be(change['actions'], paused=paused)}."]
    if change["task_id"] is not None:
        facts.append(f"Task id: {escape(change['task_id'])}")
    if change["reason"]:
        facts.append(f"Reason: {escape(change['reason'])}")
    if change["waits_for"] is not None:
        note = waits_note(change["waits_for"], escape)
        facts.append(note[0].upper() + note[1:])
    if change["source"] is not None:
        facts.append(f"Declared at: {escape(where(change['source']))}")
    facts += [fact[0].upper() + fact[1:] for fact in zone_facts(change.get("time_zone"), escape)]
    if change["blocked"]:
        facts.append(f"**Blocked**: {blocked_note(change['blocked'], escape)}")
    for kind in ("errors", "warnings"):
        for item in change[kind]:
            hint = f" (hint: {escape(item['hint'])})" if item["hint"] else ""
            facts.append(f"**{kind[:-1]}**: {escape(item['message'])}{hint}")
    lines += [f"- {fact}" for fact in facts] + [""]
    if change["fields"]:
        lines += [*_diff(change["fields"], change["action"]), ""]
    lines += _fires(change["next_fires"])
    lines += ["</details>", ""]
    return "\n".join(lines) + "\n"


def _diff(fields: list[dict[str, Any]], action: str) -> list[str]:
    body: list[str] = []
    for item in fields:
        for sign, data in _sides(item, action):
            line = f"{sign} {clean(item['path'])}: {value(data, secret=item['secret'])}{day_names(item, data)}"
            if len(line) > WRAP_AT:
                line = f"{sign} {clean(item['path'])}: {value(data, secret=item['secret'], indent=2)}"
                line = line.replace("\n", f"\n{sign} ")
            body.append(line)
    fence = "`" * max(3, _longest_backtick_run(body) + 1)
    return [f"{fence}diff", *body, fence]


def _sides(item: dict[str, Any], action: str) -> list[tuple[str, Any]]:
    """The diff lines of a field: + the new value, - the old one, or both for a change."""
    symbol = field_symbol(item, action)
    if symbol == "+":
        return [("+", item["after"])]
    if symbol == "-":
        return [("-", item["before"])]
    return [("-", item["before"]), ("+", item["after"])]


def _longest_backtick_run(lines: list[str]) -> int:
    return max((len(run) for line in lines for run in _BACKTICKS.findall(line)), default=0)


_BACKTICKS = re.compile("`+")


def _fires(fires: dict[str, list[str]]) -> list[str]:
    columns = [(label, fires[label]) for label in ("before", "after") if fires[label]]
    if not columns:
        return []
    if not fires["before"]:  # a create: one side, no before/after
        heading = "Next fire times (UTC) if enabled" if fires.get("paused") else "Next fire times (UTC)"
        labels = ["Time"]
    else:
        heading = "Next fire times (UTC) if enabled: it stays paused and will not fire" if fires.get("paused") else \
            "Next fire times (UTC)"
        labels = [label.capitalize() for label, _ in columns]
    rows = [
        f"| {heading} | " + " | ".join(labels) + " |",
        "| ---: |" + " --- |" * len(columns),
    ]
    for i in range(max(len(times) for _, times in columns)):
        cells = [escape(fire(times[i])) if i < len(times) else "" for _, times in columns]
        rows.append(f"| {i + 1} | " + " | ".join(cells) + " |")
    return [*rows, ""]


def _unchanged(names: list[str]) -> _Group:
    opening = f"<details><summary>{plural(len(names), 'unchanged task')}</summary>\n\n"
    return _Group("unchanged task", opening, [f"- {escape(n)}\n" for n in names], closing="\n</details>\n\n", note_prefix="- ")


def _unmanaged(tasks: list[dict[str, Any]]) -> _Group:
    title = "#### Unmanaged tasks (not touched)\n\n"
    opening = title + "| Id | Title | Owner | Type | Active | Managed by |\n| --- | --- | --- | --- | --- | --- |\n"
    rows = [
        f"| {escape(t['id'])} | {escape(t['title'])} | {escape(t['owner'])} | {escape(t['type'])} | "
        f"{'yes' if t['active'] else 'no'} | {escape(managed_by(t)[len('managed by '):])} |\n"
        for t in tasks
    ]
    return _Group("unmanaged task", opening, rows, note_prefix="\n", opening_when_empty=title)
