"""The views of `reconciler cron`: the JSON document, and the text rendered from it.

    {"expression": str, "fields": {"minute", "hour", "day_of_month", "month", "day_of_week"},
     "description": str, "next": [str],     # UTC ISO 8601
     "storable": bool, "problems": [str], "warnings": [str]}
    an invalid expression: {"expression": str, "error": str, "field": str | null, "token": str | null}

The text view also shows the instant the fire times follow and the time zone asked for; those
are the command's inputs, so it takes them as arguments.
"""

from __future__ import annotations

import json
from datetime import datetime, tzinfo
from typing import Any

from reconciler.errors import CronError
from reconciler.instants import iso, parse_instant
from reconciler.model import CronFields
from reconciler.quartz import YEARS_AHEAD, QuartzExpression, describe


def to_dict(expr: QuartzExpression, times: list[datetime]) -> dict[str, Any]:
    problems = expr.storable_problems()
    return {
        "expression": str(expr),
        "fields": {
            "minute": expr.minute,
            "hour": expr.hour,
            "day_of_month": expr.day_of_month,
            "month": expr.month,
            "day_of_week": expr.day_of_week,
        },
        "description": describe(expr),
        "next": [iso(t) for t in times],
        "storable": not problems,
        "problems": list(problems),
        "warnings": list(expr.warnings()),
    }


def error_to_dict(expression: str, error: CronError) -> dict[str, Any]:
    return {"expression": expression, "error": str(error), "field": error.field, "token": error.token}


def render_json(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2)


def _local(moment: datetime, zone_name: str) -> str:
    return iso(moment) if zone_name == "UTC" else f"{moment.isoformat()}  ({iso(moment)})"


def render_text(doc: dict[str, Any], *, after: datetime, zone: tzinfo, zone_name: str, count: int) -> str:
    """The description, the portal's fields (or why it cannot store them), the warnings, and
    the next fire times in `zone` after `after`; says so when fewer than `count` exist."""
    lines = [f"expression:  {doc['expression']}", f"description: {doc['description']}"]
    if not doc["storable"]:
        lines.append("portal:      cannot store this expression: " + "; ".join(doc["problems"]))
    else:
        wire = CronFields(**doc["fields"]).to_wire()
        lines.append("portal:      " + " ".join(f"{key}={value}" for key, value in wire.items()))
    lines += [f"warning:     {warning}" for warning in doc["warnings"]]
    lines.append(f"next fire times ({zone_name}) after {_local(after, zone_name)}:")
    lines += [f"  {_local(parse_instant(t).astimezone(zone), zone_name)}" for t in doc["next"]]
    if len(doc["next"]) < count:
        last_year = after.year + YEARS_AHEAD
        further = "further " if doc["next"] else ""
        lines.append(f"  (no {further}fire times up to the end of {last_year}; "
                     f"Quartz looks {YEARS_AHEAD} years ahead)")
    return "\n".join(lines)
