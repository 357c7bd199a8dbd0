"""Scheduled-task resources and operations, and every rule they enforce."""

from __future__ import annotations

import json
from typing import Any

import requests

from reconciler.emulator import samples
from reconciler.emulator.items import web_tool_item_id
from reconciler.emulator.server import Emulator
from tests.conftest import BUFFER, BUFFER_PARAMS, T0

from .conftest import EVERY_5_MIN, SYSTEM, Client, gp_task, seed_tasks

TASKS = "community/users/publisher/tasks"


def _item(service: str) -> str:
    return web_tool_item_id(next(t for t in samples.TOOLS if t.service == service))


def test_create_and_read_a_gp_task(emu: Emulator, publisher: Client) -> None:
    created = publisher.create(**gp_task(emu, title="Buffer nightly"))
    assert created == {"success": True, "taskId": created["taskId"]}
    task = publisher.get(f"{TASKS}/{created['taskId']}")
    assert task["id"] == created["taskId"] and len(task["id"]) == 32
    assert task["type"] == "GPService" and task["title"] == "Buffer nightly" and task["userId"] == "publisher"
    assert task["itemId"] is None  # always present, null when unset
    assert task["taskUrl"] == emu.task_url(BUFFER)
    assert task["parameters"] == BUFFER_PARAMS  # an object, not JSON text
    assert task["cronSchedule"] == EVERY_5_MIN
    assert task["runIntervalSeconds"] == 300
    assert task["nextStart"] == T0 + 300_000
    assert task["created"] == task["updated"] == T0
    assert task["active"] is True and task["taskState"] == "active"
    assert task["maxOccurrences"] == -1
    assert "lastStart" not in task and "endDate" not in task


def test_task_url_is_accepted_in_both_casings(emu: Emulator, publisher: Client) -> None:
    fields = gp_task(emu)
    fields["taskUrl"] = fields.pop("taskURL")
    task_id = publisher.create(**fields)["taskId"]
    assert publisher.get(f"{TASKS}/{task_id}")["taskUrl"] == emu.task_url(BUFFER)


def test_create_with_web_tool_item_and_dates(emu: Emulator, publisher: Client) -> None:
    fields = gp_task(emu, itemId=_item("Buffer"), startDate=str(T0 + 3_600_000), endDate=str(T0 + 7_200_000), maxOccurrences="3")
    task = publisher.get(f"{TASKS}/{publisher.create(**fields)['taskId']}")
    assert task["itemId"] == _item("Buffer")
    assert task["startDate"] == T0 + 3_600_000 and task["endDate"] == T0 + 7_200_000
    assert task["nextStart"] == T0 + 3_600_000  # honours startDate
    assert task["maxOccurrences"] == 3


def test_docs_sample_path_with_a_task_id_also_creates(emu: Emulator, publisher: Client) -> None:
    created = publisher.post(f"{TASKS}/a7ce628005004e758f3387d735b3e1ca/createTask", **gp_task(emu))
    assert created["success"] is True


def test_operations_are_post_only(emu: Emulator, publisher: Client) -> None:
    task_id = publisher.create(**gp_task(emu))["taskId"]
    assert publisher.get(f"{TASKS}/{task_id}/disable")["error"]["code"] == 405
    assert publisher.get(f"{TASKS}/createTask", **gp_task(emu))["error"]["code"] == 405


def test_update_keeps_omitted_fields(emu: Emulator, publisher: Client) -> None:
    task_id = publisher.create(**gp_task(emu, itemId=_item("Buffer"), endDate=str(T0 + 86_400_000)))["taskId"]
    publisher.clock(advance="10")
    assert publisher.post(f"{TASKS}/{task_id}/update", title="renamed") == {"success": True, "taskId": task_id}
    task = publisher.get(f"{TASKS}/{task_id}")
    assert task["title"] == "renamed"
    assert task["itemId"] == _item("Buffer") and task["endDate"] == T0 + 86_400_000
    assert task["parameters"] == BUFFER_PARAMS and task["cronSchedule"] == EVERY_5_MIN
    assert task["updated"] == T0 + 10_000 and task["created"] == T0


def test_update_schedule_parameters_and_clearing(emu: Emulator, publisher: Client) -> None:
    task_id = publisher.create(**gp_task(emu, endDate=str(T0 + 86_400_000)))["taskId"]
    publisher.post(f"{TASKS}/{task_id}/update", type="GPService", minute="0", hour="4", dayOfMonth="?", dayOfWeek="7",
                   parameters={"in_features": {"features": []}}, endDate="")
    task = publisher.get(f"{TASKS}/{task_id}")
    assert task["cronSchedule"] == {"minute": "0", "hour": "4", "dayOfMonth": "?", "month": "*", "dayOfWeek": "7"}
    assert task["runIntervalSeconds"] == 604_800
    assert task["nextStart"] == T0 + 2 * 86_400_000 + 4 * 3_600_000  # Saturday 2026-01-03 04:00Z
    assert task["parameters"] == {"in_features": {"features": []}}
    assert "endDate" not in task


def test_update_is_active_like_arcgis_start_stop(emu: Emulator, publisher: Client) -> None:
    task_id = publisher.create(**gp_task(emu))["taskId"]
    publisher.post(f"{TASKS}/{task_id}/update", isActive="false")
    assert publisher.get(f"{TASKS}/{task_id}")["active"] is False
    publisher.post(f"{TASKS}/{task_id}/update", isActive="true")
    assert publisher.get(f"{TASKS}/{task_id}")["taskState"] == "active"


def test_enable_disable_delete(emu: Emulator, publisher: Client) -> None:
    task_id = publisher.create(**gp_task(emu))["taskId"]
    assert publisher.post(f"{TASKS}/{task_id}/disable") == {"success": True, "taskId": task_id}
    paused = publisher.get(f"{TASKS}/{task_id}")
    assert (paused["active"], paused["taskState"], paused["nextStart"]) == (False, "paused", None)
    assert publisher.post(f"{TASKS}/{task_id}/enable") == {"success": True, "taskId": task_id}
    assert publisher.get(f"{TASKS}/{task_id}")["active"] is True
    assert publisher.post(f"{TASKS}/{task_id}/delete") == {"success": True, "taskId": task_id}
    assert publisher.get(f"{TASKS}/{task_id}")["error"]["code"] == 404
    assert publisher.post(f"{TASKS}/{task_id}/delete")["error"]["code"] == 404


def test_only_owner_or_admin_manage_tasks(emu: Emulator, clients: dict[str, Client]) -> None:
    publisher, viewer, admin = clients["publisher"], clients["viewer"], clients["admin"]
    task_id = publisher.create(**gp_task(emu))["taskId"]
    for call in (
        lambda: viewer.get(TASKS),
        lambda: viewer.get(f"{TASKS}/{task_id}"),
        lambda: viewer.post(f"{TASKS}/{task_id}/disable"),
        lambda: viewer.post(f"{TASKS}/{task_id}/delete"),
        lambda: viewer.post(f"{TASKS}/createTask", **gp_task(emu)),
    ):
        error = call()["error"]
        assert error["code"] == 403 and error["details"]
    assert admin.post(f"{TASKS}/{task_id}/disable")["success"] is True
    assert admin.create("publisher", **gp_task(emu))["success"] is True
    assert admin.get(TASKS)["total"] == 2
    # A task is only reachable under its owner.
    assert admin.get(f"community/users/admin/tasks/{task_id}")["error"]["code"] == 404


def test_gp_task_needs_scheduling_privileges(emu: Emulator, viewer: Client) -> None:
    error = viewer.create(**gp_task(emu))["error"]
    assert error["code"] == 403 and "premium:user:featureanalysis" in error["details"][0]
    # Other task types do not need them.
    assert viewer.create(type="ExecuteNotebook", itemId="029b61ca770e428d9468a2a55f40b9fb", **EVERY_5_MIN)["success"]


def test_system_service_needs_an_admin(emu: Emulator, publisher: Client, admin: Client) -> None:
    assert publisher.create(**gp_task(emu, SYSTEM))["error"]["code"] == 403
    assert admin.create(**gp_task(emu, SYSTEM))["success"] is True


def test_web_tool_item_owner_rule(emu: Emulator, publisher: Client, admin: Client) -> None:
    system_item = _item("SpatialAnalysisTools")  # owned by admin
    assert publisher.create(**gp_task(emu, itemId=system_item))["error"]["code"] == 403
    assert publisher.create(**gp_task(emu, itemId="f" * 32))["error"]["code"] == 400
    assert admin.create(**gp_task(emu, itemId=_item("Buffer")))["success"] is True


def test_task_url_must_be_on_the_federated_server(emu: Emulator, publisher: Client) -> None:
    outside = "https://elsewhere.example.com/server/rest/services/Samples/Buffer/GPServer/Buffer"
    error = publisher.create(**gp_task(emu, taskURL=outside))["error"]
    assert error["code"] == 400 and "federated" in error["details"][0]
    service_not_task = publisher.create(**gp_task(emu, taskURL=emu.services_url + "/Samples/Buffer/GPServer"))
    assert service_not_task["error"]["code"] == 400
    assert publisher.create(**{**gp_task(emu), "taskURL": None})["error"]["code"] == 400
    # Another name of this host is the same federated server.
    alias = emu.task_url(BUFFER).replace("127.0.0.1", "localhost")
    assert publisher.create(**gp_task(emu, taskURL=alias))["success"] is True


def test_type_is_case_sensitive_and_required(emu: Emulator, publisher: Client) -> None:
    assert publisher.create(**{**gp_task(emu), "type": "gpservice"})["error"]["code"] == 400
    assert publisher.create(**{**gp_task(emu), "type": None})["error"]["code"] == 400
    assert publisher.create(type="ExecuteNotebook", **EVERY_5_MIN)["error"]["code"] == 400  # itemId required
    assert publisher.create(type="ExecuteSceneCook", itemId="a" * 32, **EVERY_5_MIN)["error"]["code"] == 400


def test_invalid_cron_is_refused(emu: Emulator, publisher: Client) -> None:
    bads: list[dict[str, Any]] = [{"dayOfWeek": "*"}, {"dayOfWeek": "0", "dayOfMonth": "?"}, {"minute": "61"}, {"hour": "1 2"}, {"month": ""}]
    for bad in bads:
        error = publisher.create(**gp_task(emu, **bad))["error"]
        assert error["code"] == 400 and error["message"] == "Invalid cron expression.", bad
        assert error["details"]


def test_bad_values_are_refused(emu: Emulator, publisher: Client) -> None:
    assert publisher.create(**gp_task(emu, maxOccurrences="many"))["error"]["code"] == 400
    assert publisher.create(**gp_task(emu, parameters="[1]"))["error"]["code"] == 400
    assert publisher.create(**gp_task(emu, startDate=str(T0 + 10), endDate=str(T0)))["error"]["code"] == 400


def test_update_validates_like_create(emu: Emulator, publisher: Client) -> None:
    task_id = publisher.create(**gp_task(emu))["taskId"]
    assert publisher.post(f"{TASKS}/{task_id}/update", dayOfWeek="MON")["error"]["code"] == 400
    assert publisher.get(f"{TASKS}/{task_id}")["cronSchedule"] == EVERY_5_MIN


def test_active_task_quota(emu: Emulator, publisher: Client) -> None:
    emu.ctx.settings.limits["GPServiceUserLimit"] = 2  # type: ignore[union-attr]
    first = publisher.create(**gp_task(emu))["taskId"]
    publisher.create(**gp_task(emu))
    assert publisher.get(TASKS)["activeTasksAvailable"] == 0
    error = publisher.create(**gp_task(emu))["error"]
    assert error["code"] == 400 and error["message"] == "Active task limit reached."
    publisher.post(f"{TASKS}/{first}/disable")
    assert publisher.get(TASKS)["activeTasksAvailable"] == 1
    third = publisher.create(**gp_task(emu))["taskId"]
    assert publisher.post(f"{TASKS}/{first}/enable")["error"]["code"] == 400
    assert publisher.post(f"{TASKS}/{first}/update", isActive="true")["error"]["code"] == 400
    publisher.post(f"{TASKS}/{third}/delete")
    assert publisher.post(f"{TASKS}/{first}/enable")["success"] is True


def test_default_quota_is_twenty(publisher: Client) -> None:
    assert publisher.get(TASKS)["activeTasksAvailable"] == 20


def test_list_filters(emu: Emulator, publisher: Client) -> None:
    gp = publisher.create(**gp_task(emu, itemId=_item("Buffer")))["taskId"]
    nb = publisher.create(type="ExecuteNotebook", itemId="b" * 32, **EVERY_5_MIN)["taskId"]
    publisher.post(f"{TASKS}/{nb}/disable")
    ids = lambda **f: [t["id"] for t in publisher.get(TASKS, **f)["tasks"]]  # noqa: E731
    assert ids() == [gp, nb]
    assert ids(types="GPService") == [gp]
    assert ids(types="ExecuteNotebook,GPService") == [gp, nb]
    assert ids(active="false") == [nb]
    assert ids(active="true") == [gp]
    assert ids(itemId=_item("Buffer")) == [gp]


def test_paging_past_100_tasks(emu: Emulator, publisher: Client) -> None:
    seed_tasks(emu, "publisher", 150)
    first = publisher.get(TASKS, num="100", start="1")
    assert (first["total"], first["start"], first["num"], first["nextStart"]) == (150, 1, 100, 101)
    second = publisher.get(TASKS, num="100", start=str(first["nextStart"]))
    assert (second["start"], second["num"], second["nextStart"]) == (101, 50, -1)
    ids = [t["id"] for t in first["tasks"] + second["tasks"]]
    assert len(set(ids)) == 150
    assert publisher.get(TASKS)["num"] == 10  # default page size
    assert publisher.get(TASKS, num="500")["num"] == 100  # clamped to the maximum
    assert publisher.get(TASKS, num="1", start="1")["total"] == 150  # how arcgis counts tasks
    assert publisher.get(TASKS, start="151")["tasks"] == []


def test_all_scheduled_tasks_for_admins(emu: Emulator, clients: dict[str, Client]) -> None:
    publisher, admin, viewer = clients["publisher"], clients["admin"], clients["viewer"]
    publisher.create(**gp_task(emu))
    admin.create(**gp_task(emu, SYSTEM))
    assert viewer.get("portals/self/allScheduledTasks")["error"]["code"] == 403
    everything = admin.get("portals/self/allScheduledTasks")
    assert everything["total"] == 2 and everything["nextStart"] == -1
    only = admin.get("portals/self/allScheduledTasks", userFilter="publisher")["tasks"]
    assert [t["userId"] for t in only] == ["publisher"]
    # arcgis calls it with GET; the doc says POST: both work.
    r = requests.post(emu.sharing_url + "/portals/self/allScheduledTasks", data={"f": "json", "token": admin.token}, timeout=10)
    assert r.json()["total"] == 2


def test_form_values_are_json_text(emu: Emulator, publisher: Client) -> None:
    # A client that sends parameters exactly as the docs show: form-encoded JSON text.
    r = requests.post(
        f"{emu.sharing_url}/{TASKS}/createTask",
        data={"f": "pjson", "type": "GPService", "taskURL": emu.task_url(BUFFER), "parameters": json.dumps(BUFFER_PARAMS),
              **EVERY_5_MIN, "token": publisher.token},
        timeout=10,
    )
    assert r.headers["Content-Type"].startswith("application/json")
    assert r.json()["success"] is True


def test_multipart_form_posts_are_understood(emu: Emulator, publisher: Client) -> None:
    fields = {k: (None, v if isinstance(v, str) else json.dumps(v)) for k, v in gp_task(emu).items()}
    r = requests.post(f"{emu.sharing_url}/{TASKS}/createTask", files={**fields, "f": (None, "json"), "token": (None, str(publisher.token))}, timeout=10)
    assert r.json()["success"] is True


def test_all_scheduled_tasks_filters(emu: Emulator, clients: dict[str, Client]) -> None:
    publisher, admin = clients["publisher"], clients["admin"]
    gp = publisher.create(**gp_task(emu, itemId=_item("Buffer")))["taskId"]
    nb = admin.create(type="ExecuteNotebook", itemId="d" * 32, **EVERY_5_MIN)["taskId"]
    admin.post(f"community/users/admin/tasks/{nb}/disable")
    ids = lambda **f: [t["id"] for t in admin.get("portals/self/allScheduledTasks", **f)["tasks"]]  # noqa: E731
    assert ids(types="GPService") == [gp]
    assert ids(active="false") == [nb]
    assert ids(itemId=_item("Buffer")) == [gp]
    page = admin.get("portals/self/allScheduledTasks", num="1")
    assert (page["num"], page["nextStart"]) == (1, 2)
