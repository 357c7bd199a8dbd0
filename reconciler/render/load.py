"""The coming day's load in the text and Markdown plan views: fire times per UTC hour, one compact
histogram row per federated server, rendered from the plan JSON's `load` (plan_json)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reconciler.instants import parse_instant

HOURS = 24
_LEVELS = "▁▂▃▄▅▆▇█"
_NONE = "·"
SHOWN = 10  # servers shown; the JSON has every one
URL_WIDTH = 60  # a longer server URL is cut (its end kept out) so that every row's bars stay under the axis


def hourly(load: dict[str, Any], series: dict[str, Any], hours: int = HOURS) -> list[int]:
    """Fire times per hour from the load's start, for the first `hours` hours."""
    start = parse_instant(load["start"])
    counts = [0] * hours
    for at, count in series["buckets"].items():
        hour = int((parse_instant(at) - start).total_seconds() // 3600)
        if 0 <= hour < hours:
            counts[hour] += count
    return counts


def bars(counts: list[int], top: int | None = None) -> str:
    """`··█··▃`: one character per hour, scaled to `top` (the busiest hour of every row shown, so
    rows compare), by default this row's busiest."""
    top = max(counts, default=0) if top is None else top
    return "".join(_NONE if n == 0 else _LEVELS[min(len(_LEVELS) - 1, (n * len(_LEVELS) - 1) // top)] for n in counts)


def _peak(load: dict[str, Any], counts: list[int]) -> str:
    top = max(counts, default=0)
    if not top:
        return "none"
    hour = (parse_instant(load["start"]).hour + counts.index(top)) % 24
    return f"{top} at {hour:02d}:00"


def _rows(load: dict[str, Any]) -> tuple[list[tuple[dict[str, Any], list[int]]], int]:
    """The servers shown with their hourly counts, and the busiest hour among them."""
    rows = [(s, hourly(load, s)) for s in load["servers"][:SHOWN]]
    return rows, max((max(c) for _, c in rows), default=0)


def _axis(load: dict[str, Any]) -> str:
    """Hour labels every 6 hours, aligned over the bars."""
    first = parse_instant(load["start"]).hour
    return "".join(f"{(first + h) % 24:02d}    " for h in range(0, HOURS, 6))[:HOURS].rstrip()


def _title(load: dict[str, Any]) -> str:
    start = load["start"].replace("T", " ").replace(":00Z", " UTC")
    return f"Load over the next 24 hours: fire times per hour from {start}, the GP service tasks as planned"


def _more(load: dict[str, Any]) -> list[str]:
    notes = []
    if len(load["servers"]) > SHOWN:
        notes.append(f"…and {len(load['servers']) - SHOWN} more servers (see --format json)")
    if load["capped"]:
        notes.append(f"{len(load['capped'])} task{'s fire' if len(load['capped']) > 1 else ' fires'} more than "
                     f"{load['cap']} times in {load['days']} days: only the first {load['cap']} are counted")
    return notes


def text_lines(doc: dict[str, Any], clean: Callable[[str], str]) -> list[str]:
    load = doc.get("load")
    if not load or not load["servers"]:
        return []
    rows, top = _rows(load)
    width = min(URL_WIDTH, max(len(clean(s["url"])) for s, _ in rows))
    lines = [_title(load) + ":", f"  {'':{width}}  {_axis(load)}".rstrip()]
    for s, counts in rows:
        lines.append(f"  {_fit(clean(s['url']), width):{width}}  {bars(counts, top)}  peak {_peak(load, counts)}, {sum(counts)} in 24 h, "
                     f"{s['fires']} in {load['days']} days ({s['tasks']} task{'s' if s['tasks'] != 1 else ''})")
    return [*lines, *(f"  {note}" for note in _more(load)), ""]


def markdown_lines(doc: dict[str, Any], escape: Callable[[str], str]) -> list[str]:
    load = doc.get("load")
    if not load or not load["servers"]:
        return []
    lines = [f"**{escape(_title(load))}**", "",
             f"| Server | <code>{_axis(load).replace(' ', '&nbsp;')}</code> | Peak | 24 h | {load['days']} days | Tasks |",
             "| --- | --- | ---: | ---: | ---: | ---: |"]
    rows, top = _rows(load)
    for s, counts in rows:
        lines.append(f"| {escape(s['url'])} | <code>{bars(counts, top)}</code> | {_peak(load, counts)} | {sum(counts)} | "
                     f"{s['fires']} | {s['tasks']} |")
    return [*lines, *(f"\n{escape(note)}" for note in _more(load)), ""]


def _fit(url: str, width: int) -> str:
    return url if len(url) <= width else url[: width - 1] + "…"
