"""The emulated federated ArcGIS Server: services directory, GP tasks and asynchronous jobs.

GP services are anonymous here (a real federated server may require the portal token) [I];
a token sent anyway is ignored.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from reconciler.emulator import samples
from reconciler.emulator.context import SERVICES_ROOT, Context
from reconciler.emulator.routing import READ, WRITE, Route, route
from reconciler.emulator.wire import ApiError, Request, bool_param, not_found

CURRENT_VERSION = 11.3
_SEG = r"[^/]+"
_TOOL = rf"/(?P<folder>{_SEG})/(?P<service>{_SEG})/GPServer/(?P<task>{_SEG})"


def submit(ctx: Context, tool: samples.Tool, raw: Mapping[str, Any], *, now: int | None = None) -> dict[str, Any]:
    """Validate inputs and record a job whose outcome and end time are fixed now.

    Malformed values are refused at submit [I] ("Unable to complete operation."); a missing required
    value is accepted and fails the job with ERROR 000735, as ArcGIS reports it.
    """
    inputs: dict[str, Any] = {}
    for param in tool.params:
        if param.direction != samples.INPUT:
            continue
        try:
            value = samples.decode_input(param, raw[param.name]) if param.name in raw else param.default
        except ValueError as e:
            raise ApiError(400, "Unable to complete operation.", [f"Invalid value for parameter {e}"]) from None
        inputs[param.name] = value
    missing = [p.name for p in tool.params if p.required and p.direction == samples.INPUT and inputs.get(p.name) in (None, "")]
    outcome = (
        samples.Outcome(succeeded=False, messages=tuple(f"ERROR 000735: {m}: Value is required" for m in missing))
        if missing
        else tool.run(inputs)
    )
    now = ctx.clock.now_ms() if now is None else now
    job = {
        "jobId": "j" + uuid.uuid4().hex,
        "tool": tool.key,
        "inputs": inputs,
        "submitted": now,
        "finishAt": now + int(tool.duration_s(inputs) * 1000),
        "status": "esriJobSucceeded" if outcome.succeeded else "esriJobFailed",
        "results": outcome.results,
        "messages": list(outcome.messages),
    }
    ctx.store.put_job(job)
    return job


def job_path(job: Mapping[str, Any]) -> str:
    return f"{SERVICES_ROOT}/{job['tool']}/jobs/{job['jobId']}"


def status_at(job: Mapping[str, Any], now: int) -> str:
    if now >= job["finishAt"]:
        return str(job["status"])
    return "esriJobSubmitted" if now <= job["submitted"] else "esriJobExecuting"


def _messages(job: Mapping[str, Any], status: str) -> list[dict[str, str]]:
    info = "esriJobMessageTypeInformative"
    out = [{"type": info, "description": "Submitted."}]
    if status == "esriJobSubmitted":
        return out
    out.append({"type": info, "description": "Executing..."})
    if status == "esriJobExecuting":
        return out
    failed = status != "esriJobSucceeded"
    kind = "esriJobMessageTypeError" if failed else info
    out += [{"type": kind, "description": m} for m in job["messages"]]
    out.append({"type": kind if failed else info, "description": "Failed." if failed else "Succeeded."})
    return out


def job_json(ctx: Context, job: Mapping[str, Any], *, with_messages: bool) -> dict[str, Any]:
    tool = samples.find_tool(job["tool"])
    status = status_at(job, ctx.clock.now_ms())
    data: dict[str, Any] = {
        "jobId": job["jobId"],
        "jobStatus": status,
        "inputs": {name: {"paramUrl": f"inputs/{name}"} for name in job["inputs"]},
        "results": {},
    }
    if status == "esriJobSucceeded" and tool is not None:
        data["results"] = {p.name: {"paramUrl": f"results/{p.name}"} for p in tool.outputs()}
    if with_messages:
        data["messages"] = _messages(job, status)
    return data


def _tool(groups: Mapping[str, str]) -> samples.Tool:
    tool = samples.find_tool(f"{groups['folder']}/{groups['service']}/GPServer/{groups['task']}")
    if tool is None:
        raise ApiError(400, "Unable to complete operation.", ["Service or task not found."])
    return tool


def _job(ctx: Context, groups: Mapping[str, str]) -> tuple[samples.Tool, dict[str, Any]]:
    tool = _tool(groups)
    job = ctx.store.job(groups["job"])
    if job is None or job["tool"] != tool.key:
        raise ApiError(400, f"Job '{groups['job']}' does not exist or is inaccessible.")
    return tool, job


def _root(ctx: Context, req: Request, groups: dict[str, str]) -> dict[str, Any]:
    folders = sorted({t.folder for t in samples.TOOLS})
    return {"currentVersion": CURRENT_VERSION, "folders": folders, "services": []}


def _folder(ctx: Context, req: Request, groups: dict[str, str]) -> dict[str, Any]:
    services = sorted({f"{t.folder}/{t.service}" for t in samples.TOOLS if t.folder == groups["folder"]})
    if not services:
        raise not_found("Folder not found.")
    return {"currentVersion": CURRENT_VERSION, "folders": [], "services": [{"name": s, "type": "GPServer"} for s in services]}


def _service(ctx: Context, req: Request, groups: dict[str, str]) -> dict[str, Any]:
    tools = [t for t in samples.TOOLS if (t.folder, t.service) == (groups["folder"], groups["service"])]
    if not tools:
        raise not_found("Service not found.")
    return {
        "currentVersion": CURRENT_VERSION,
        "serviceDescription": tools[0].description,
        "tasks": [t.name for t in tools],
        "executionType": "esriExecutionTypeAsynchronous",
        "resultMapServerName": "",
        "maximumRecords": 1000,
    }


def _task(ctx: Context, req: Request, groups: dict[str, str]) -> dict[str, Any]:
    tool = _tool(groups)
    return {
        "name": tool.name,
        "displayName": tool.name,
        "description": tool.description,
        "category": "",
        "helpUrl": "",
        "executionType": "esriExecutionTypeAsynchronous",
        "parameters": [p.describe() for p in tool.params],
    }


def _submit(ctx: Context, req: Request, groups: dict[str, str]) -> dict[str, Any]:
    job = submit(ctx, _tool(groups), req.params)
    return {"jobId": job["jobId"], "jobStatus": "esriJobSubmitted"}


def _job_resource(ctx: Context, req: Request, groups: dict[str, str]) -> dict[str, Any]:
    _, job = _job(ctx, groups)
    return job_json(ctx, job, with_messages=bool(bool_param(req, "returnMessages")))


def _result(ctx: Context, req: Request, groups: dict[str, str]) -> dict[str, Any]:
    tool, job = _job(ctx, groups)
    param = tool.param(groups["param"])
    if param is None or param.direction != samples.OUTPUT:
        raise ApiError(400, f"Parameter '{groups['param']}' is not an output of this task.")
    if status_at(job, ctx.clock.now_ms()) != "esriJobSucceeded":
        raise ApiError(400, "Job has not succeeded; no result is available.")
    return {"paramName": param.name, "dataType": param.data_type, "value": job["results"].get(param.name)}


def _cancel(ctx: Context, req: Request, groups: dict[str, str]) -> dict[str, Any]:
    _, job = _job(ctx, groups)
    now = ctx.clock.now_ms()
    if status_at(job, now) in ("esriJobSubmitted", "esriJobExecuting"):
        job.update(status="esriJobCancelled", finishAt=now, messages=["Cancelled."])
        ctx.store.put_job(job)
    return {"jobId": job["jobId"], "jobStatus": status_at(job, now)}


def routes() -> list[Route]:
    p = SERVICES_ROOT
    return [
        route(READ, p, "", _root),
        route(READ, p, rf"/(?P<folder>{_SEG})", _folder),
        route(READ, p, rf"/(?P<folder>{_SEG})/(?P<service>{_SEG})/GPServer", _service),
        route(READ, p, _TOOL, _task),
        route(READ, p, _TOOL + "/submitJob", _submit),
        route(READ, p, _TOOL + rf"/jobs/(?P<job>{_SEG})", _job_resource),
        route(READ, p, _TOOL + rf"/jobs/(?P<job>{_SEG})/results/(?P<param>{_SEG})", _result),
        route(WRITE, p, _TOOL + rf"/jobs/(?P<job>{_SEG})/cancel", _cancel),
    ]
