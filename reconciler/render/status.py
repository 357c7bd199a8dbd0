"""The views of `reconciler status`, each rendered from its JSON form:

    {"format_version": "1", "portal": str, "owner": str, "mark": str,
     "summary": {"tasks": int, "unhealthy": int, "drifted": int},
     "tasks": [{"name", "owner", "task_id", "state", "active", "last_run": {"status", "started",
                "ended", "run_id"} | null, "failures", "next_fire", "would_fire", "runs_left",
                "runs_left_exact": bool, "drift": [str],
                "drift_fields": [{"path", "before", "after", "secret"}], "drift_unknown": [str],
                "problems": [str], "healthy": bool}],
     "unset_secrets": [str], "errors": [{"message", "hint", "name", "owner"}],
     "warnings": [{"message", "hint", "name", "owner"}]}

`runs_left` is an upper bound unless `runs_left_exact`; `warnings` are about the portal as a whole (its
scheduler's apparent time zone) or a task's runs outlasting its schedule's interval; `drift_fields` are the plan's fields,
masked exactly as the plan JSON masks them; `drift_unknown` are fields whose drift is unknown
because their `${secret:NAME}` is not set (`unset_secrets`: the NAMEs, never a value). Unhealthy tasks come first; a drifted or missing
task has a mark of its own, never "ok". Text for people, Markdown for a job summary.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from reconciler.instants import iso_ms
from reconciler.masking import mask_url_token
from reconciler.planning.health import TaskHealth
from reconciler.planning.plan import Diagnostic, Plan
from reconciler.render.common import clean
from reconciler.render.plan_json import field_to_dict
from reconciler.render.plan_markdown import escape
from reconciler.render.version import FORMAT_VERSION


def to_dict(found: Sequence[TaskHealth], plan: Plan, *, unset_secrets: Sequence[str] = (),
            warnings: Sequence[Diagnostic] = ()) -> dict[str, Any]:
    return {
        "format_version": FORMAT_VERSION,
        "portal": mask_url_token(plan.portal),
        "owner": plan.owner,
        "mark": plan.mark,
        "summary": {"tasks": len(found), "unhealthy": sum(not h.healthy for h in found),
                    "drifted": sum(bool(h.drift) for h in found)},
        "tasks": [_task(h) for h in found],
        "unset_secrets": list(unset_secrets),
        "errors": [_diagnostic(d) for d in plan.errors],
        "warnings": [_diagnostic(d) for d in warnings],
    }


def _diagnostic(d: Diagnostic) -> dict[str, Any]:
    return {"message": d.message, "hint": d.hint, "name": d.name, "owner": d.owner}


def _task(h: TaskHealth) -> dict[str, Any]:
    run = h.last_run
    return {
        "name": h.name, "owner": h.owner, "task_id": h.task_id, "state": h.state, "active": h.active,
        "last_run": None if run is None else {"status": run.status, "started": iso_ms(run.created),
                                              "ended": iso_ms(run.updated) if run.status not in ("scheduled", "executing") else None,
                                              "run_id": run.run_id},
        "failures": h.failures, "next_fire": h.next_fire, "would_fire": h.would_fire, "runs_left": h.runs_left,
        "runs_left_exact": h.runs_left_exact, "drift": list(h.drift),
        "drift_fields": [field_to_dict(f) for f in h.drift_fields], "drift_unknown": list(h.drift_unknown),
        "problems": list(h.problems), "healthy": h.healthy,
    }


# The states in which the portal, not a person, stopped a task (checks.is_stopped), in words.
_BY_THE_PORTAL = {"disabled": "disabled by the portal", "failed": "failed: stopped by the portal"}


def _state(task: dict[str, Any]) -> str:
    return _BY_THE_PORTAL.get(str(task["state"]).lower(), task["state"])


def _mark(task: dict[str, Any], marks: tuple[str, str, str, str, str]) -> str:
    """ok, unhealthy, missing, drifted, drift unknown: drift, absence or not knowing never looks ok."""
    ok, unhealthy, missing, drifted, unknown = marks
    if not task["healthy"]:
        return unhealthy
    if task["task_id"] is None:
        return missing
    return drifted if task["drift"] else unknown if task["drift_unknown"] else ok


def _drift(task: dict[str, Any], known: str, unknown: str) -> str:
    """What drifted and whose drift is unknown (its secret is not set); "in sync" only when neither."""
    said = [known + "; ".join(task["drift"])] if task["drift"] else []
    said += [unknown + ", ".join(task["drift_unknown"])] if task["drift_unknown"] else []
    return "; ".join(said) or "in sync"


def _note(doc: dict[str, Any]) -> str | None:
    names = doc["unset_secrets"]
    return (f"secret variable{'s' if len(names) > 1 else ''} not set, so the drift of the parameters "
            f"using {'them' if len(names) > 1 else 'it'} is unknown: {', '.join(names)}") if names else None


def _about(item: dict[str, Any]) -> str:
    return f"{item['name']} ({item['owner']}): " if item.get("name") else ""


def render(doc: dict[str, Any], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(doc, indent=2, ensure_ascii=False)
    return _markdown(doc) if fmt == "markdown" else _text(doc)


def _facts(task: dict[str, Any]) -> list[str]:
    run = task["last_run"]
    facts = [_state(task)]
    facts.append(f"last run {run['status']} {run['started']}" if run else "no runs yet")
    if task["failures"]:
        facts.append(f"{task['failures']} failed in a row")
    if task["next_fire"]:
        facts.append(f"next {task['next_fire']}")
    elif task["would_fire"]:
        facts.append(f"will not fire ({_state(task)}; would fire {task['would_fire']} if enabled)")
    elif task["task_id"] is not None:
        facts.append("will not fire")
    if task["runs_left"] is not None:
        facts.append(f"{_left(task)} run{'' if task['runs_left'] == 1 else 's'} left")
    facts.append(_drift(task, "drift: ", "drift unknown: "))
    return facts


def _left(task: dict[str, Any]) -> str:
    """The runs max_occurrences still allows: "N", or "at most N" when the portal may have restarted its count."""
    return f"{'' if task['runs_left_exact'] else 'at most '}{task['runs_left']}"


def _fire(task: dict[str, Any]) -> str:
    """The next fire time; for a task that will not fire, why and when it would if enabled."""
    if task["next_fire"]:
        return str(task["next_fire"])
    return f"{_state(task)}; would fire {task['would_fire']}" if task["would_fire"] else "none"


def _text(doc: dict[str, Any]) -> str:
    summary = doc["summary"]
    lines = [f"Status of {clean(doc['portal'])}, managed titles starting with {doc['mark']!r}: "
             f"{summary['tasks']} tasks, {summary['unhealthy']} unhealthy, {summary['drifted']} drifted.", ""]
    for task in doc["tasks"]:
        symbol = _mark(task, ("ok", "!!", "--", "~~", "??"))
        lines.append(f"{symbol} {clean(task['name'])} ({clean(task['owner'])}): {clean('; '.join(_facts(task)))}")
        lines += [f"     {clean(problem)}" for problem in task["problems"]]
    lines += [f"note: {clean(note)}" for note in (_note(doc),) if note]
    lines += [f"error: {clean(e['message'])}" for e in doc["errors"]]
    for w in doc.get("warnings", ()):
        lines.append(f"warning: {clean(_about(w) + w['message'])}")
        lines += [f"     hint: {clean(w['hint'])}"] if w["hint"] else []
    if not doc["tasks"]:
        lines.append("No managed tasks.")
    return "\n".join(lines).rstrip()


def _markdown(doc: dict[str, Any]) -> str:
    summary = doc["summary"]
    lines = [f"### Task status: {summary['tasks']} tasks, {summary['unhealthy']} unhealthy, "
             f"{summary['drifted']} drifted", "", "| | Task | Owner | State | Last run | Failures | Next fire | Runs left | Drift |",
             "| --- | --- | --- | --- | --- | ---: | --- | ---: | --- |"]
    for task in doc["tasks"]:
        run = task["last_run"]
        last = f"{run['status']} {run['started']}" if run else "none"
        left = "" if task["task_id"] is None else "no limit" if task["runs_left"] is None else _left(task)
        flag = _mark(task, ("✅", "❌ " + escape("; ".join(task["problems"])), "➖ missing", "🔶 drifted",
                            "❔ drift unknown"))
        cells = (flag, escape(task["name"]), escape(task["owner"]), escape(_state(task)), escape(last),
                 str(task["failures"]), escape(_fire(task)), escape(left), escape(_drift(task, "", "unknown: ")))
        lines.append(f"| {' | '.join(cells)} |")
    lines += ["", *(f"> **Note:** {escape(note)}" for note in (_note(doc),) if note)]
    lines += [f"> **Error:** {escape(e['message'])}" for e in doc["errors"]]
    lines += [f"> **Warning:** {escape(_about(w) + w['message'])}" + (f" (hint: {escape(w['hint'])})" if w["hint"] else "")
              for w in doc.get("warnings", ())]
    return "\n".join(lines).rstrip()
