"""The executor over real HTTP: actions in order per change, changes in parallel, failures isolated."""

from __future__ import annotations

import threading
from typing import Any

import pytest
import requests

from reconciler.applying.executor import Outcome, execute, phases
from reconciler.emulator.server import Emulator
from reconciler.model import TaskFields
from reconciler.planning.plan import Action, Change, Key, Plan
from reconciler.portal.client import PortalClient
from tests.conftest import buffer_fields, fault, signed_in, titles


def change(name: str, *actions: Action, task_id: str | None = None, desired: TaskFields | None = None,
           owner: str = "publisher", blocked: str | None = None, waits_for: Key | None = None) -> Change:
    return Change(name=name, owner=owner, actions=actions, task_id=task_id, desired=desired, blocked=blocked,
                  waits_for=waits_for)


def plan_of(*changes: Change) -> Plan:
    return Plan(changes=changes, unchanged=(), unmanaged=(), diagnostics=(), observed="o", desired="d",
                portal="test", owner="publisher", mark="[reconciler] ")


def test_every_action_kind(emu: Emulator, portal: PortalClient) -> None:
    upd = portal.get_task(portal.create_task(buffer_fields(emu, "upd")))
    off = portal.get_task(portal.create_task(buffer_fields(emu, "off")))
    on = portal.get_task(portal.create_task(buffer_fields(emu, "on", active=False)))
    gone = portal.get_task(portal.create_task(buffer_fields(emu, "gone")))
    seen: list[Outcome] = []
    plan = plan_of(
        change("new", Action.CREATE, desired=buffer_fields(emu, "new")),
        change("upd", Action.UPDATE, task_id=upd.id, desired=buffer_fields(emu, "upd", max_occurrences=3)),
        change("off", Action.DISABLE, task_id=off.id),
        change("on", Action.ENABLE, task_id=on.id),
        change("gone", Action.DELETE, task_id=gone.id),
    )
    result = execute(plan, portal, parallelism=3, on_outcome=seen.append)
    assert result.ok and len(seen) == 5 and {o.change.name for o in seen} == {"new", "upd", "off", "on", "gone"}
    now = titles(portal)
    assert set(now) == {"new", "upd", "off", "on"}
    assert now["upd"].max_occurrences == 3 and not now["off"].active and now["on"].active
    created = next(o for o in seen if o.change.name == "new")
    assert created.task_id == now["new"].id and created.done == (Action.CREATE,)


def test_a_failure_stops_only_its_change_and_carries_the_portal_message(emu: Emulator, portal: PortalClient) -> None:
    bad = buffer_fields(emu, "bad", task_url=emu.server_url + "/rest/services/Samples/Nope/GPServer/Nope")
    plan = plan_of(change("bad", Action.CREATE, desired=bad), change("good", Action.CREATE, desired=buffer_fields(emu, "good")))
    result = execute(plan, portal, parallelism=1, on_outcome=lambda o: None, secrets=("Nope",))
    (failed,) = result.failed
    assert failed.change.name == "bad" and not failed.ok and failed.done == ()
    assert failed.error and "create task" in failed.error and "Nope" not in failed.error and "(secret)" in failed.error
    assert [o.change.name for o in result.succeeded] == ["good"] and set(titles(portal)) == {"good"}


def test_actions_of_one_change_run_in_order_and_a_later_failure_keeps_the_earlier(small_emu: Emulator) -> None:
    with signed_in(small_emu) as portal:
        portal.create_task(buffer_fields(small_emu, "a"))
        portal.create_task(buffer_fields(small_emu, "b"))
        paused = portal.get_task(portal.create_task(buffer_fields(small_emu, "c", active=False)))
        plan = plan_of(change("c", Action.UPDATE, Action.ENABLE, task_id=paused.id,
                              desired=buffer_fields(small_emu, "c", active=False, max_occurrences=7)))
        (outcome,) = execute(plan, portal, on_outcome=lambda o: None).outcomes
        assert not outcome.ok and outcome.done == (Action.UPDATE,) and outcome.task_id == paused.id
        assert outcome.error and "enable task" in outcome.error
        assert portal.get_task(paused.id).max_occurrences == 7


def test_blocked_changes_are_reported_not_attempted(emu: Emulator, portal: PortalClient) -> None:
    task = portal.get_task(portal.create_task(buffer_fields(emu, "busy")))
    plan = plan_of(change("busy", Action.DELETE, task_id=task.id, blocked="a run is executing"))
    result = execute(plan, portal, on_outcome=lambda o: None)
    (skipped,) = result.skipped
    assert skipped.skipped_reason == "a run is executing" and not result.ok and result.failed == ()
    assert "busy" in titles(portal)


def test_quota_freeing_changes_run_first() -> None:
    a = change("a", Action.CREATE)
    b = change("b", Action.DISABLE, task_id="1")
    c = change("c", Action.UPDATE, Action.ENABLE, task_id="2")
    d = change("d", Action.DELETE, task_id="3")
    assert phases([a, b, c, d]) == ((b, d), (a, c), ())


def test_a_moved_task_is_deleted_only_after_its_new_copy_exists(emu: Emulator, portal: PortalClient) -> None:
    old = portal.get_task(portal.create_task(buffer_fields(emu, "moved")))
    bad = buffer_fields(emu, "moved", task_url=emu.task_url("Samples/NoSuch/GPServer/NoSuch"), active=False)
    move = plan_of(change("moved", Action.DELETE, task_id=old.id, waits_for=Key("moved", "admin")),
                   change("moved", Action.CREATE, Action.ENABLE, desired=bad, owner="admin"))
    assert phases(move.changes) == ((), ((move.changes[1], (move.changes[0],)),), ())
    result = execute(move, portal, on_outcome=lambda o: None)
    assert not result.ok and "moved" in titles(portal), "a failed create must not lose the task"
    (skipped,) = result.skipped
    assert skipped.skipped_reason == "kept: creating moved (admin) did not happen, so the task stays under publisher"


def test_a_move_whose_old_copy_cannot_be_deleted_leaves_the_new_copy_paused(emu: Emulator, portal: PortalClient,
                                                                             admin: PortalClient) -> None:
    old = portal.get_task(portal.create_task(buffer_fields(emu, "moved")))
    delete = change("moved", Action.DELETE, task_id=old.id, waits_for=Key("moved", "admin"))
    create = change("moved", Action.CREATE, Action.ENABLE, desired=buffer_fields(emu, "moved", active=False),
                    owner="admin")
    fault(emu, "/tasks/[0-9a-f]+/delete$", "arcgis_error", count=5)
    result = execute(plan_of(delete, create), admin, on_outcome=lambda o: None)
    failed_delete, paused = result.outcomes
    assert failed_delete.change is delete and not failed_delete.ok
    assert paused.change is create and not paused.ok and paused.done == (Action.CREATE,)
    assert paused.error and paused.error.startswith("left paused: the old copy under publisher could not be deleted")
    assert titles(portal)["moved"].active and not titles(admin, "admin")["moved"].active, "never two active copies"
    requests.delete(emu.control_url + "/faults", timeout=10)
    finish = plan_of(delete, change("moved", Action.ENABLE, task_id=paused.task_id, owner="admin"))
    assert phases(finish.changes)[1] == ((finish.changes[1], (delete,)),)
    assert execute(finish, admin, on_outcome=lambda o: None).ok
    assert "moved" not in titles(portal) and titles(admin, "admin")["moved"].active


def test_a_delete_that_waits_for_nothing_is_not_held_back_by_a_create_of_its_name() -> None:
    delete = change("shared", Action.DELETE, task_id="1")
    create = change("shared", Action.CREATE, owner="admin")
    assert phases([delete, create]) == ((delete,), (create,), ())


def test_a_renamed_and_moved_task_is_deleted_only_after_its_create(emu: Emulator, portal: PortalClient,
                                                                  admin: PortalClient) -> None:
    old = portal.get_task(portal.create_task(buffer_fields(emu, "old-name")))
    delete = change("old-name", Action.DELETE, task_id=old.id, waits_for=Key("new-name", "admin"))
    create = change("new-name", Action.CREATE, desired=buffer_fields(emu, "new-name"), owner="admin")
    assert phases([delete, create]) == ((), ((create, (delete,)),), ())
    fault(emu, "createTask", "arcgis_error", count=5)
    result = execute(plan_of(delete, create), admin, on_outcome=lambda o: None)
    assert "old-name" in titles(portal), "a failed create must not lose the task"
    (skipped,) = result.skipped
    assert skipped.change is delete
    assert skipped.skipped_reason == "kept: creating new-name (admin) did not happen, so the task stays under publisher"
    requests.delete(emu.control_url + "/faults", timeout=10)
    done = execute(plan_of(delete, create), admin, on_outcome=lambda o: None)
    assert done.ok and [o.change for o in done.outcomes] == [delete, create]
    assert "old-name" not in titles(portal) and "new-name" in titles(admin, "admin")


def test_the_old_copy_of_a_settled_move_is_a_plain_delete_and_a_blocked_move_waits_whole() -> None:
    delete = change("moved", Action.DELETE, task_id="1", waits_for=Key("moved", "admin"))
    assert phases([delete]) == ((), (), (delete,))
    blocked = change("moved", Action.UPDATE, task_id="2", owner="admin", blocked="a run is executing")
    result = execute(plan_of(delete, blocked), object(), on_outcome=lambda o: None)  # type: ignore[arg-type]
    assert {o.skipped_reason for o in result.skipped} == {
        "a run is executing", "kept: changing moved (admin) did not happen, so the task stays under publisher"}


def test_freed_quota_is_used_in_the_same_apply(small_emu: Emulator) -> None:
    with signed_in(small_emu) as portal:
        one, two = portal.create_task(buffer_fields(small_emu, "one")), portal.create_task(buffer_fields(small_emu, "two"))
        plan = plan_of(change("new", Action.CREATE, desired=buffer_fields(small_emu, "new")),
                       change("one", Action.DISABLE, task_id=one))
        assert execute(plan, portal, parallelism=4, on_outcome=lambda o: None).ok
        assert two and titles(portal)["new"].active


class Rendezvous:
    """A Portal wrapper whose create_task waits until `parties` creates are in flight at once."""

    def __init__(self, client: PortalClient, parties: int) -> None:
        self._client, self._barrier = client, threading.Barrier(parties, timeout=10)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def create_task(self, fields: TaskFields, owner: str | None = None) -> str:
        self._barrier.wait()  # raises BrokenBarrierError if they never overlap
        return self._client.create_task(fields, owner)


def test_independent_changes_run_concurrently(emu: Emulator, portal: PortalClient) -> None:
    plan = plan_of(*(change(f"t{i}", Action.CREATE, desired=buffer_fields(emu, f"t{i}")) for i in range(3)))
    result = execute(plan, Rendezvous(portal, 3), parallelism=3, on_outcome=lambda o: None)
    assert result.ok and len(titles(portal)) == 3


def test_parallelism_must_be_positive(portal: PortalClient) -> None:
    with pytest.raises(ValueError):
        execute(plan_of(), portal, parallelism=0, on_outcome=lambda o: None)
