"""What `reconciler report` shows, as data (report_html renders it): status's view of every
managed task (reconciler.render.status), with each task's schedule in words, its next fire times,
its recent runs and its parameters, and per GP service a 7 x 24 heatmap of fire times (weekday by
UTC hour, over the next 7 days: reconciler.planning.load). Secrets are masked here, before any
escaping, so that escaping cannot hide a secret from the mask:

    {"format_version": "1", "portal", "owner", "mark", "generated": str (the portal's now),
     "summary", "errors", "warnings", "unset_secrets": as status's JSON,
     "tasks": [status's task + {"schedule": str, "schedule_text": str, "task_url": str | null,
               "next_fires": [str], "parameters": {...}, "runs": [runs' run dicts, newest first],
               "time_zone": {"local", "zone", "scheduler_zone", "next_change": str | null} | null}],
     (a task written in local time: schedule_text describes the schedule as written, in its zone)
     "heatmaps": [{"service": str, "tasks": int, "fires": int, "cells": [[int] * 24] * 7}],  # MON..SUN
     "load": {"start", "days", "cap", "capped"}}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from reconciler import quartz
from reconciler.errors import CronError
from reconciler.instants import iso, parse_instant
from reconciler.masking import mask_credential_keys, mask_credentials, mask_paths, mask_url_token, mask_values
from reconciler.model import RemoteRun, RemoteTask, TaskSpec
from reconciler.planning.checks import next_fires
from reconciler.planning.plan import Load
from reconciler.render import runs as runs_views

NEXT = 5  # next fire times per task
RECENT = 10  # runs per task
RESULT_CHARS = 300  # of a run's result text


def to_dict(status: dict[str, Any], tasks: Sequence[RemoteTask], names: Mapping[str, str],
            runs: Mapping[str, Sequence[RemoteRun]], load: Load, specs: Sequence[TaskSpec], *, now: datetime,
            secrets: tuple[str, ...], credentials: Sequence[str], zone: str = "UTC") -> dict[str, Any]:
    """The report: `status` is status's JSON view (render.status.to_dict) of the same reading;
    fire times read the schedules in `zone`, the scheduler's."""
    by_key = {(names[t.id], t.owner): t for t in tasks if t.id in names}
    declared = {s.name: s for s in specs}
    doc = {**status, "generated": iso(now),
           "tasks": [_task(h, by_key.get((h["name"], h["owner"])), declared.get(h["name"]), runs, now, zone)
                     for h in status["tasks"]],
           "heatmaps": heatmaps(load),
           "load": {"start": load.start, "days": load.days, "cap": load.cap, "capped": list(load.capped)}}
    return _masked(mask_values(doc, secrets), tuple(credentials))


def _task(health: dict[str, Any], task: RemoteTask | None, spec: TaskSpec | None,
          runs: Mapping[str, Sequence[RemoteRun]], now: datetime, zone: str) -> dict[str, Any]:
    if task is None:  # declared, not on the portal
        return {**health, "schedule": "", "schedule_text": "", "task_url": None, "next_fires": [], "parameters": {},
                "runs": [], "time_zone": None}
    try:
        expr = quartz.from_fields(task.schedule)
        schedule, words = str(expr), quartz.describe(expr)
    except CronError as e:
        schedule, words = " ".join(task.schedule.to_wire().values()), f"not a valid schedule ({e})"
    upcoming = next_fires(task.schedule, start_ms=task.start_date, now=now, count=NEXT, end_ms=task.end_date,
                          tz=ZoneInfo(zone)) if task.active else ()
    parameters = mask_paths({"parameters": task.parameters}, spec.secret_paths)["parameters"] if spec else task.parameters
    newest = sorted(runs.get(task.id, ()), key=lambda r: -(r.created or 0))[:RECENT]
    shown = [{**(run := runs_views.run_to_dict(r)), "result": run["result"][:RESULT_CHARS]} for r in newest]
    zone_view = None
    if spec is not None and spec.zoned is not None:
        zoned = spec.zoned
        zone_view = {"local": zoned.local, "zone": zoned.zone, "scheduler_zone": zoned.scheduler_zone,
                     "next_change": iso(zoned.next_change) if zoned.next_change else None}
        words = f"{quartz.describe(quartz.parse(zoned.local))} in {zoned.zone}"
    return {**health, "schedule": schedule, "schedule_text": words, "time_zone": zone_view,
            "task_url": mask_url_token(task.task_url) if task.task_url else None,
            "next_fires": list(upcoming), "parameters": mask_credential_keys(parameters), "runs": shown}


def heatmaps(load: Load) -> list[dict[str, Any]]:
    """Per GP service, fire times by weekday (MON first) and UTC hour over the load's window."""
    start, step = parse_instant(load.start), timedelta(minutes=load.bucket_minutes)
    found = []
    for series in load.services:
        cells = [[0] * 24 for _ in range(7)]
        for index, count in series.buckets:
            at = start + index * step
            cells[at.weekday()][at.hour] += count
        found.append({"service": series.url, "tasks": series.tasks, "fires": series.fires, "cells": cells})
    return found


def _masked(value: Any, credentials: tuple[str, ...]) -> Any:
    """Every string with the connection's credentials masked (a token in a URL, a password echoed)."""
    if not credentials:
        return value
    if isinstance(value, str):
        return mask_credentials(value, credentials)
    if isinstance(value, dict):
        return {k: _masked(v, credentials) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(v, credentials) for v in value]
    return value
