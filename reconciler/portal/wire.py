"""The Sharing API's task JSON and forms <-> typed records. Pure: no I/O.

References are to docs/portal-api.md (§n); [I] marks behaviour inferred, not
documented.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from reconciler.errors import PortalError
from reconciler.jsonforms import MAX_DEPTH, canonical_json, depth
from reconciler.model import (
    CronFields,
    FederatedServer,
    GPJob,
    GPMessage,
    GPParameter,
    GPTaskInfo,
    PortalUser,
    RemoteRun,
    RemoteTask,
    TaskFields,
)

UNLIMITED = -1  # maxOccurrences -1 = unlimited, as in the admin samples (§6.2) [I for the Sharing API]
_NOT_DOCUMENTED = "the portal's answer is not what the Sharing API documents; try again, or check the task on the portal"


class MalformedTask(PortalError):
    """A task entry the client cannot read; `task_id`/`title` are set when the entry has them."""

    def __init__(self, message: str, *, task_id: str | None, title: str | None, field: str | None) -> None:
        super().__init__(message, operation=f"read task {task_id}" if task_id else "read a task")
        self.task_id, self.title, self.field = task_id, title, field


def _int(value: Any) -> int | None:
    return None if value is None or value == "" else int(value)


def _str(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def _parameters_json(value: Any) -> str:
    """Canonical text of parameters returned as an object (§7), or as JSON text [I]. Refused deeper
    than MAX_DEPTH (the planner recurses); its brackets bound the depth, so most are never walked."""
    value = (json.loads(value) if value.strip() else {}) if isinstance(value, str) else value
    if value is not None and not isinstance(value, dict):
        raise TypeError("not an object")
    text = canonical_json(value or {})
    if text.count("{") + text.count("[") >= MAX_DEPTH and depth(value) > MAX_DEPTH:  # depth <= brackets + 1
        raise ValueError("nested too deeply")
    return text


def _scalar(value: Any) -> bool:
    return isinstance(value, (str, int)) and not isinstance(value, bool)


def quota_from_wire(listing: Mapping[str, Any]) -> int | None:
    """A task listing's activeTasksAvailable (how many more tasks may be active); None if unsaid."""
    value = listing.get("activeTasksAvailable")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def created_id(body: Mapping[str, Any], operation: str) -> str:
    """The new task's id from a createTask answer.

    Raises:
        PortalError: no taskId (arcgis accepts a create only with success and taskId, §13).
    """
    task_id = body.get("taskId")
    if not task_id:
        raise PortalError("createTask answered without a taskId", operation=operation)
    return str(task_id)


def task_from_wire(data: Any) -> RemoteTask:
    """A task resource or list entry (§6.3, §7) as a RemoteTask.

    Raises:
        MalformedTask: no id, title or cronSchedule, or a field of the wrong type; the error
            names the task (when it has an id) and the field.
    """
    if not isinstance(data, Mapping):
        raise MalformedTask(f"a task entry is {type(data).__name__}, not an object", task_id=None, title=None, field=None)
    task_id = str(data["id"]) if _scalar(data.get("id")) and data.get("id") != "" else None
    title = data.get("title") if isinstance(data.get("title"), str) else None

    def bad(field: str, why: str) -> MalformedTask:
        who = f"task {task_id}" if task_id else "a task without an id"
        return MalformedTask(f"{who} has {why} in `{field}`", task_id=task_id, title=title, field=field)

    for field, present in (("id", task_id is not None), ("title", title is not None)):
        if not present:
            raise bad(field, "no text" if field in data else "nothing")
    schedule = data.get("cronSchedule")
    if not isinstance(schedule, Mapping):
        raise bad("cronSchedule", "nothing" if schedule is None else "no object")
    for key in ("minute", "hour", "dayOfMonth", "month", "dayOfWeek"):
        if not _scalar(schedule.get(key)):
            raise bad(f"cronSchedule.{key}", "no value")
    try:
        return _task(data, task_id or "", title or "")
    except _FieldError as e:
        raise bad(e.field, "a value of the wrong type") from None


class _FieldError(Exception):
    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


def _read(field: str, read: Any, value: Any) -> Any:
    try:
        return read(value)
    except (TypeError, ValueError, RecursionError):
        raise _FieldError(field) from None


_NUMBERS = ("maxOccurrences", "startDate", "endDate", "created", "updated", "lastStart", "nextStart", "runIntervalSeconds")
_TEXTS = ("userId", "type", "itemId", "taskUrl", "taskURL", "taskState")


def _task(data: Mapping[str, Any], task_id: str, title: str) -> RemoteTask:
    number = {k: _read(k, _int, data.get(k)) for k in _NUMBERS}
    max_occ = number["maxOccurrences"]
    if wrong := [key for key in _TEXTS if data.get(key) is not None and not isinstance(data.get(key), str)]:
        raise _FieldError(wrong[0])
    text: dict[str, str | None] = {key: data.get(key) or None for key in _TEXTS}  # "" is unset, as None
    return RemoteTask(
        id=task_id,
        owner=text["userId"] or "",
        title=title,
        task_type=text["type"] or "",
        schedule=CronFields.from_wire(data["cronSchedule"]),
        parameters_json=_read("parameters", _parameters_json, data.get("parameters")),
        item_id=text["itemId"],
        # Field name of the GP task URL in task JSON is unknown (§15.4) [I]: read both spellings.
        task_url=text["taskUrl"] or text["taskURL"],
        max_occurrences=None if max_occ is None or max_occ < 0 else max_occ,
        start_date=number["startDate"],
        end_date=number["endDate"],
        active=bool(data.get("active", False)),
        task_state=text["taskState"],
        created=number["created"],
        updated=number["updated"],
        last_start=number["lastStart"],
        next_start=number["nextStart"],
        run_interval_seconds=number["runIntervalSeconds"],
    )


def _common_form(fields: TaskFields) -> dict[str, str]:
    form = {
        "title": fields.title,
        "type": fields.task_type,
        **fields.schedule.to_wire(),
        # Always sent: a missing value may take a server default (arcgis sends 10) [I].
        "maxOccurrences": str(UNLIMITED if fields.max_occurrences is None else fields.max_occurrences),
        # Objects travel as JSON text in form fields (§1).
        "parameters": canonical_json(fields.parameters),
    }
    if fields.item_id:
        form["itemId"] = fields.item_id
    return form


def create_form(fields: TaskFields) -> dict[str, str]:
    """Form fields for createTask (§6.2); `f` is added by the HTTP layer.

    The GP task URL is sent as both `taskURL` (what arcgis sends on create) and `taskUrl` (the
    documented field name elsewhere), since the casing the portal reads on create is unknown
    (§15.4) [I]; only for tasks that have one. `isActive=false` is not documented for createTask
    [I]; it is sent so an inactive task never counts against the active-task quota, and the
    client disables the task afterwards in case the portal ignored it.
    """
    form = _common_form(fields)
    if fields.task_url:
        form["taskURL"] = form["taskUrl"] = fields.task_url
    for key, value in (("startDate", fields.start_date), ("endDate", fields.end_date)):
        if value is not None:
            form[key] = str(value)
    if not fields.active:
        form["isActive"] = "false"
    return form


def update_form(fields: TaskFields) -> dict[str, str]:
    """Form fields for tasks/{id}/update (§6.4): every field, so nothing keeps a stale value.

    Omitted fields keep their stored values on update [I], so an unset optional field is sent
    empty, which clears it (`itemId=`, `startDate=`, `endDate=`; the docs' update example sends
    `parameters=` empty) [I: the emulator's rule]. `taskUrl` is the update spelling arcgis uses
    [C]. `isActive` is never sent: it would pause a task the portal completed (maxOccurrences
    reached); the active state changes only through enable/disable, which the plan orders after
    the update.
    """
    form = _common_form(fields)
    if fields.task_url:
        form["taskUrl"] = fields.task_url
    form["itemId"] = fields.item_id or ""
    form["startDate"] = "" if fields.start_date is None else str(fields.start_date)
    form["endDate"] = "" if fields.end_date is None else str(fields.end_date)
    return form


def fields_of(task: RemoteTask) -> TaskFields:
    """The desired-fields view of a remote task (for comparisons and round trips)."""
    return TaskFields(
        title=task.title, task_type=task.task_type, schedule=task.schedule, parameters_json=task.parameters_json,
        item_id=task.item_id, task_url=task.task_url, max_occurrences=task.max_occurrences,
        start_date=task.start_date, end_date=task.end_date, active=task.active,
    )


def _cron_key(c: CronFields) -> tuple[str, ...]:
    return tuple(v.strip().upper() for v in (c.minute, c.hour, c.day_of_month, c.month, c.day_of_week))

def matches(task: RemoteTask, fields: TaskFields, *, check_active: bool = True) -> bool:
    """Whether `task` already has exactly `fields` (used to resolve writes of unknown outcome).
    `active` is skipped (check_active=False) for a just-created or updated task: update never
    sets it, and the portal may complete or disable a task by itself."""
    mine = fields_of(task)
    same = (
        mine.title == fields.title and mine.task_type == fields.task_type
        and _cron_key(mine.schedule) == _cron_key(fields.schedule)
        and json.loads(mine.parameters_json) == fields.parameters
        and (mine.item_id or None) == (fields.item_id or None)
        and (mine.task_url or None) == (fields.task_url or None)
        and mine.max_occurrences == fields.max_occurrences
        and mine.start_date == fields.start_date and mine.end_date == fields.end_date
    )
    return same and (not check_active or mine.active == fields.active)


def run_from_wire(data: Any, task_id: str) -> RemoteRun:
    """A run (§6.7, §8). Dates in epoch ms; `modified` (admin API) read where `updated` is absent [I].
    Raises: PortalError for an entry that is not a run (no runId), rather than a crash."""
    if not isinstance(data, Mapping) or not isinstance(data.get("runId"), (str, int)) or isinstance(data["runId"], bool):
        raise PortalError(f"the portal listed a run of task {task_id} that has no runId", hint=_NOT_DOCUMENTED)
    return RemoteRun(
        run_id=str(data["runId"]),
        task_id=str(data.get("taskId") or (data.get("task") or {}).get("id") or task_id),
        status=str(data.get("status") or "").lower(),  # "Executing" is executing [I]
        result=str(data.get("result") or ""),
        url=str(data.get("url") or ""),
        created=_int(data.get("created")),
        updated=_int(data.get("updated", data.get("modified"))),
    )


def job_from_wire(data: Mapping[str, Any], url: str) -> GPJob:
    """A GP job resource (§12) fetched with returnMessages=true."""
    messages = tuple(
        GPMessage(type=str(m.get("type") or ""), description=str(m.get("description") or ""))
        for m in data.get("messages") or ()
    )
    return GPJob(job_id=str(data.get("jobId") or ""), status=str(data.get("jobStatus") or ""), url=url, messages=messages)


def user_from_wire(data: Mapping[str, Any]) -> PortalUser:
    return PortalUser(
        username=str(data["username"]),
        role=_str(data.get("role")),
        privileges=tuple(str(p) for p in data.get("privileges") or ()),
        full_name=_str(data.get("fullName")),
    )


def server_from_wire(data: Mapping[str, Any]) -> FederatedServer:
    return FederatedServer(
        id=str(data.get("id") or ""),
        name=str(data.get("name") or ""),
        url=str(data.get("url") or "").rstrip("/"),
        admin_url=_str(data.get("adminUrl")),
        server_role=_str(data.get("serverRole")),
        server_function=_str(data.get("serverFunction")),
    )


def gp_task_from_wire(data: Mapping[str, Any], url: str) -> GPTaskInfo:
    params = tuple(
        GPParameter(
            name=str(p["name"]),
            data_type=str(p.get("dataType") or ""),
            direction=str(p.get("direction") or ""),
            required=p.get("parameterType") == "esriGPParameterTypeRequired",
            default_json=canonical_json(p.get("defaultValue")),
            choices=tuple(str(c) for c in p.get("choiceList") or ()),
        )
        for p in data.get("parameters") or ()
    )
    return GPTaskInfo(url=url, name=str(data.get("name") or ""), execution_type=_str(data.get("executionType")),
                      parameters=params)
