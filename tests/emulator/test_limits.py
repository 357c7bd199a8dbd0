"""The portal's system limits (Portal Admin `system/limits`): reading and updating them, and the
per-type, per-user and per-organisation quotas, failure count and run history they drive."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from reconciler.emulator.context import Settings
from reconciler.emulator.limits import DEFAULT_LIMITS
from reconciler.emulator.server import Emulator
from tests.conftest import T0

from .conftest import EVERY_5_MIN, Client, gp_task

TASKS = "community/users/publisher/tasks"
FAILS = "Samples/AlwaysFails/GPServer/AlwaysFails"


def limits_url(emu: Emulator) -> str:
    return emu.origin + "/portal/portaladmin/system/limits"


def set_limits(client: Client, *entries: dict[str, Any], category: str = "ScheduleTask") -> Any:
    return client.post(limits_url(client.emu) + "/update", category=category, properties=json.dumps(list(entries)))


def notebook(**extra: Any) -> dict[str, Any]:
    return {"type": "ExecuteNotebook", "itemId": "b" * 32, **EVERY_5_MIN, **extra}


def insights(**extra: Any) -> dict[str, Any]:
    return {"type": "UpdateInsightsWorkbook", "itemId": "c" * 32, **EVERY_5_MIN, **extra}


def test_admins_read_every_limit_with_its_default(admin: Client) -> None:
    answer = admin.get(limits_url(admin.emu))
    assert list(answer) == ["ScheduleTask"]
    read = {e["limitName"]: e["numLimit"] for e in answer["ScheduleTask"]}
    assert read == {
        "ExecuteNotebooksUserLimit": 20, "ExecuteNotebooksOrgLimit": 200,
        "UpdateInsightsUserLimit": 20, "UpdateInsightsOrgLimit": 50,
        "ExecuteWorkflowManagerUserLimit": 20, "ExecuteWorkflowManagerOrgLimit": 200,
        "GPServiceUserLimit": 20, "GPServiceOrgLimit": 200,
        "FailedRunsToDisableTask": 5, "TaskRunHistoryCount": 30,
    }


def test_only_administrators_read_or_change_limits(publisher: Client, viewer: Client, clients: dict[str, Client]) -> None:
    for client in (publisher, viewer):
        assert client.get(limits_url(client.emu))["error"]["code"] == 403
        assert set_limits(client, {"limitName": "GPServiceUserLimit", "numLimit": 99})["error"]["code"] == 403
    assert clients["anonymous"].get(limits_url(publisher.emu))["error"]["code"] == 499
    assert publisher.get(TASKS)["activeTasksAvailable"] == 20  # unchanged


def test_update_round_trip_and_answer(admin: Client) -> None:
    answer = set_limits(admin, {"limitName": "TaskRunHistoryCount", "numLimit": 45},
                        {"limitName": "GPServiceUserLimit", "numLimit": "7"})
    assert answer == {"status": "success"}
    read = {e["limitName"]: e["numLimit"] for e in admin.get(limits_url(admin.emu))["ScheduleTask"]}
    assert read["TaskRunHistoryCount"] == 45 and read["GPServiceUserLimit"] == 7
    assert admin.get("community/users/publisher/tasks")["activeTasksAvailable"] == 7


def test_update_is_a_post(admin: Client) -> None:
    assert admin.get(limits_url(admin.emu) + "/update", category="ScheduleTask",
                     properties='[{"limitName": "GPServiceUserLimit", "numLimit": 1}]')["error"]["code"] == 405


@pytest.mark.parametrize("entries", [
    [{"limitName": "NoSuchLimit", "numLimit": 3}],
    [{"limitName": "GPServiceUserLimit", "numLimit": -1}],
    [{"limitName": "GPServiceUserLimit", "numLimit": 1.5}],
    [{"limitName": "GPServiceUserLimit", "numLimit": "1.5"}],
    [{"limitName": "GPServiceUserLimit", "numLimit": True}],
    [{"limitName": "GPServiceUserLimit", "numLimit": 2**31}],
    [{"limitName": "GPServiceUserLimit"}],
    [{"limitName": "FailedRunsToDisableTask", "numLimit": 0}],
    [{"limitName": "GPServiceUserLimit", "numLimit": 3}, {"limitName": "Bogus", "numLimit": 3}],
    [],
])
def test_bad_updates_are_refused_whole(admin: Client, entries: list[dict[str, Any]]) -> None:
    error = set_limits(admin, *entries)["error"]
    assert error["code"] == 400
    assert {e["numLimit"] for e in admin.get(limits_url(admin.emu))["ScheduleTask"]} <= set(DEFAULT_LIMITS.values())
    assert admin.get("community/users/publisher/tasks")["activeTasksAvailable"] == 20


@pytest.mark.parametrize("form", [
    {"category": "Other", "properties": '[{"limitName": "GPServiceUserLimit", "numLimit": 3}]'},
    {"properties": '[{"limitName": "GPServiceUserLimit", "numLimit": 3}]'},
    {"category": "ScheduleTask", "properties": "not json"},
    {"category": "ScheduleTask", "properties": '{"limitName": "GPServiceUserLimit", "numLimit": 3}'},
    {"category": "ScheduleTask"},
])
def test_bad_update_forms_are_refused(admin: Client, form: dict[str, str]) -> None:
    assert admin.post(limits_url(admin.emu) + "/update", **form)["error"]["code"] == 400
    assert admin.get("community/users/publisher/tasks")["activeTasksAvailable"] == 20


def test_the_gp_user_limit_names_itself(emu: Emulator, admin: Client, publisher: Client) -> None:
    set_limits(admin, {"limitName": "GPServiceUserLimit", "numLimit": 1})
    first = publisher.create(**gp_task(emu))["taskId"]
    assert publisher.get(TASKS)["activeTasksAvailable"] == 0
    error = publisher.create(**gp_task(emu))["error"]
    assert error["code"] == 400 and "GPServiceUserLimit" in " ".join(error["details"])
    assert publisher.create(**gp_task(emu, isActive="false"))["success"] is True  # paused: not counted
    assert publisher.create(**notebook())["success"] is True  # another type, another limit
    publisher.post(f"{TASKS}/{first}/disable")
    assert publisher.get(TASKS)["activeTasksAvailable"] == 1


def test_limits_are_per_type(emu: Emulator, admin: Client, publisher: Client) -> None:
    set_limits(admin, {"limitName": "ExecuteNotebooksUserLimit", "numLimit": 1})
    assert publisher.create(**notebook())["success"] is True
    error = publisher.create(**notebook())["error"]
    assert "ExecuteNotebooksUserLimit" in " ".join(error["details"])
    assert publisher.create(**gp_task(emu))["success"] is True
    assert publisher.get(TASKS)["activeTasksAvailable"] == 19  # the GP quota


def test_the_organisation_limit_counts_every_user(emu: Emulator, admin: Client, publisher: Client) -> None:
    set_limits(admin, {"limitName": "GPServiceOrgLimit", "numLimit": 2})
    assert admin.create("admin", **gp_task(emu))["success"] is True
    assert publisher.create(**gp_task(emu))["success"] is True
    assert publisher.get(TASKS)["activeTasksAvailable"] == 0  # bounded by what the organisation has left
    error = publisher.create(**gp_task(emu))["error"]
    assert error["code"] == 400 and "GPServiceOrgLimit" in " ".join(error["details"])
    assert "GPServiceUserLimit" not in " ".join(error["details"])


def test_enable_and_activating_update_obey_the_limit(emu: Emulator, admin: Client, publisher: Client) -> None:
    set_limits(admin, {"limitName": "GPServiceUserLimit", "numLimit": 1})
    paused = publisher.create(**gp_task(emu, isActive="false"))["taskId"]
    publisher.create(**gp_task(emu))
    for answer in (publisher.post(f"{TASKS}/{paused}/enable"), publisher.post(f"{TASKS}/{paused}/update", isActive="true")):
        assert "GPServiceUserLimit" in " ".join(answer["error"]["details"])
    assert publisher.get(f"{TASKS}/{paused}")["taskState"] == "paused"


def test_changing_the_type_of_an_active_task_obeys_the_new_type_limit(emu: Emulator, admin: Client, publisher: Client) -> None:
    set_limits(admin, {"limitName": "GPServiceUserLimit", "numLimit": 0})
    task_id = publisher.create(**notebook())["taskId"]
    answer = publisher.post(f"{TASKS}/{task_id}/update", type="GPService", itemId="", taskUrl=emu.task_url("Samples/Buffer/GPServer/Buffer"))
    assert "GPServiceUserLimit" in " ".join(answer["error"]["details"])
    assert publisher.get(f"{TASKS}/{task_id}")["type"] == "ExecuteNotebook"


def test_insights_limits_count_created_tasks(admin: Client, publisher: Client) -> None:
    set_limits(admin, {"limitName": "UpdateInsightsUserLimit", "numLimit": 1})
    first = publisher.create(**insights(isActive="false"))["taskId"]  # paused, still created
    error = publisher.create(**insights(isActive="false"))["error"]
    assert error["message"] == "Task limit reached." and "UpdateInsightsUserLimit" in " ".join(error["details"])
    assert publisher.post(f"{TASKS}/{first}/enable")["success"] is True  # enabling creates nothing
    publisher.post(f"{TASKS}/{first}/delete")
    assert publisher.create(**insights())["success"] is True


def test_failed_runs_to_disable_and_run_history_follow_the_limits(emu: Emulator, admin: Client, publisher: Client) -> None:
    set_limits(admin, {"limitName": "FailedRunsToDisableTask", "numLimit": 2}, {"limitName": "TaskRunHistoryCount", "numLimit": 3})
    failing = publisher.create(**gp_task(emu, FAILS, params={}))["taskId"]
    passing = publisher.create(**gp_task(emu))["taskId"]
    publisher.clock(advance=str(5 * 300 + 10))
    task = publisher.get(f"{TASKS}/{failing}")
    assert task["taskState"] == "disabled" and task["active"] is False
    assert len(publisher.get(f"{TASKS}/{failing}/runs")["runs"]) == 2
    runs = publisher.get(f"{TASKS}/{passing}/runs")["runs"]
    assert len(runs) == 3 and runs[0]["created"] == T0 + 5 * 300_000  # the newest kept


def test_settings_take_limits_and_refuse_unknown_names() -> None:
    assert Settings(limits={"GPServiceUserLimit": 3}).limits == {**DEFAULT_LIMITS, "GPServiceUserLimit": 3}
    with pytest.raises(ValueError, match="NoSuch"):
        Settings(limits={"NoSuchLimit": 3})


@pytest.fixture
def tight() -> Iterator[Emulator]:
    with Emulator(port=0, clock_ms=T0, settings=Settings(limits={"GPServiceUserLimit": 1})) as emulator:
        yield emulator


def test_a_test_may_set_a_limit_while_the_emulator_runs(tight: Emulator) -> None:
    from .conftest import login

    client = Client(tight, login(tight, "publisher"))
    try:
        assert client.get(TASKS)["activeTasksAvailable"] == 1
        assert tight.ctx is not None
        tight.ctx.settings.limits["GPServiceUserLimit"] = 3
        assert client.get(TASKS)["activeTasksAvailable"] == 3
    finally:
        client.close()


def test_retyping_a_paused_task_counts_against_a_created_task_limit(admin: Client, publisher: Client) -> None:
    set_limits(admin, {"limitName": "UpdateInsightsUserLimit", "numLimit": 1})
    publisher.create(**insights(isActive="false"))
    task_id = publisher.create(**notebook(isActive="false"))["taskId"]
    answer = publisher.post(f"{TASKS}/{task_id}/update", type="UpdateInsightsWorkbook", isActive="false")
    assert "UpdateInsightsUserLimit" in " ".join(answer["error"]["details"])
    assert publisher.get(f"{TASKS}/{task_id}")["type"] == "ExecuteNotebook"


def test_the_refusal_counts_the_tasks_held_and_a_json_1e3_is_a_limit(emu: Emulator, admin: Client,
                                                                     publisher: Client) -> None:
    publisher.create(**gp_task(emu))
    set_limits(admin, {"limitName": "GPServiceUserLimit", "numLimit": 0})
    (detail,) = publisher.create(**gp_task(emu))["error"]["details"]
    assert detail.startswith("User 'publisher' already has 1 active GPService tasks (GPServiceUserLimit is 0)")
    assert set_limits(admin, {"limitName": "GPServiceUserLimit", "numLimit": 1e3}) == {"status": "success"}
