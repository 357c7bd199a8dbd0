"""The report page renders every piece of text escaped, whatever field holds it, and copes with
nothing to show (reconciler.render.report_html)."""

from __future__ import annotations

from typing import Any

from reconciler.render import report_html

BAD = '<script>x</script>"\'&\x1b[2J'


def doc(**over: Any) -> dict[str, Any]:
    task = {"name": BAD, "owner": BAD, "task_id": BAD, "state": BAD, "active": True,
            "last_run": {"status": BAD, "started": BAD, "ended": BAD, "run_id": BAD}, "failures": 1,
            "next_fire": BAD, "would_fire": None, "runs_left": 3, "runs_left_exact": False, "drift": [BAD],
            "drift_fields": [], "drift_unknown": [BAD], "problems": [BAD], "healthy": False,
            "schedule": BAD, "schedule_text": BAD, "task_url": BAD, "next_fires": [BAD],
            "parameters": {BAD: BAD}, "runs": [{"status": BAD, "started": BAD, "ended": BAD, "duration_seconds": 5,
                                               "result": BAD}]}
    base = {"portal": BAD, "owner": BAD, "mark": BAD, "generated": BAD,
            "summary": {"tasks": 1, "unhealthy": 1, "drifted": 1}, "errors": [{"message": BAD}],
            "warnings": [{"message": BAD, "hint": BAD, "name": BAD, "owner": BAD}], "unset_secrets": [BAD],
            "tasks": [task], "heatmaps": [{"service": BAD, "tasks": 1, "fires": 2, "cells": [[0] * 23 + [2]] * 7}],
            "load": {"start": BAD, "days": 7, "cap": 672, "capped": [BAD]}}
    return {**base, **over}


def test_every_field_is_escaped_and_cleaned() -> None:
    page = report_html.render(doc())
    assert "<script" not in page and "\x1b" not in page
    assert page.count("&lt;script&gt;x&lt;/script&gt;&quot;&#x27;&amp;\\u001b[2J") >= 30  # each field (the parameters block is JSON text, escaped its own way)
    assert 'title="Sun 23:00 UTC: 2 fire times" style="background:rgb(31,95,245)' in page, "the busiest cell"


def test_nothing_to_show_says_so() -> None:
    page = report_html.render(doc(tasks=[], heatmaps=[], warnings=[], errors=[], unset_secrets=[]))
    assert "<p>No managed tasks.</p>" in page and "No active GP service task fires in this window." in page
