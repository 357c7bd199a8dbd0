"""The canonical, versioned view of a Plan: what `plan --format json` prints and `--out` saves.

Text and Markdown are rendered from this dict, so they can show nothing it lacks. Shape
(format_version "1"; a minor change only adds keys, a major one changes or removes them):

    {
      "format_version": "1",
      "portal": str,            # Sharing API root (a token in its query string is masked)
      "owner": str,             # default owner
      "mark": str,              # ownership mark in managed titles
      "only": [str],            # --only patterns: a partial plan; empty for a full one
      "withheld": [str],        # names that still differ from tasks.d, held back by --no-delete
      "retired": [str],         # names not declared in tasks.d that stay disabled (on_remove: disable)
      "observed": str,          # fingerprint of the managed portal tasks the plan was made from
      "desired": str,           # fingerprint of the task definitions (secret values left out)
      "summary": {"create": int, "update": int, "enable": int, "disable": int,
                  "delete": int, "unchanged": int},
      "changes": [{
        "name": str, "owner": str,
        "action": str,          # the primary action: create|update|enable|disable|delete
        "actions": [str],       # in the order apply runs them
        "task_id": str | null,  # null for create
        "reason": str,          # for people only
        "blocked": str | null,  # why apply skips this change
        "waits_for": {"name": str, "owner": str} | null,
                                # a delete of a task moving owner: the create that must succeed first
        "source": {"path": str, "line": int | null} | null,
        "fields": [{"path": str, "before": any, "after": any, "secret": bool}],
                                # secrets masked by path (secret: true) and by value anywhere
        "next_fires": {"before": [str], "after": [str],    # UTC ISO 8601
                       "paused": bool},   # the task stays paused: it will not fire ("after" = if enabled)
        "time_zone": {"local": str, "zone": str, "scheduler_zone": str, "compiled": str,
                      "next_change": str | null, "next_compiled": str | null} | null,
                                # a create/update of a task written in local time (timezone:): the
                                # schedule as written, what is sent, its next daylight-saving change
        "warnings": [{"message": str, "hint": str | null}],
        "errors": [{"message": str, "hint": str | null}]
      }],
      "unchanged": [str],       # names
      "unmanaged": [{"id": str, "owner": str, "title": str, "type": str, "active": bool,
                     "managed_by": str | null}],   # the other project whose mark it carries
                                                   # ("" the plain mark of runs without one)
      "errors": [{"message", "hint", "name", "owner", "source"}],
      "warnings": [{"message", "hint", "name", "owner", "source"}],
      "load": {                 # when the GP service tasks active once applied fire (null: not computed)
        "start": str,           # UTC ISO: the plan's now, to the hour; bucket 0 starts here
        "days": int, "bucket_minutes": int,   # the window (7 days) and the bucket (15 minutes)
        "cap": int,             # fire times counted per task at most; "capped": [names] fire more
        "capped": [str],
        "servers": [{"url": str, "tasks": int, "fires": int,
                     "buckets": {str: int}}],   # bucket start (UTC ISO) -> fire times; non-zero, in order
        "services": [...]       # as servers, one per GP service
      } | null
      "notices": [{"name": str, "owner": str, "message": str}]
                                # information, not changes: e.g. a daylight-saving change coming up
    }

Order follows the Plan exactly, so a saved plan compares equal to a recomputed one. A scalar
field marked secret is masked here even if the planner forgot to, and Change.desired (the values
create/update send, secrets included) is never part of this view.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import timedelta
from typing import Any

from reconciler.instants import iso, parse_instant
from reconciler.masking import mask_scalar, mask_url_token
from reconciler.model import Severity, SourceRef
from reconciler.planning.plan import Action, Change, Diagnostic, FieldChange, Key, Load, LoadSeries, Plan, UnmanagedTask
from reconciler.render.common import concerns
from reconciler.render.version import FORMAT_VERSION


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    by_name: dict[str | None, list[Diagnostic]] = {}  # one pass; each change then reads its name's
    for d in plan.diagnostics:
        by_name.setdefault(d.name, []).append(d)
    return {
        "format_version": FORMAT_VERSION,
        "portal": mask_url_token(plan.portal),
        "owner": plan.owner,
        "mark": plan.mark,
        "only": list(plan.only),
        "withheld": list(plan.withheld),
        "retired": list(plan.retired),
        "observed": plan.observed,
        "desired": plan.desired,
        "summary": plan.counts,
        "changes": [_change(c, by_name.get(c.name, [])) for c in plan.changes],
        "unchanged": list(plan.unchanged),
        "unmanaged": [_unmanaged(t) for t in plan.unmanaged],
        "errors": [_diagnostic(d) for d in plan.errors],
        "warnings": [_diagnostic(d) for d in plan.warnings],
        "load": _load(plan.load),
        "notices": [{"name": n.name, "owner": n.owner, "message": n.message} for n in plan.notices],
    }


def _load(load: Load | None) -> dict[str, Any] | None:
    if load is None:
        return None
    start, step = parse_instant(load.start), timedelta(minutes=load.bucket_minutes)

    def series(s: LoadSeries) -> dict[str, Any]:
        return {"url": s.url, "tasks": s.tasks, "fires": s.fires,
                "buckets": {iso(start + i * step): n for i, n in s.buckets}}
    return {"start": load.start, "days": load.days, "bucket_minutes": load.bucket_minutes, "cap": load.cap,
            "capped": list(load.capped), "servers": [series(s) for s in load.servers],
            "services": [series(s) for s in load.services]}


def render(plan: Plan, *, color: bool = False) -> str:
    """The JSON text (indent 2, keys in the documented order); `color` is ignored."""
    return json.dumps(plan_to_dict(plan), indent=2, ensure_ascii=False)


def _paused(change: Change) -> bool:
    """The task ends up paused (created or updated with enabled: false), so its "after" fire times
    are those it would have if enabled."""
    return change.desired is not None and not change.desired.active and Action.ENABLE not in change.actions


def _change(change: Change, named: list[Diagnostic]) -> dict[str, Any]:
    mine = [d for d in named if concerns((d.name, d.owner), (change.name, change.owner))]
    return {
        "name": change.name,
        "owner": change.owner,
        "action": change.action.value,
        "actions": [a.value for a in change.actions],
        "task_id": change.task_id,
        "reason": change.reason,
        "blocked": change.blocked,
        "waits_for": _waits_for(change.waits_for),
        "source": _source(change.source),
        "fields": [field_to_dict(f) for f in change.fields],
        "next_fires": {"before": list(change.next_fires_before), "after": list(change.next_fires_after),
                       "paused": _paused(change)},
        "time_zone": None if change.zone is None else dataclasses.asdict(change.zone),
        "warnings": [_short(d) for d in mine if d.severity is Severity.WARNING],
        "errors": [_short(d) for d in mine if d.severity is Severity.ERROR],
    }


def field_to_dict(field: FieldChange) -> dict[str, Any]:
    """One field's before/after as every view shows it (`status` too): masked when secret."""
    return {
        "path": field.path,
        "before": mask_scalar(field.before) if field.secret else field.before,
        "after": mask_scalar(field.after) if field.secret else field.after,
        "secret": field.secret,
    }


def _waits_for(waits_for: Key | None) -> dict[str, str] | None:
    return None if waits_for is None else {"name": waits_for.name, "owner": waits_for.owner}


def _source(source: SourceRef | None) -> dict[str, Any] | None:
    return None if source is None else {"path": source.path, "line": source.line}


def _short(diagnostic: Diagnostic) -> dict[str, Any]:
    return {"message": diagnostic.message, "hint": diagnostic.hint}


def _diagnostic(diagnostic: Diagnostic) -> dict[str, Any]:
    return {
        "message": diagnostic.message,
        "hint": diagnostic.hint,
        "name": diagnostic.name,
        "owner": diagnostic.owner,
        "source": _source(diagnostic.source),
    }


def _unmanaged(task: UnmanagedTask) -> dict[str, Any]:
    return {"id": task.id, "owner": task.owner, "title": task.title, "type": task.task_type, "active": task.active,
            "managed_by": task.managed_by}
