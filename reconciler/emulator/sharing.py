"""Sharing API handlers: info, tokens, portal and user resources, scheduled tasks and runs."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from reconciler.emulator import auth, items, listing, quota, scheduler, tasks, version
from reconciler.emulator.auth import ORG_ID, User
from reconciler.emulator.context import PORTAL_CONTEXT, SHARING_ROOT, Context
from reconciler.emulator.routing import READ, WRITE, Route, route
from reconciler.emulator.wire import (
    ApiError,
    Request,
    bad_request,
    forbidden,
)

RUN_STATUSES = ("scheduled", "executing", "succeeded", "skipped", "failed", "submitfailed")
_SEG = r"[^/]+"
_USER = rf"/community/users/(?P<user>{_SEG})"
_TASK = _USER + rf"/tasks/(?P<task>{_SEG})"
_RUN = _TASK + rf"/runs/(?P<run>{_SEG})"


def _root(ctx: Context, req: Request, g: dict[str, str]) -> dict[str, Any]:
    """`enterpriseVersion` and `enterpriseBuild` exist from 11.3 on (reconciler/emulator/version.py)."""
    release = ctx.settings.release
    data = {"currentVersion": release.rest_version}
    if release.at_least(*version.ENTERPRISE_VERSION_SINCE):
        data.update(enterpriseVersion=release.full, enterpriseBuild=release.build)
    return data


def _info(ctx: Context, req: Request, g: dict[str, str]) -> dict[str, Any]:
    return {
        "owningSystemUrl": ctx.origin + PORTAL_CONTEXT,
        "authInfo": {"tokenServicesUrl": ctx.sharing_url + "/generateToken", "isTokenBasedSecurity": True},
        "currentVersion": ctx.settings.release.rest_version,
    }


def _generate_token(ctx: Context, req: Request, g: dict[str, str]) -> dict[str, Any]:
    return auth.generate_token(ctx, req)


def _servers(ctx: Context) -> list[dict[str, Any]]:
    return [{
        "id": "emulatorServer0001",
        "name": urlsplit(ctx.origin).netloc,
        "url": ctx.server_url,
        "adminUrl": ctx.server_url,
        "isHosted": True,
        "serverType": "ArcGIS",
        "serverRole": "HOSTING_SERVER",
        "serverFunction": "",
    }]


def _check_portal(g: dict[str, str]) -> None:
    if g["portal"] not in ("self", ORG_ID):
        raise bad_request("Portal not found.", f"Unknown portal id {g['portal']}.")


def _portal_self(ctx: Context, req: Request, g: dict[str, str]) -> dict[str, Any]:
    _check_portal(g)
    user = auth.optional_user(ctx, req)
    data: dict[str, Any] = {
        "id": ORG_ID,
        "name": "Reconciler emulator",
        "portalName": "Portal for ArcGIS",
        "portalMode": "singletenant",
        "isPortal": True,
        "currentVersion": ctx.settings.release.rest_version,
        "portalHostname": urlsplit(ctx.origin).netloc + PORTAL_CONTEXT,
        "allSSL": ctx.tls,
        "supportsOAuth": True,
        "supportsHostedServices": True,
        "helperServices": {},
        # Real portals list federated servers only under portals/self/servers; repeated here [I].
        "servers": _servers(ctx),
    }
    if user is not None:
        data["user"] = auth.user_json(user, include_private=True)
    return data


def _portal_servers(ctx: Context, req: Request, g: dict[str, str]) -> dict[str, Any]:
    _check_portal(g)
    auth.require_user(ctx, req)
    return {"servers": _servers(ctx)}


def _roles(ctx: Context, req: Request, g: dict[str, str]) -> dict[str, Any]:
    """Custom roles: none; the built-in org_admin/org_publisher/org_user are not listed here."""
    _check_portal(g)
    auth.require_user(ctx, req)
    return {"total": 0, "start": 1, "num": 0, "nextStart": -1, "roles": []}


def _community_self(ctx: Context, req: Request, g: dict[str, str]) -> dict[str, Any]:
    return auth.user_json(auth.require_user(ctx, req), include_private=True)


def _community_user(ctx: Context, req: Request, g: dict[str, str]) -> dict[str, Any]:
    caller = auth.require_user(ctx, req)
    user = auth.find_user(ctx, g["user"])
    if user is None:
        raise bad_request("User not found.", f"User '{g['user']}' does not exist or is inaccessible.")
    return auth.user_json(user, include_private=caller.is_admin or caller.username == user.username)


def _item(ctx: Context, req: Request, g: dict[str, str]) -> dict[str, Any]:
    auth.optional_user(ctx, req)
    item = ctx.store.item(g["item"])
    if item is None:
        raise bad_request("Item does not exist or is inaccessible.")
    return items.item_json(ctx, item)


def _principals(ctx: Context, req: Request, g: dict[str, str]) -> tuple[User, User]:
    """(caller, owner): only the owner or an administrator may manage a user's tasks."""
    caller = auth.require_user(ctx, req)
    if caller.username != g["user"] and not caller.is_admin:
        raise forbidden(f"Only '{g['user']}' or an administrator can manage these tasks.")
    owner = auth.find_user(ctx, g["user"])
    if owner is None:
        raise bad_request("User not found.", f"User '{g['user']}' does not exist or is inaccessible.")
    return caller, owner


def _owned_task(ctx: Context, req: Request, g: dict[str, str]) -> tuple[User, User, dict[str, Any]]:
    caller, owner = _principals(ctx, req, g)
    doc = ctx.store.task(g["task"])
    if doc is None or doc["userId"] != owner.username:
        # 404 rather than 400 for an unknown task or run: the docs do not say which (§3) [I].
        raise ApiError(404, "Task not found.", [f"Task '{g['task']}' does not exist for user '{owner.username}'."])
    return caller, owner, doc


def _list_tasks(ctx: Context, req: Request, g: dict[str, str]) -> dict[str, Any]:
    _, owner = _principals(ctx, req, g)
    data = listing.listing(ctx, req, user_id=owner.username)
    data["activeTasksAvailable"] = quota.active_tasks_available(ctx, owner.username)
    return data


def _all_tasks(ctx: Context, req: Request, g: dict[str, str]) -> dict[str, Any]:
    _check_portal(g)
    if not auth.require_user(ctx, req).is_admin:
        raise forbidden("Only administrators can list all scheduled tasks.")
    return listing.listing(ctx, req, user_id=req.param("userFilter") or None)


def _create(ctx: Context, req: Request, g: dict[str, str]) -> dict[str, Any]:
    caller, owner = _principals(ctx, req, g)
    doc = tasks.new_task(ctx, owner, req)
    tasks.validate(ctx, doc, owner=owner, caller=caller)
    if tasks.requested_active(req) is False:  # not documented for createTask; accepted [I]
        doc["taskState"] = "paused"
    quota.check(ctx, doc["type"], owner.username, creating=True, active=tasks.is_active(doc))
    tasks.reschedule(ctx, doc, after=ctx.clock.now_ms(), schedule_changed=True)
    ctx.store.put_task(doc)
    return {"success": True, "taskId": doc["id"]}


def _get_task(ctx: Context, req: Request, g: dict[str, str]) -> dict[str, Any]:
    return tasks.task_json(_owned_task(ctx, req, g)[2])


_SCHEDULE_KEYS = ("cronSchedule", "startDate", "endDate", "maxOccurrences")


def _update(ctx: Context, req: Request, g: dict[str, str]) -> dict[str, Any]:
    caller, owner, doc = _owned_task(ctx, req, g)
    new = tasks.merge_request(doc, req)
    tasks.validate(ctx, new, owner=owner, caller=caller)
    wanted = tasks.requested_active(req)
    if wanted is True and not tasks.is_active(doc):
        _activate(ctx, new)
    elif wanted is False:
        new["taskState"] = "paused"
    if new["type"] != doc["type"] and not (wanted is True and not tasks.is_active(doc)):
        # another type's limits now apply to it, whatever its state (_activate checked an activation)
        quota.check(ctx, new["type"], owner.username, creating=True, active=tasks.is_active(new))
    changed = any(new.get(k) != doc.get(k) for k in _SCHEDULE_KEYS)
    if changed:
        new["_occurrences"] = 0  # a new schedule is a new trigger: its run count starts again [I]
    return _save(ctx, new, schedule_changed=changed)


def _activate(ctx: Context, doc: dict[str, Any]) -> None:
    stored = ctx.store.task(doc["id"])
    retyped = stored is not None and stored["type"] != doc["type"]
    quota.check(ctx, doc["type"], doc["userId"], creating=retyped, active=True)
    doc.update(taskState="active", _failures=0)


def _save(ctx: Context, doc: dict[str, Any], *, schedule_changed: bool = False) -> dict[str, Any]:
    now = ctx.clock.now_ms()
    doc["updated"] = now
    tasks.reschedule(ctx, doc, after=now, schedule_changed=schedule_changed)
    ctx.store.put_task(doc)
    return {"success": True, "taskId": doc["id"]}


def _enable(ctx: Context, req: Request, g: dict[str, str]) -> dict[str, Any]:
    doc = _owned_task(ctx, req, g)[2]
    if not tasks.is_active(doc):
        _activate(ctx, doc)
    return _save(ctx, doc)


def _disable(ctx: Context, req: Request, g: dict[str, str]) -> dict[str, Any]:
    doc = _owned_task(ctx, req, g)[2]
    doc["taskState"] = "paused"  # the paused sample has active:false (§6.5) [I]
    return _save(ctx, doc)


def _delete(ctx: Context, req: Request, g: dict[str, str]) -> dict[str, Any]:
    doc = _owned_task(ctx, req, g)[2]
    ctx.store.delete_task(doc["id"])
    return {"success": True, "taskId": doc["id"]}


def _runs(ctx: Context, req: Request, g: dict[str, str]) -> dict[str, Any]:
    doc = _owned_task(ctx, req, g)[2]
    # Newest first [I]; at most TaskRunHistoryCount exist.
    return {"runs": [scheduler.run_json(ctx, r) for r in ctx.store.runs(doc["id"])]}


def _owned_run(ctx: Context, req: Request, g: dict[str, str]) -> dict[str, Any]:
    doc = _owned_task(ctx, req, g)[2]
    run = ctx.store.run(doc["id"], g["run"])
    if run is None:
        raise ApiError(404, "Run not found.", [f"Run '{g['run']}' does not exist for task '{doc['id']}'."])
    return run


def _get_run(ctx: Context, req: Request, g: dict[str, str]) -> dict[str, Any]:
    return scheduler.run_json(ctx, _owned_run(ctx, req, g))


def _update_run(ctx: Context, req: Request, g: dict[str, str]) -> dict[str, Any]:
    run = _owned_run(ctx, req, g)
    status = req.param("status")
    if status not in RUN_STATUSES:
        raise bad_request("Invalid run status.", f"'status' must be one of {', '.join(RUN_STATUSES)}.")
    run["status"] = status
    if req.param("result") is not None:
        run["result"] = req.param("result")
    run["updated"] = ctx.clock.now_ms()
    ctx.store.put_run(run)
    return {"success": True, "taskId": run["taskId"], "runId": run["runId"]}


def _delete_run(ctx: Context, req: Request, g: dict[str, str]) -> dict[str, Any]:
    run = _owned_run(ctx, req, g)
    ctx.store.delete_run(run["runId"])
    return {"success": True, "taskId": run["taskId"], "runId": run["runId"]}


def routes() -> list[Route]:
    p = SHARING_ROOT
    return [
        route(READ, p, "", _root),
        route(READ, p, "/info", _info),
        route(READ, p, "/generateToken", _generate_token),
        route(READ, p, rf"/portals/(?P<portal>{_SEG})", _portal_self),
        route(READ, p, rf"/portals/(?P<portal>{_SEG})/servers", _portal_servers),
        route(READ, p, rf"/portals/(?P<portal>{_SEG})/allScheduledTasks", _all_tasks),
        route(READ, p, rf"/portals/(?P<portal>{_SEG})/roles", _roles),
        route(READ, p, "/community/self", _community_self),
        route(READ, p, _USER, _community_user),
        route(READ, p, rf"/content/items/(?P<item>{_SEG})", _item),
        route(READ, p, _USER + "/tasks", _list_tasks),
        route(WRITE, p, _USER + "/tasks/createTask", _create),
        # The doc's sample posts to tasks/<id>/createTask (docs/portal-api.md §5); tolerated.
        route(WRITE, p, _USER + rf"/tasks/{_SEG}/createTask", _create),
        route(READ, p, _TASK, _get_task),
        route(WRITE, p, _TASK + "/update", _update),
        route(WRITE, p, _TASK + "/enable", _enable),
        route(WRITE, p, _TASK + "/disable", _disable),
        route(WRITE, p, _TASK + "/delete", _delete),
        route(READ, p, _TASK + "/runs", _runs),
        route(READ, p, _RUN, _get_run),
        route(WRITE, p, _RUN + "/update", _update_run),
        route(WRITE, p, _RUN + "/delete", _delete_run),
    ]
