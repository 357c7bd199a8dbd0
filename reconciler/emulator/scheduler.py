"""Fires active tasks at their Quartz fire times (UTC) and drives each run's lifecycle.

Two kinds of events happen in time order: a task falls due (a run is created: `skipped` when the
previous run still executes, else `scheduled`, then `executing` once the GP job is submitted, or
`submitfailed`), and a run's GP job ends (`succeeded`/`failed`). With a wall clock a background
thread processes what is due; with a virtual clock only `advance` (the control API) does, which
makes firing deterministic.
"""

from __future__ import annotations

import json
import threading
import uuid
from typing import Any

from reconciler.emulator import gpserver, samples, tasks
from reconciler.emulator.context import SERVICES_ROOT, Context
from reconciler.emulator.wire import ApiError, Request

SUBMIT_DELAY_MS = 1000  # a run waits `scheduled` this long before its GP job is submitted [I]
MAX_EVENTS_PER_MOVE = 20_000  # fires, submissions and job ends; beyond this, missed fire times are dropped [I]
POLL_SECONDS = 0.25


class Scheduler:
    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="emulator-scheduler", daemon=True)

    def start(self) -> None:
        if not self._ctx.clock.virtual:
            self._drop_misfires(self._ctx.clock.now_ms())
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _loop(self) -> None:
        while not self._stop.wait(POLL_SECONDS):
            if not self._ctx.clock.virtual:
                self.advance(self._ctx.clock.now_ms(), move_clock=False)

    def advance(self, target: int, *, move_clock: bool = True) -> int:
        """Process every event due at or before `target`, in order; returns how many fired or ended."""
        store, clock = self._ctx.store, self._ctx.clock
        count = 0
        with store.lock:
            while True:
                run, task = store.next_run_event(target), store.next_due_task(target)
                if run is None and task is None:
                    break
                if run is not None and (task is None or run["_finishAt"] <= task["nextStart"]):
                    at = run["_finishAt"]
                    if move_clock:
                        clock.set_ms(max(clock.now_ms(), at))
                    (self._submit if run["status"] == "scheduled" else self._finish)(run, at)
                elif count >= MAX_EVENTS_PER_MOVE:
                    self._drop_misfires(target)
                else:
                    assert task is not None
                    at = task["nextStart"]
                    if move_clock:
                        clock.set_ms(max(clock.now_ms(), at))
                    self._fire(task, at)
                count += 1
            if move_clock:
                clock.set_ms(target)
        return count

    def _drop_misfires(self, now: int) -> None:
        with self._ctx.store.lock:
            while (task := self._ctx.store.next_due_task(now - 1)) is not None:
                tasks.reschedule(self._ctx, task, after=now, schedule_changed=False)
                self._ctx.store.put_task(task)

    def _fire(self, task: dict[str, Any], at: int) -> None:
        # Fire times are computed in UTC (docs/quartz.md §1) [I]; a skipped run still counts towards
        # maxOccurrences [I].
        ctx = self._ctx
        task["_occurrences"] = task.get("_occurrences", 0) + 1
        task["lastStart"] = at
        run = _new_run(task, at)
        if ctx.store.has_running_run(task["id"]):
            run.update(status="skipped", result="Skipped: the previous run is still executing.")
        elif task["type"] == "GPService":
            run["_finishAt"] = at + SUBMIT_DELAY_MS  # stays `scheduled` until then
        else:
            # Only GP services actually run here; other task types succeed at once [I].
            run.update(status="succeeded", result=f"Emulated: {task['type']} tasks are not executed by the emulator.")
        tasks.reschedule(ctx, task, after=at, schedule_changed=False)
        ctx.store.put_task(task)
        run["task"] = tasks.task_json(task)  # the task as this run left it
        ctx.store.put_run(run)
        ctx.store.trim_runs(task["id"], ctx.settings.limits["TaskRunHistoryCount"])

    def _submit(self, run: dict[str, Any], at: int) -> None:
        """POST submitJob in-process, through fault injection and the request log, with the
        task's parameters as they were when the run fired."""
        ctx = self._ctx
        task = run["task"]
        # Validated against the federated server at create/update; after a restart on another port
        # (--port 0 with --data), tasks.follow_origin has moved stored URLs to this origin.
        path = ctx.services_path_of(str(task.get("taskUrl") or "")) or ""
        tool = samples.find_tool(path)
        form = {k: v if isinstance(v, str) else json.dumps(v) for k, v in (task.get("parameters") or {}).items()}
        submit_path = f"{SERVICES_ROOT}/{path}/submitJob"
        request = Request(method="POST", path=submit_path, form={**form, "f": "json"})
        fault = ctx.faults.take(submit_path)
        ctx.log.record(request, at_ms=at, fault=fault.kind if fault else None, source="scheduler")
        try:
            if tool is None:
                raise ApiError(400, "Unable to complete operation.", ["Service or task not found."])
            if fault is not None and fault.kind != "delay":
                raise ApiError(500, f"submitJob failed ({fault.kind}, injected).")
            job = gpserver.submit(ctx, tool, form, now=at)
        except ApiError as e:
            run.update(status="submitfailed", result="; ".join([f"submitJob failed: {e.message}", *e.details]))
            run.update(updated=at, _finishAt=None)
            ctx.store.put_run(run)
            self._count(run, succeeded=False)
            return
        # Stored as paths, served with the current origin (see run_json).
        run.update(status="executing", url=gpserver.job_path(job), updated=at, _jobId=job["jobId"], _finishAt=job["finishAt"])
        ctx.store.put_run(run)

    def _finish(self, run: dict[str, Any], at: int) -> None:
        ctx = self._ctx
        run["_finishAt"] = None
        job = ctx.store.job(run.get("_jobId", ""))
        succeeded = job is not None and job["status"] == "esriJobSucceeded"
        tool = samples.find_tool(job["tool"]) if job else None
        if succeeded and tool is not None and job is not None:
            # The run links to its job (`url`) and to the job's first output (`result`) [I].
            outputs = tool.outputs()
            result = f"{gpserver.job_path(job)}/results/{outputs[0].name}" if outputs else "Succeeded."
            run.update(status="succeeded", result=result)
        else:
            run.update(status="failed", result="; ".join(job["messages"]) if job else "The GP job was lost.")
        run["updated"] = at
        ctx.store.put_run(run)
        self._count(run, succeeded=succeeded)

    def _count(self, run: dict[str, Any], *, succeeded: bool) -> None:
        """Consecutive failures (`failed` or `submitfailed`) of the run's task."""
        task = self._ctx.store.task(run["taskId"])
        if task is None:
            return
        if succeeded:
            task["_failures"] = 0
        else:
            _count_failure(self._ctx, task)
        self._ctx.store.put_task(task)


def _new_run(task: dict[str, Any], at: int) -> dict[str, Any]:
    """Without `task`: `_fire` adds the task as the run leaves it."""
    return {
        "runId": uuid.uuid4().hex,
        "taskId": task["id"],
        "status": "scheduled",
        "result": "",
        "url": "",
        "created": at,
        "updated": at,
    }


def _count_failure(ctx: Context, task: dict[str, Any]) -> None:
    task["_failures"] = task.get("_failures", 0) + 1
    if task["_failures"] >= ctx.settings.limits["FailedRunsToDisableTask"]:
        # "If a task fails five times, it is stopped" (FailedRunsToDisableTask); the state is
        # called "disabled" here, as the task manager UI names it; the docs do not say [I].
        task.update(taskState="disabled", nextStart=None)


def run_json(ctx: Context, run: dict[str, Any]) -> dict[str, Any]:
    data = {k: v for k, v in run.items() if not k.startswith("_")}
    for key in ("url", "result"):
        if str(data.get(key, "")).startswith(SERVICES_ROOT + "/"):
            data[key] = ctx.origin + data[key]
    return data
