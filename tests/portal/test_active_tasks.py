"""active_tasks_available and list_tasks: the quota the planner checks before enabling or creating active tasks."""

from __future__ import annotations

from reconciler.emulator.server import Emulator
from reconciler.portal.client import PortalClient
from tests.portal.conftest import MakeClient, clear_log, gp_fields, request_log


def test_counts_down_as_tasks_become_active(client: PortalClient, emu: Emulator) -> None:
    assert client.active_tasks_available() == 20
    client.create_task(gp_fields(emu, title="one"))
    client.create_task(gp_fields(emu, title="paused", active=False))
    assert client.active_tasks_available() == 19
    assert client.active_tasks_available("publisher") == 19


def test_admin_reads_another_users_quota(make_client: MakeClient) -> None:
    assert make_client("admin").active_tasks_available("publisher") == 20


def test_list_tasks_states_the_quota_without_a_request_of_its_own(client: PortalClient, emu: Emulator) -> None:
    client.create_task(gp_fields(emu, title="one"))
    client.create_task(gp_fields(emu, title="two"))
    client.create_task(gp_fields(emu, title="paused", active=False))
    clear_log(emu)
    listed = client.list_tasks()
    assert sorted(t.title for t in listed.tasks) == ["one", "paused", "two"]
    assert listed.active_tasks_available == 18 == client.active_tasks_available("publisher")
    lists = request_log(emu, "/tasks", "GET")
    assert [e["query"]["num"] for e in lists] == ["100", "1"]  # list_tasks one page, then the check above


def test_list_tasks_pages_like_iter_tasks(make_client: MakeClient, emu: Emulator) -> None:
    from tests.emulator.conftest import seed_tasks

    seed_tasks(emu, "publisher", 250)
    client = make_client()
    client.me()
    clear_log(emu)
    listed = client.list_tasks()
    assert [t.title for t in listed.tasks] == [f"seeded {i}" for i in range(250)]
    assert listed.active_tasks_available == client.active_tasks_available() is not None
    assert len(request_log(emu, "/tasks", "GET")) == 3 + 1
