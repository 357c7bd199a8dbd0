"""Every public read/write of PortalClient, end to end against the emulator over real HTTP."""

from __future__ import annotations

import json
import math
from dataclasses import replace

import pytest

from reconciler.emulator.server import Emulator
from reconciler.errors import NotFoundError, PermissionDeniedError, PortalError
from reconciler.model import CronFields
from reconciler.portal.client import PortalClient
from tests.conftest import BUFFER, FAILS, T0, advance_clock
from tests.portal.conftest import MakeClient, clear_log, gp_fields, request_log

WEEKLY = CronFields(minute="0", hour="4", day_of_month="?", month="*", day_of_week="7")


def test_me_privileges_owner(client: PortalClient) -> None:
    me = client.me()
    assert (me.username, me.role, me.is_admin) == ("publisher", "org_publisher", False)
    assert "portal:user:createItem" in client.me().privileges
    assert client.owner == "publisher"


def test_owner_setting_wins(make_client: MakeClient) -> None:
    assert make_client("admin", owner="publisher").owner == "publisher"


def test_federated_servers(client: PortalClient, emu: Emulator) -> None:
    (server,) = client.federated_servers()
    assert server.url == emu.server_url and server.server_role == "HOSTING_SERVER"


def test_create_reads_back_every_field(client: PortalClient, emu: Emulator) -> None:
    fields = gp_fields(emu, schedule=WEEKLY, max_occurrences=12, start_date=T0 + 86_400_000, end_date=T0 + 30 * 86_400_000)
    task = client.get_task(client.create_task(fields))
    assert (task.title, task.task_type, task.owner, task.task_url) == ("nightly buffer", "GPService", "publisher", emu.task_url(BUFFER))
    assert task.schedule == WEEKLY and task.max_occurrences == 12
    assert (task.start_date, task.end_date, task.active, task.task_state) == (T0 + 86_400_000, T0 + 30 * 86_400_000, True, "active")
    assert task.parameters == fields.parameters and task.run_interval_seconds == 604800
    assert client.get_task(task.id) == task


def test_create_sends_a_form_with_json_parameters_and_no_token_in_it(client: PortalClient, emu: Emulator) -> None:
    client.create_task(gp_fields(emu))
    (entry,) = request_log(emu, "createTask")
    form = entry["form"]
    assert json.loads(form["parameters"])["buffer_distance_or_field"] == {"distance": 100, "units": "esriMeters"}
    assert form["taskURL"] == form["taskUrl"] == emu.task_url(BUFFER) and form["maxOccurrences"] == "-1"
    assert form["f"] == "json" and "token" not in form and entry["query"] == {}
    assert entry["tokenIn"] == "X-Esri-Authorization"


def test_create_and_update_return_without_reading_the_task_back(client: PortalClient, emu: Emulator) -> None:
    client.me()
    clear_log(emu)
    task_id = client.create_task(gp_fields(emu))
    assert client.update_task(task_id, gp_fields(emu, title="renamed")) is None  # type: ignore[func-returns-value]
    assert [(e["method"], e["path"].rsplit("/", 1)[-1]) for e in request_log(emu)] == [
        ("POST", "createTask"), ("POST", "update")]
    assert client.get_task(task_id).title == "renamed"


def test_create_inactive_task(client: PortalClient, emu: Emulator) -> None:
    task = client.get_task(client.create_task(gp_fields(emu, active=False)))
    assert task.active is False and task.next_start is None


def test_update_replaces_fields_and_clears_dates(client: PortalClient, emu: Emulator) -> None:
    task = client.get_task(client.create_task(gp_fields(emu, end_date=T0 + 86_400_000, max_occurrences=3)))
    wanted = gp_fields(emu, title="renamed", schedule=WEEKLY, parameters_json=json.dumps({"in_features": {}}))
    assert client.update_task(task.id, wanted) is None  # type: ignore[func-returns-value]
    updated = client.get_task(task.id)
    assert (updated.title, updated.schedule, updated.parameters, updated.end_date, updated.max_occurrences) == (
        "renamed", WEEKLY, {"in_features": {}}, None, None)
    (entry,) = request_log(emu, "/update")
    assert "taskUrl" in entry["form"] and "taskURL" not in entry["form"]


def test_update_leaves_the_active_state_alone(client: PortalClient, emu: Emulator) -> None:
    task = client.get_task(client.create_task(gp_fields(emu)))
    client.update_task(task.id, gp_fields(emu, active=False, max_occurrences=3))
    assert client.get_task(task.id).active is True
    client.disable_task(task.id)
    client.update_task(task.id, gp_fields(emu, max_occurrences=4))
    assert client.get_task(task.id).task_state == "paused"


def test_update_clears_fields_left_unset(client: PortalClient, emu: Emulator) -> None:
    item = "4a55c2d74b6fc802cbabd1552c1237f0"  # the Buffer web tool item
    task = client.get_task(client.create_task(gp_fields(emu, item_id=item, start_date=T0 + 1, end_date=T0 + 2, max_occurrences=3)))
    client.update_task(task.id, gp_fields(emu, parameters_json="{}"))
    cleared = client.get_task(task.id)
    assert (cleared.item_id, cleared.start_date, cleared.end_date, cleared.max_occurrences) == (None,) * 4
    assert cleared.parameters == {}


def test_enable_disable_delete(client: PortalClient, emu: Emulator) -> None:
    task = client.get_task(client.create_task(gp_fields(emu)))
    client.disable_task(task.id)
    assert client.get_task(task.id).task_state == "paused"
    client.enable_task(task.id)
    assert client.get_task(task.id).active is True
    client.delete_task(task.id)
    with pytest.raises(NotFoundError) as e:
        client.get_task(task.id)
    assert e.value.code == 404 and "hint: it does not exist" in str(e.value)


def test_deleting_a_missing_task_is_not_found(client: PortalClient) -> None:
    with pytest.raises(NotFoundError, match="delete task 0123: Task not found"):
        client.delete_task("0123")


def test_iter_tasks_empty(client: PortalClient, emu: Emulator) -> None:
    assert list(client.iter_tasks()) == []
    assert len(request_log(emu, "/tasks", "GET")) == 1


@pytest.mark.parametrize("count", [100, 101, 250])
def test_paging_costs_ceil_n_over_100_list_requests(make_client: MakeClient, emu: Emulator, count: int) -> None:
    from tests.emulator.conftest import seed_tasks

    seed_tasks(emu, "publisher", count)
    client = make_client()
    client.me()
    clear_log(emu)
    tasks = list(client.iter_tasks())
    assert len(tasks) == count and len({t.id for t in tasks}) == count
    assert [t.title for t in tasks] == [f"seeded {i}" for i in range(count)]
    lists = request_log(emu, "/tasks", "GET")
    assert len(lists) == math.ceil(count / 100) and len(request_log(emu)) == len(lists)
    assert sorted(int(e["query"]["start"]) for e in lists) == list(range(1, count + 1, 100))
    assert {e["query"]["num"] for e in lists} == {"100"}


def test_paging_is_a_generator(make_client: MakeClient, emu: Emulator) -> None:
    from tests.emulator.conftest import seed_tasks

    seed_tasks(emu, "publisher", 150)
    client = make_client()
    client.me()
    clear_log(emu)
    first = next(iter(client.iter_tasks()))
    assert first.title == "seeded 0" and len(request_log(emu, "/tasks", "GET")) == 1


def test_listing_another_users_tasks_is_permission_denied(make_client: MakeClient) -> None:
    with pytest.raises(PermissionDeniedError) as e:
        list(make_client("viewer").iter_tasks("publisher"))
    assert e.value.code == 403 and "hint: the signed-in user lacks a privilege" in str(e.value)


def test_admin_manages_another_users_tasks(make_client: MakeClient, emu: Emulator) -> None:
    admin = make_client("admin", owner="publisher")
    task = admin.get_task(admin.create_task(gp_fields(emu)))
    assert task.owner == "publisher" and [t.id for t in admin.iter_tasks()] == [task.id]


def test_portal_rejection_carries_code_message_details(client: PortalClient, emu: Emulator) -> None:
    bad = replace(gp_fields(emu), schedule=CronFields(minute="*/5", hour="*", day_of_month="*", month="*", day_of_week="*"))
    with pytest.raises(PortalError) as e:
        client.create_task(bad)
    assert (e.value.code, e.value.message) == (400, "Invalid cron expression.")
    assert e.value.details and str(e.value).startswith("create task 'nightly buffer': Invalid cron expression. (ArcGIS error 400)")


def test_runs_with_gp_job_status_and_messages(client: PortalClient, emu: Emulator) -> None:
    ok = client.get_task(client.create_task(gp_fields(emu)))
    bad = client.get_task(client.create_task(gp_fields(emu, title="fails", task_url=emu.task_url(FAILS), parameters_json="{}")))
    advance_clock(emu, 5 * 60 + 30)
    (run,) = client.runs(ok.id, with_jobs=True)
    assert run.status == "succeeded" and run.job is not None and run.job.status == "esriJobSucceeded" and run.job.finished
    assert run.job.messages[-1].description == "Succeeded." and run.task_id == ok.id
    (failed,) = client.runs(bad.id)
    assert failed.job is None and failed.status == "failed"
    detailed = client.run(bad.id, failed.run_id)
    assert detailed.job is not None and detailed.job.status == "esriJobFailed"
    assert any(m.type == "esriJobMessageTypeError" and "ERROR 999999" in m.description for m in detailed.job.messages)


def test_runs_of_a_task_not_run_yet(client: PortalClient, emu: Emulator) -> None:
    task = client.get_task(client.create_task(gp_fields(emu)))
    assert client.runs(task.id, with_jobs=True) == ()


def test_unknown_run_is_not_found(client: PortalClient, emu: Emulator) -> None:
    task = client.get_task(client.create_task(gp_fields(emu)))
    with pytest.raises(NotFoundError):
        client.run(task.id, "ffff")


def test_gp_task_info(client: PortalClient, emu: Emulator) -> None:
    info = client.gp_task_info(emu.task_url(BUFFER))
    assert info.name == "Buffer" and info.execution_type == "esriExecutionTypeAsynchronous"
    names = {p.name: p for p in info.inputs}
    assert names["in_features"].required and names["dissolve_option"].choices == ("NONE", "ALL")
    assert "out_feature_class" not in names


def test_gp_task_info_for_a_missing_task(client: PortalClient, emu: Emulator) -> None:
    with pytest.raises(PortalError, match="Service or task not found"):
        client.gp_task_info(emu.task_url("Samples/Nope/GPServer/Nope"))


def test_gp_task_info_is_read_once_and_a_failure_is_not_kept(client: PortalClient, emu: Emulator) -> None:
    url = emu.task_url(BUFFER)
    first = client.gp_task_info(url)
    assert client.gp_task_info(url) == first
    assert len(request_log(emu, "/GPServer/Buffer", "GET")) == 1
    missing = emu.task_url("Samples/Nope/GPServer/Nope")
    for _ in range(2):
        with pytest.raises(PortalError):
            client.gp_task_info(missing)
    assert len(request_log(emu, "/GPServer/Nope", "GET")) == 2


@pytest.mark.parametrize("count", [1, 101, 250])
def test_all_tasks_of_the_organization_cost_ceil_n_over_100_requests(make_client: MakeClient, emu: Emulator,
                                                                      count: int) -> None:
    from tests.emulator.conftest import seed_tasks

    seed_tasks(emu, "publisher", count - 1)
    admin = make_client("admin")
    admin.create_task(gp_fields(emu))
    clear_log(emu)
    tasks = list(admin.iter_all_tasks())
    assert len({t.id for t in tasks}) == count
    assert {t.owner for t in tasks} == ({"publisher", "admin"} if count > 1 else {"admin"})
    assert any(t.title == "nightly buffer" for t in tasks)
    pages = request_log(emu, "/allScheduledTasks", "GET")
    assert len(pages) == math.ceil(count / 100) and len(request_log(emu)) == len(pages)
    assert {e["query"]["num"] for e in pages} == {"100"}


def test_only_an_admin_lists_the_organizations_tasks(make_client: MakeClient) -> None:
    with pytest.raises(PermissionDeniedError):
        list(make_client("publisher").iter_all_tasks())
