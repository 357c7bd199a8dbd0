"""Scheduled-task documents: building them from requests, the rules they obey, and their JSON.

Stored documents carry the wire fields plus internal counters prefixed with "_", which
`task_json` strips. Rules (docs/portal-api.md §6.2, §10, §11, §14) raise `ApiError`.
"""

from __future__ import annotations

import json
import uuid
from typing import Any
from urllib.parse import urlsplit

from reconciler import quartz
from reconciler.emulator import samples
from reconciler.emulator.auth import GP_SCHEDULING_PRIVILEGES, User
from reconciler.emulator.clock import MAX_MS, MIN_MS, to_datetime, to_ms
from reconciler.emulator.context import Context
from reconciler.emulator.wire import (
    ASCII_SPACE,
    JAVA_INT_MAX,
    Request,
    bad_request,
    bool_param,
    forbidden,
    int_param,
    json_object_param,
)
from reconciler.errors import CronError
from reconciler.model import CronFields

# Case-sensitive, as the GP blog stresses for "GPService" (§6.2, §9).
TASK_TYPES = (
    "ExecuteNotebook",
    "UpdateInsightsWorkbook",
    "ExecuteSceneCook",
    "ExecuteWorkflowManager",
    "ExecuteReport",
    "GPService",
    "RunDataPipeline",
)
CRON_FIELDS = ("minute", "hour", "dayOfMonth", "month", "dayOfWeek")
NEEDS_PARAMETERS = ("ExecuteSceneCook", "ExecuteReport")
# The release each type needs (§9) [D]; ExecuteReport exists in ArcGIS Online only [D], and the
# emulator presents itself as Enterprise.
SINCE = {"ExecuteSceneCook": (10, 9), "ExecuteWorkflowManager": (10, 9), "GPService": (11, 2)}
ONLINE_ONLY = ("ExecuteReport",)


def new_task(ctx: Context, owner: User, req: Request) -> dict[str, Any]:
    now = ctx.clock.now_ms()
    doc: dict[str, Any] = {
        "id": uuid.uuid4().hex,
        "userId": owner.username,
        "title": "",
        "itemId": None,
        "taskUrl": None,
        "parameters": {},
        "maxOccurrences": -1,  # unlimited when not sent, as in the admin samples [I]
        "created": now,
        "updated": now,
        "taskState": "active",  # tasks start active [I]
        "lastStart": None,
        "_occurrences": 0,
        "_failures": 0,
    }
    return merge_request(doc, req)


def merge_request(doc: dict[str, Any], req: Request) -> dict[str, Any]:
    """Overlay the request on `doc`: an absent field keeps its stored value, an empty one clears it [I]."""
    out = dict(doc)
    for name in ("title", "type"):
        if req.param(name) is not None:
            out[name] = req.param(name)
    if req.param("itemId") is not None:
        out["itemId"] = req.param("itemId") or None
    url = req.param("taskUrl") if req.param("taskUrl") is not None else req.param("taskURL")
    if url is not None:
        out["taskUrl"] = url or None
    parameters = json_object_param(req, "parameters")
    if parameters is not None:
        out["parameters"] = parameters
    for name in ("startDate", "endDate"):
        if req.param(name) is not None:
            out[name] = int_param(req, name, lo=MIN_MS, hi=MAX_MS)
    if req.param("maxOccurrences") is not None:
        out["maxOccurrences"] = _max_occurrences(req)
    if out.get("maxOccurrences") is None:
        out["maxOccurrences"] = -1
    cron = dict(out.get("cronSchedule") or {})
    for name in CRON_FIELDS:
        value = req.param(name)
        if value is not None:
            cron[name] = value.strip(ASCII_SPACE)  # not str.strip(): Unicode spaces stay, and are refused
    out["cronSchedule"] = cron
    return out


def _max_occurrences(req: Request) -> int | None:
    """A Java int run cap: 1..2147483647, or -1 for unlimited; 0 and other negatives are refused [I]
    (the admin samples show -1 as unlimited; nothing documents 0)."""
    value = int_param(req, "maxOccurrences")
    if value is not None and value != -1 and value < 1:
        raise bad_request("Invalid value for 'maxOccurrences'.",
                          f"'maxOccurrences' must be -1 (unlimited) or 1 to {JAVA_INT_MAX}, got {req.param('maxOccurrences')!r}.")
    return value


def requested_active(req: Request) -> bool | None:
    """`isActive`, which `arcgis` Task.start()/stop() send to update (§13)."""
    return bool_param(req, "isActive")


def validate(ctx: Context, doc: dict[str, Any], *, owner: User, caller: User) -> None:
    task_type = doc.get("type")
    if not task_type:
        raise bad_request("Invalid task.", "'type' is required.")
    if task_type not in TASK_TYPES:
        raise bad_request("Invalid task type.", f"'{task_type}' is not one of {', '.join(TASK_TYPES)} (case-sensitive).")
    _check_release(ctx, task_type)
    expression(doc)
    start, end = doc.get("startDate"), doc.get("endDate")
    if start is not None and end is not None and end < start:
        raise bad_request("Invalid task.", "'endDate' is before 'startDate'.")
    if task_type in NEEDS_PARAMETERS and not doc.get("parameters"):
        raise bad_request("Invalid task.", f"'parameters' is required for {task_type} tasks.")
    if task_type == "GPService":
        _validate_gp(ctx, doc, owner=owner, caller=caller)
    elif task_type != "ExecuteReport" and not doc.get("itemId"):
        raise bad_request("Invalid task.", "'itemId' is required.")


def _check_release(ctx: Context, task_type: str) -> None:
    """Refuse a type this portal does not have; code and wording undocumented (§15.7) [I]."""
    release = ctx.settings.release
    if task_type in ONLINE_ONLY:
        raise bad_request("Invalid task type.",
                          f"{task_type} tasks are available in ArcGIS Online only, not in ArcGIS Enterprise {release.full}.")
    since = SINCE.get(task_type)
    if since is not None and not release.at_least(*since):
        raise bad_request("Invalid task type.", f"{task_type} tasks need ArcGIS Enterprise "
                          f"{'.'.join(map(str, since))} or later; this portal is {release.full}.")


def expression(doc: dict[str, Any]) -> quartz.QuartzExpression:
    cron = doc.get("cronSchedule") or {}
    missing = [name for name in CRON_FIELDS if not cron.get(name)]
    if missing:
        raise bad_request("Invalid cron expression.", f"Missing schedule field(s): {', '.join(missing)}.")
    try:
        # quartz refuses non-ASCII (Java parses ASCII only; `５` or `ſ` must not pass) and spaces
        # inside a field, and upper-cases names itself.
        return quartz.from_fields(CronFields.from_wire(cron))
    except CronError as e:
        wire_name = _WIRE_FIELD.get(e.field or "", e.field)
        detail = f"{e}" + (f" (field {wire_name}, token {e.token!r})" if e.field or e.token else "")
        raise bad_request("Invalid cron expression.", detail) from None


_WIRE_FIELD = {"day_of_month": "dayOfMonth", "day_of_week": "dayOfWeek"}


def _validate_gp(ctx: Context, doc: dict[str, Any], *, owner: User, caller: User) -> None:
    url = doc.get("taskUrl")
    if not url:
        raise bad_request("Invalid task.", "'taskUrl' is required for GPService tasks.")
    path = ctx.services_path_of(url)
    if path is None:
        raise bad_request("Invalid task URL.", f"{url} is not a geoprocessing task on a server federated with this portal.")
    tool = samples.find_tool(path)
    if tool is None:
        # The portal checks the task exists on its federated server [I].
        raise bad_request("Invalid task URL.", f"{url} is not a geoprocessing task (use the task URL, not the service URL).")
    if tool.system and not caller.is_admin:
        raise forbidden(f"Only an administrator can schedule the system service {tool.folder}/{tool.service}.")
    if not owner.is_admin and not owner.has_all(GP_SCHEDULING_PRIVILEGES):
        raise forbidden(
            f"User '{owner.username}' lacks the privileges to schedule geoprocessing services: "
            + ", ".join(p for p in GP_SCHEDULING_PRIVILEGES if p not in owner.privileges)
        )
    _validate_web_tool_item(ctx, doc, owner=owner, caller=caller)


def _validate_web_tool_item(ctx: Context, doc: dict[str, Any], *, owner: User, caller: User) -> None:
    # The GP blog leaves itemId blank for GP tasks, so it is optional here [I]; when given it must
    # be a web tool item, and only its owner or an administrator may schedule it (§6.2).
    item_id = doc.get("itemId")
    if not item_id:
        return
    item = ctx.store.item(item_id)
    if item is None:
        raise bad_request("Item does not exist or is inaccessible.", f"itemId {item_id}")
    if item.get("type") != "Web Tool":
        raise bad_request("Invalid task.", f"Item {item_id} is a {item.get('type')}, not a Web Tool.")
    if item["owner"] != owner.username and not caller.is_admin:
        raise forbidden("Only the portal administrator and the web tool item owner can schedule this service.")


def reschedule(ctx: Context, doc: dict[str, Any], *, after: int, schedule_changed: bool) -> None:
    """Set `nextStart`, complete the task when it will never fire again, and, when the schedule
    was written (`schedule_changed`) or never had one, `runIntervalSeconds`: the gap between the
    task's next two fire times, fixed until the schedule changes [I]."""
    want_interval = schedule_changed or "runIntervalSeconds" not in doc
    if not is_active(doc) and not want_interval:
        doc["nextStart"] = None
        return
    start = doc.get("startDate")
    since = max(after, start - 1) if start is not None else after
    fires = [to_ms(t) for t in quartz.next_fire_times(expression(doc), after=to_datetime(since), count=2 if want_interval else 1)]
    if want_interval:
        doc["runIntervalSeconds"] = (fires[1] - fires[0]) // 1000 if len(fires) == 2 else 0
    if not is_active(doc):
        doc["nextStart"] = None
        return
    upcoming = fires[0] if fires else None
    end = doc.get("endDate")
    limit = doc.get("maxOccurrences") or -1
    if upcoming is None or (end is not None and upcoming > end) or (limit > 0 and doc["_occurrences"] >= limit):
        complete(doc)
    else:
        doc["nextStart"] = upcoming


def is_active(doc: dict[str, Any]) -> bool:
    """`active` is derived, never stored: true exactly in taskState "active" (documents written by
    older versions still carry an `active` key; it is ignored)."""
    return doc["taskState"] == "active"


def complete(doc: dict[str, Any]) -> None:
    doc.update(taskState="completed", nextStart=None)


FEDERATED_SERVER_META = "federatedServer"


def follow_origin(ctx: Context) -> None:
    """At start: move stored `taskUrl`s that pointed at the emulator's own federated server, as it
    was last started, to the current origin (a restart with `--data` on another port or scheme),
    so clients can send them back on update; URLs of other hosts are kept as they are. Run and job
    URLs need nothing: they are stored as paths. Without a record of the last start (data files
    written before it was kept), any URL under /server/rest/services on one of the current host
    names counts as ours, whatever its port [I]."""
    here: dict[str, Any] = {"origin": ctx.origin, "hosts": ctx.host_names()}
    with ctx.store.lock:
        raw = ctx.store.meta(FEDERATED_SERVER_META)
        before = json.loads(raw) if raw else None
        if before == here:
            return
        hosts: list[str] = list(before["hosts"] if before else here["hosts"])
        port = urlsplit(before["origin"]).port if before else None

        def moved(task: dict[str, Any]) -> bool:
            url = task.get("taskUrl")
            new = ctx.relocate_url(url, hosts=hosts, port=port) if isinstance(url, str) else None
            if new is None or new == url:
                return False
            task["taskUrl"] = new
            return True

        _, stored = ctx.store.tasks()
        for doc in stored:
            if moved(doc):
                ctx.store.put_task(doc)
        for run in ctx.store.all_runs():
            if isinstance(run.get("task"), dict) and moved(run["task"]):
                ctx.store.put_run(run)
        ctx.store.set_meta(FEDERATED_SERVER_META, json.dumps(here))


def task_json(doc: dict[str, Any]) -> dict[str, Any]:
    """The wire shape (§7); `itemId` and `taskUrl` are always present (null when unset) since clients
    read them back on update; `startDate`/`endDate`/`lastStart` only when set [I]."""
    data = {k: doc.get(k) for k in _ORDER}
    data.update({k: v for k, v in doc.items() if not k.startswith("_") and k not in data})
    data["active"] = is_active(doc)
    for optional in ("startDate", "endDate", "lastStart"):
        if data.get(optional) is None:
            data.pop(optional, None)
    return data


_ORDER = (
    "id", "itemId", "type", "title", "userId", "cronSchedule", "runIntervalSeconds", "lastStart", "nextStart",
    "maxOccurrences", "parameters", "taskUrl", "created", "updated", "startDate", "endDate", "active", "taskState",
)
