"""The views of `reconciler runs NAME`, rendered from its JSON form:

    {"format_version": "1", "task": {"id", "owner", "title", "name": str | null},
     "shown": int, "kept": int,       # runs listed, and runs the portal keeps (newest first)
     "runs": [{"run_id", "status", "started", "ended", "duration_seconds": int | null,
               "job": {"id", "status", "url"} | null, "errors": [str], "messages": [str],
               "result": str}]}

For a failed run, the GP job's error messages come first.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from reconciler.instants import iso_ms
from reconciler.model import RemoteRun, RemoteTask
from reconciler.render.common import clean
from reconciler.render.version import FORMAT_VERSION

_RUNNING = ("scheduled", "executing")


def to_dict(task: RemoteTask, name: str | None, runs: Sequence[RemoteRun], kept: int) -> dict[str, Any]:
    return {
        "format_version": FORMAT_VERSION,
        "task": {"id": task.id, "owner": task.owner, "title": task.title, "name": name},
        "shown": len(runs),
        "kept": kept,
        "runs": [run_to_dict(r) for r in runs],
    }


def run_to_dict(run: RemoteRun) -> dict[str, Any]:
    finished = run.status not in _RUNNING
    job = run.job
    messages = [f"{m.type}: {m.description}" for m in job.messages] if job else []
    errors = [m.description for m in job.messages if m.type == "esriJobMessageTypeError"] if job else []
    duration = (run.updated - run.created) // 1000 if finished and run.created and run.updated else None
    return {
        "run_id": run.run_id, "status": run.status, "started": iso_ms(run.created),
        "ended": iso_ms(run.updated) if finished else None, "duration_seconds": duration,
        "job": None if job is None else {"id": job.job_id, "status": job.status, "url": job.url},
        "errors": errors, "messages": messages, "result": run.result,
    }


def render(doc: dict[str, Any], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(doc, indent=2, ensure_ascii=False)
    task = doc["task"]
    lines = [f"Runs of {clean(task['name'] or task['title'])} ({clean(task['owner'])}, task {clean(task['id'])}): "
             f"{doc['shown']} of the {doc['kept']} the portal keeps, newest first.", ""]
    for run in doc["runs"]:
        took = f", took {run['duration_seconds']} s" if run["duration_seconds"] is not None else ""
        ended = f", ended {run['ended']}" if run["ended"] else ""
        job = f"; GP job {clean(run['job']['status'])}" if run["job"] else ""
        lines.append(f"{clean(run['status'])}  started {run['started']}{ended}{took}{job}")
        if run["status"] in ("failed", "submitfailed"):
            lines += [f"    error: {clean(e)}" for e in run["errors"]] or [f"    {clean(run['result'])}"]
        elif run["result"]:
            lines.append(f"    result: {clean(run['result'])}")
    if not doc["runs"]:
        lines.append("No runs yet.")
    return "\n".join(lines).rstrip()
