"""`reconciler report` as one static HTML file: no script, no server, no external asset (the
style is inline), so it opens offline and can be mailed or kept as a build artefact. Rendered
from the report's data (reconciler.render.report), whose secrets are masked already; every piece
of text goes through `_text` (control characters shown as \\uXXXX, then HTML-escaped, quotes
included), so a task name or parameter can neither break the page nor inject markup.
"""

from __future__ import annotations

import html
import json
from typing import Any

from reconciler.render.common import clean

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_STYLE = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1b1f24;background:#f6f8fa}
header{background:#24292f;color:#fff;padding:16px 24px}header h1{margin:0 0 4px;font-size:20px}
header p{margin:0;color:#d0d7de}main{padding:8px 24px 32px}h2{margin:24px 0 8px;font-size:17px}
h3{margin:16px 0 6px;font-size:14px;font-weight:600;word-break:break-all}
table{border-collapse:collapse;background:#fff}th,td{border:1px solid #d0d7de;padding:3px 6px;text-align:left;
vertical-align:top}th{background:#eaeef2;font-weight:600}
table.heat td,table.heat th{width:22px;height:20px;padding:0;text-align:center;font-size:11px}
table.heat th.day{width:38px}.ok{color:#1a7f37;font-weight:600}.bad{color:#cf222e;font-weight:600}
.warn{color:#9a6700;font-weight:600}.note{border-left:4px solid #d4a72c;background:#fff8c5;padding:6px 10px;margin:6px 0}
.error{border-left:4px solid #cf222e;background:#ffebe9;padding:6px 10px;margin:6px 0}
details{background:#fff;border:1px solid #d0d7de;border-radius:6px;margin:8px 0;padding:6px 12px}
summary{cursor:pointer;font-weight:600}pre{background:#f6f8fa;padding:8px;overflow:auto;max-height:320px}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px}dt{color:#57606a}dd{margin:0}
.muted{color:#57606a}
"""


def _text(value: Any) -> str:
    return html.escape(clean("" if value is None else str(value)), quote=True)


def _block(value: Any) -> str:
    """A multi-line block (JSON): each line cleaned, then escaped."""
    text = json.dumps(value, indent=2, ensure_ascii=False)
    return html.escape("\n".join(clean(line) for line in text.split("\n")), quote=True)


def render(doc: dict[str, Any]) -> str:
    summary = doc["summary"]
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Scheduled tasks on {_text(doc['portal'])}</title><style>{_STYLE}</style></head><body>",
        f"<header><h1>Scheduled tasks on {_text(doc['portal'])}</h1>",
        f"<p>Owner {_text(doc['owner'])}; managed titles start with “{_text(doc['mark'])}”. "
        f"{summary['tasks']} tasks, {summary['unhealthy']} unhealthy, {summary['drifted']} drifted. "
        f"As of {_text(doc['generated'])} by the portal's clock; times are UTC.</p></header><main>",
        *_notes(doc), *_heatmaps(doc), *_tasks(doc), "</main></body></html>",
    ]
    return "\n".join(parts) + "\n"


def _notes(doc: dict[str, Any]) -> list[str]:
    found = [f'<div class="error">Error: {_text(e["message"])}</div>' for e in doc["errors"]]
    for w in doc["warnings"]:
        about = f"{w['name']} ({w['owner']}): " if w.get("name") else ""
        hint = f' <span class="muted">hint: {_text(w["hint"])}</span>' if w["hint"] else ""
        found.append(f'<div class="note">Warning: {_text(about + w["message"])}{hint}</div>')
    if doc["unset_secrets"]:
        found.append(f'<div class="note">Secret variables not set, so the drift of the parameters using them is '
                     f'unknown: {_text(", ".join(doc["unset_secrets"]))}</div>')
    return found


def _heatmaps(doc: dict[str, Any]) -> list[str]:
    load = doc["load"]
    out = [f"<h2>Fire times over the next {load['days']} days, per GP service</h2>",
           f'<p class="muted">Active managed tasks as they stand on the portal, from {_text(load["start"])}: '
           "fire times per weekday and UTC hour.</p>"]
    if not doc["heatmaps"]:
        return [*out, "<p>No active GP service task fires in this window.</p>"]
    top = max((n for h in doc["heatmaps"] for row in h["cells"] for n in row), default=0) or 1
    for heat in doc["heatmaps"]:
        out.append(f"<h3>{_text(heat['service'])} <span class=\"muted\">({heat['tasks']} tasks, {heat['fires']} fire "
                   "times)</span></h3>")
        out.append('<table class="heat"><tr><th class="day"></th>' + "".join(f"<th>{h:02d}</th>" for h in range(24))
                   + "</tr>")
        for day, row in zip(DAYS, heat["cells"], strict=True):
            cells = "".join(_cell(n, top, day, hour) for hour, n in enumerate(row))
            out.append(f'<tr><th class="day">{day}</th>{cells}</tr>')
        out.append("</table>")
    if load["capped"]:
        out.append(f'<p class="muted">{len(load["capped"])} tasks fire more than {load["cap"]} times in the window; '
                   f'only their first {load["cap"]} are counted: {_text(", ".join(load["capped"]))}</p>')
    return out


def _cell(count: int, top: int, day: str, hour: int) -> str:
    """White for none, then from light to deep blue as the count nears the busiest cell."""
    title = f'{day} {hour:02d}:00 UTC: {count} fire time{"" if count == 1 else "s"}'
    if not count:
        return f'<td title="{title}"></td>'
    share = count / top
    red, green = round(221 - 190 * share), round(235 - 140 * share)
    ink = "#fff" if share > 0.5 else "#0b2e59"
    return f'<td title="{title}" style="background:rgb({red},{green},245);color:{ink}">{count}</td>'


def _health(task: dict[str, Any]) -> str:
    if not task["healthy"]:
        return '<span class="bad">unhealthy</span>'
    if task["task_id"] is None:
        return '<span class="warn">missing</span>'
    if task["drift"] or task["drift_unknown"]:
        return '<span class="warn">drifted</span>' if task["drift"] else '<span class="warn">drift unknown</span>'
    return '<span class="ok">ok</span>'


def _tasks(doc: dict[str, Any]) -> list[str]:
    out = ["<h2>Tasks</h2>"]
    if not doc["tasks"]:
        return [*out, "<p>No managed tasks.</p>"]
    out.append("<table><tr><th>Health</th><th>Task</th><th>Owner</th><th>State</th><th>Schedule</th>"
               "<th>Next fire</th><th>Last run</th></tr>")
    for i, t in enumerate(doc["tasks"]):
        run = t["last_run"]
        last = f"{run['status']} {run['started'] or ''}" if run else "none"
        out.append(f'<tr><td>{_health(t)}</td><td><a href="#task-{i}">{_text(t["name"])}</a></td>'
                   f"<td>{_text(t['owner'])}</td><td>{_text(t['state'])}</td><td>{_text(t['schedule_text'])}</td>"
                   f"<td>{_text(t['next_fire'] or '—')}</td><td>{_text(last)}</td></tr>")
    out.append("</table>")
    out += [_detail(i, t) for i, t in enumerate(doc["tasks"])]
    return out


def _schedule(t: dict[str, Any]) -> str:
    """In words with the expression; a task written in local time: as written, and as sent."""
    zone = t.get("time_zone")
    if not zone:
        return f"{_text(t['schedule_text'])} <code>{_text(t['schedule'])}</code>"
    change = f"; next daylight-saving change {_text(zone['next_change'])}" if zone["next_change"] else ""
    return (f"{_text(t['schedule_text'])} <code>{_text(zone['local'])}</code>, sent as "
            f"<code>{_text(t['schedule'])}</code> ({_text(zone['scheduler_zone'])}){change}")


def _detail(index: int, t: dict[str, Any]) -> str:
    facts = [("Health", _health(t) + "".join(f"<br>{_text(p)}" for p in t["problems"])),
             ("Schedule", _schedule(t)),
             ("Next fire times", _text(", ".join(t["next_fires"]) or "none")),
             ("GP task", _text(t["task_url"] or "—")),
             ("Drift", _text("; ".join(t["drift"]) or ("unknown: " + ", ".join(t["drift_unknown"]) if t["drift_unknown"]
                                                       else "in sync")))]
    if t["runs_left"] is not None:
        facts.append(("Runs left", f"{'' if t['runs_left_exact'] else 'at most '}{t['runs_left']}"))
    rows = "".join(f"<dt>{label}</dt><dd>{value}</dd>" for label, value in facts)
    runs = "".join(f"<tr><td>{_text(r['status'])}</td><td>{_text(r['started'])}</td><td>{_text(r['ended'] or '')}"
                   f"</td><td>{'' if r['duration_seconds'] is None else r['duration_seconds']}</td>"
                   f"<td>{_text(r['result'])}</td></tr>" for r in t["runs"])
    table = ("<table><tr><th>Run</th><th>Started</th><th>Ended</th><th>Seconds</th><th>Result</th></tr>" + runs
             + "</table>") if runs else "<p>No runs yet.</p>"
    return (f'<details id="task-{index}"><summary>{_text(t["name"])} <span class="muted">({_text(t["owner"])})</span>'
            f"</summary><dl>{rows}</dl><h3>Recent runs</h3>{table}<h3>Parameters</h3>"
            f"<pre>{_block(t['parameters'])}</pre></details>")
