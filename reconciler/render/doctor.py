"""The views of `reconciler doctor`, each rendered from its JSON form (for support tickets):

    {"format_version": "1", "portal": str, "user": str, "admin": bool,
     "summary": {"ok": int, "warn": int, "fail": int, "info": int},
     "findings": [{"check", "status", "fact", "evidence", "hint"}]}
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from reconciler.planning.findings import Finding, Observed
from reconciler.render.common import clean
from reconciler.render.plan_markdown import escape
from reconciler.render.version import FORMAT_VERSION

_MARKS = {"ok": "ok  ", "warn": "warn", "fail": "FAIL", "info": "info"}
_EMOJI = {"ok": "✅", "warn": "⚠️", "fail": "❌", "info": "ℹ️"}


def to_dict(found: Sequence[Finding], seen: Observed) -> dict[str, Any]:
    return {
        "format_version": FORMAT_VERSION, "portal": seen.portal, "user": seen.user.username, "admin": seen.user.is_admin,
        "summary": {s: sum(f.status == s for f in found) for s in ("ok", "warn", "fail", "info")},
        "findings": [{"check": f.check, "status": f.status, "fact": f.fact, "evidence": f.evidence, "hint": f.hint}
                     for f in found],
    }


def render(doc: dict[str, Any], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(doc, indent=2, ensure_ascii=False)
    return _markdown(doc) if fmt == "markdown" else _text(doc)


def _text(doc: dict[str, Any]) -> str:
    s = doc["summary"]
    lines = [f"Doctor for {clean(doc['portal'])}, signed in as {clean(doc['user'])}: {s['ok']} ok, {s['warn']} "
             f"warnings, {s['fail']} failed.", ""]
    for f in doc["findings"]:
        lines.append(f"{_MARKS.get(f['status'], f['status'])} {clean(f['check'])}: {clean(f['fact'])}")
        lines += [f"       {label}{clean(f[key])}" for key, label in (("evidence", ""), ("hint", "hint: ")) if f[key]]
    return "\n".join(lines)


def _markdown(doc: dict[str, Any]) -> str:
    s = doc["summary"]
    lines = [f"### Doctor for {escape(doc['portal'])}", "",
             f"Signed in as {escape(doc['user'])}: {s['ok']} ok, {s['warn']} warnings, {s['fail']} failed.", "",
             "| | Check | Finding | Evidence |", "|---|---|---|---|"]
    lines += [f"| {_EMOJI.get(f['status'], '')} | {escape(f['check'])} | {escape(f['fact'])}"
              f"{'<br>' + escape(f['hint']) if f['hint'] else ''} | {escape(f['evidence'])} |" for f in doc["findings"]]
    return "\n".join(lines)
