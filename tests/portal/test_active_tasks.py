"""active_tasks_available: the quota the planner checks before enabling or creating active tasks."""

from __future__ import annotations

from reconciler.emulator.server import Emulator
from reconciler.portal.client import PortalClient
from tests.portal.conftest import MakeClient, gp_fields


def test_counts_down_as_tasks_become_active(client: PortalClient, emu: Emulator) -> None:
    assert client.active_tasks_available() == 20
    client.create_task(gp_fields(emu, title="one"))
    client.create_task(gp_fields(emu, title="paused", active=False))
    assert client.active_tasks_available() == 19
    assert client.active_tasks_available("publisher") == 19


def test_admin_reads_another_users_quota(make_client: MakeClient) -> None:
    assert make_client("admin").active_tasks_available("publisher") == 20
