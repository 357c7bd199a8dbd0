"""Wording and value formatting shared by the text and Markdown views (both read the JSON dict)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from reconciler import quartz
from reconciler.instants import parse_instant
from reconciler.masking import SECRET_MASK
from reconciler.planning.plan import SUMMARY_KEYS, Action

_LABELS = {
    Action.CREATE: "create",
    Action.UPDATE: "update in place",
    Action.ENABLE: "enable",
    Action.DISABLE: "disable",
    Action.DELETE: "delete (erases the task's run history)",
}
# Legend symbol and label per action, in legend order.
LEGEND = {a.value: (a.symbol, _LABELS[a]) for a in Action}
# What a plan adds to an action's past tense (Action.past) when it says what will happen.
_WILL_BE_NOTES = {Action.UPDATE: " in place", Action.DELETE: " (its run history is erased)"}
WRAP_AT = 100
# C0 and C1 controls (0x9B is a terminal's CSI) and the bidirectional controls, which reorder the
# rest of a line in a terminal (U+202E right-to-left override).
_BIDI = [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_CONTROL = {c: f"\\u{c:04x}" for c in [*range(0x20), *range(0x7F, 0xA0), *_BIDI]}


def clean(text: str) -> str:
    """User-controlled text on one line, with no control characters (no terminal escapes, no
    bidirectional reordering)."""
    return text.translate(_CONTROL)


def will_be(actions: list[str], *, paused: bool = False) -> str:
    """`will be updated in place and enabled`; a task created paused says that it will not fire."""
    if paused and actions == [Action.CREATE.value]:
        return "will be created paused (enabled: false): it will not fire"
    return "will be " + " and ".join(Action(a).past + _WILL_BE_NOTES.get(Action(a), "") for a in actions)


# The most of one value's JSON the text and Markdown views show [I]: a 5.8 MB FeatureSet parameter
# made a 13 MB text plan. A longer value shows its first _HEAD characters, its size and where to
# read it whole (the JSON view keeps every value).
SHOWN_AT_MOST = 2_000
_HEAD = 200


def value(data: Any, *, secret: bool, indent: int | None = None) -> str:
    """A field value as JSON; a masked secret shows as (secret), unquoted; a long one is cut short
    (SHOWN_AT_MOST) with its size: `{"features": [...… (5.8 MB; see --format json)`."""
    if secret and data == SECRET_MASK:
        return SECRET_MASK
    text = json.dumps(data, ensure_ascii=False)
    if len(text) > SHOWN_AT_MOST:
        return f"{text[:_HEAD]}… ({size(len(text.encode('utf-8')))}; see --format json)"
    return text if indent is None else json.dumps(data, ensure_ascii=False, indent=indent)


def size(count: int) -> str:
    """`980 bytes`, `2.3 kB`, `5.8 MB` (decimal units)."""
    if count < 1_000:
        return f"{count:,} bytes"
    return f"{count / 1_000:.1f} kB" if count < 1_000_000 else f"{count / 1_000_000:.1f} MB"


def day_names(field: dict[str, Any], data: Any) -> str:
    """` (1-5 = SUN-THU)` after a schedule whose day-of-week is numbers: Quartz counts 1 = SUN, Unix 1 = MON."""
    words = data.split() if field["path"] == "schedule" and isinstance(data, str) else []
    note = quartz.day_numbers_note(words[5]) if len(words) >= 6 else None
    return f" ({note})" if note else ""


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


def summary_parts(summary: dict[str, int]) -> str:
    """`1 to create, …, 0 to delete, 3 unchanged`."""
    parts = [f"{summary[k]} to {k}" for k in SUMMARY_KEYS[:-1]]
    return f"{', '.join(parts)}, {summary['unchanged']} unchanged"


def summary_line(summary: dict[str, int]) -> str:
    return f"Plan: {summary_parts(summary)}."


def where(source: dict[str, Any] | None) -> str:
    if source is None:
        return ""
    line = source.get("line")
    return clean(source["path"]) + (f":{line}" if line is not None else "")


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


Escape = Callable[[str], str]
Named = tuple[str | None, str | None]  # the (name, owner) a diagnostic names; either may be None


def concerns(diagnostic: Named, change: tuple[str, str]) -> bool:
    """The one rule: a diagnostic is shown with a change by name, and by owner when it names one."""
    name, owner = diagnostic
    return name == change[0] and owner in (None, change[1])


def owners_by_name(changes: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """The owners of the changes of each name: an index built once per plan."""
    index: dict[str, list[str]] = {}
    for name, owner in changes:
        index.setdefault(name, []).append(owner)
    return index


def attached(diagnostic: Named, index: dict[str, list[str]]) -> bool:
    """Whether a diagnostic is shown with some change (`index` from owners_by_name)."""
    name = diagnostic[0]
    return name is not None and any(concerns(diagnostic, (name, owner)) for owner in index.get(name, ()))


def about(item: dict[str, Any], esc: Escape, strong: Escape = lambda s: s) -> str:
    """`name (owner o) at path: ` before a diagnostic's message; empty when it names nothing."""
    parts = [strong(esc(item["name"]))] if item["name"] else []
    if item["owner"]:
        parts.append(f"(owner {esc(item['owner'])})")
    if item["source"] is not None:
        parts.append(f"at {esc(where(item['source']))}")
    return " ".join(parts) + ": " if parts else ""


def waits_note(waits: dict[str, str], esc: Escape) -> str:
    return f"deleted only once {esc(waits['name'])} under {esc(waits['owner'])} is in place (one move)"


def blocked_note(reason: str, esc: Escape) -> str:
    return f"{esc(reason)} (apply skips this change)"


def blocked_line(count: int) -> str:
    return f"{plural(count, 'change')} blocked: apply skips {'it' if count == 1 else 'them'}."


def managed_by(task: dict[str, Any]) -> str:
    """Who manages an unmanaged task, in words: "" when nobody (no reconciler mark)."""
    project = task.get("managed_by")
    if project is None:
        return ""
    return f"managed by project {project}" if project else "managed by reconciler without a project"


def in_sync(doc: dict[str, Any]) -> str:
    """What a plan without changes or errors says; a partial one (--only) says it is partial."""
    if doc.get("only"):
        return f"No changes among the tasks matching {', '.join(doc['only'])} (a partial plan: --only)."
    if doc.get("withheld"):
        held = doc["withheld"]
        return (f"No changes planned, but {plural(len(held), 'task')} still {'differs' if len(held) == 1 else 'differ'} "
                f"from tasks.d, held back by --no-delete: {', '.join(held)}.")
    return "No changes. The portal matches tasks.d."


def retired_line(doc: dict[str, Any], esc: Escape) -> str | None:
    """The tasks on_remove: disable leaves paused: no change, yet not declared either."""
    names = doc.get("retired") or []
    if not names:
        return None
    stay = "stays" if len(names) == 1 else "stay"
    return (f"{plural(len(names), 'task')} not declared in tasks.d {stay} disabled (on_remove: disable): "
            f"{', '.join(esc(n) for n in names)}.")


def zone_facts(zone: dict[str, Any] | None, esc: Escape) -> list[str]:
    """A task written in local time: the schedule as written, what is sent, the next change."""
    if zone is None:
        return []
    facts = [f"local time: {esc(zone['local'])} in {esc(zone['zone'])}, sent as {esc(zone['compiled'])} "
             f"({esc(zone['scheduler_zone'])})"]
    if zone["next_change"] and zone["next_compiled"]:
        facts.append(f"next daylight-saving change: {esc(zone['next_change'])}, then sent as "
                     f"{esc(zone['next_compiled'])}")
    return facts


def notice_line(item: dict[str, Any], esc: Escape, strong: Escape = lambda s: s) -> str:
    return f"{strong(esc(item['name']))} (owner {esc(item['owner'])}): {esc(item['message'])}"
