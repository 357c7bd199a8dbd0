"""Every owner that holds managed tasks is in the state, even one no task file names any more."""

from __future__ import annotations

from pathlib import Path

import requests

from reconciler.emulator.server import Emulator
from reconciler.portal.client import PortalClient
from tests.conftest import buffer_fields as fields
from tests.conftest import fault, titles
from tests.e2e.conftest import MARK, Run, edit_task, plan_json


def managed_names(client: PortalClient, owner: str) -> set[str]:
    return {t[len(MARK):] for t in titles(client, owner) if t.startswith(MARK)}


def test_moving_back_to_the_default_owner_deletes_the_other_copy(as_admin: Run, workdir: Path, admin: PortalClient) -> None:
    assert as_admin("apply", "--auto-approve").code == 0
    edit_task(workdir, "nightly-parcel-buffer", lambda d: d.update(owner="publisher"))
    assert as_admin("apply", "--auto-approve").code == 0
    assert "nightly-parcel-buffer" in managed_names(admin, "publisher")
    edit_task(workdir, "nightly-parcel-buffer", lambda d: d.pop("owner"))
    unpinned = plan_json(as_admin("plan", "--format", "json"))
    assert [(e["name"], e["owner"]) for e in unpinned["errors"]] == [("nightly-parcel-buffer", "admin")]
    assert "no owner is pinned" in unpinned["errors"][0]["message"], "not a silent move to whoever signed in"
    assert [c for c in unpinned["changes"] if c["name"] == "nightly-parcel-buffer"] == []
    planned = plan_json(as_admin("plan", "--format", "json", "--owner", "admin"))
    moves = {(c["owner"], c["action"]) for c in planned["changes"]}
    assert moves == {("publisher", "delete"), ("admin", "create")}
    result = as_admin("apply", "--auto-approve", "--owner", "admin")
    assert result.code == 0, result.out + result.err
    assert "nightly-parcel-buffer" not in managed_names(admin, "publisher")
    assert "nightly-parcel-buffer" in managed_names(admin, "admin")
    assert as_admin("plan", "--detailed-exitcode", "--owner", "admin").code == 0


def test_removing_the_file_of_another_owners_task_deletes_it(as_admin: Run, workdir: Path, admin: PortalClient) -> None:
    edit_task(workdir, "nightly-parcel-buffer", lambda d: d.update(owner="publisher"))
    assert as_admin("apply", "--auto-approve").code == 0
    (workdir / "tasks.d" / "nightly-buffer.yaml").unlink()
    planned = plan_json(as_admin("plan", "--format", "json"))
    assert [(c["name"], c["owner"], c["actions"]) for c in planned["changes"]] == [
        ("nightly-parcel-buffer", "publisher", ["delete"])]
    assert as_admin("apply", "--auto-approve").code == 0
    assert managed_names(admin, "publisher") == set()


def test_unmanaged_tasks_of_other_owners_are_not_read(as_admin: Run, emu: Emulator, portal: PortalClient) -> None:
    portal.create_task(fields(emu, "by hand"))  # publisher's, without the mark
    planned = plan_json(as_admin("plan", "--format", "json"))
    assert planned["unmanaged"] == [] and {c["owner"] for c in planned["changes"]} == {"admin"}


def test_a_non_admin_reads_only_its_own_tasks(emu: Emulator, on_emu: Run, admin: PortalClient) -> None:
    admin.create_task(fields(emu, MARK + "admins"))
    planned = plan_json(on_emu("plan", "--format", "json"))
    assert {c["owner"] for c in planned["changes"]} == {"publisher"}


def test_a_renamed_task_moving_owner_is_kept_when_its_create_fails(as_admin: Run, emu: Emulator, workdir: Path,
                                                                    admin: PortalClient) -> None:
    assert as_admin("apply", "--auto-approve").code == 0
    edit_task(workdir, "nightly-parcel-buffer", lambda d: d.update(
        name="parcel-buffer", previous_names=["nightly-parcel-buffer"], owner="publisher"))
    fault(emu, "createTask", "arcgis_error", count=5)
    result = as_admin("apply", "--auto-approve")
    assert result.code == 1
    assert any(line.startswith("= skipped nightly-parcel-buffer (admin): kept: creating parcel-buffer (publisher)")
               for line in result.lines), result.out
    assert "nightly-parcel-buffer" in managed_names(admin, "admin")
    requests.delete(emu.control_url + "/faults", timeout=10)
    assert as_admin("apply", "--auto-approve").code == 0
    assert "nightly-parcel-buffer" not in managed_names(admin, "admin")
    assert "parcel-buffer" in managed_names(admin, "publisher")


def test_a_task_file_naming_the_signed_in_user_as_owner_reads_that_owner_once(on_emu: Run, workdir: Path,
                                                                              portal: PortalClient) -> None:
    edit_task(workdir, "nightly-parcel-buffer", lambda d: d.update(owner="publisher"))
    result = on_emu("apply", "--auto-approve")
    assert result.code == 0, result.out + result.err
    planned = plan_json(on_emu("plan", "--format", "json"))
    assert planned["changes"] == [] and planned["errors"] == []
    assert on_emu("plan", "--detailed-exitcode").code == 0
    assert "nightly-parcel-buffer" in managed_names(portal, "publisher")


def _task_lists(emu: Emulator) -> list[tuple[str, str]]:
    entries = requests.get(emu.control_url + "/requests", timeout=10).json()["requests"]
    return [(e["path"].split("/users/")[1].split("/")[0], e["query"].get("num", ""))
            for e in entries if e["method"] == "GET" and e["path"].endswith("/tasks")]


def test_an_admins_plan_reads_each_owner_once(as_admin: Run, emu: Emulator, workdir: Path) -> None:
    edit_task(workdir, "nightly-parcel-buffer", lambda d: d.update(owner="publisher"))
    assert as_admin("apply", "--auto-approve").code == 0
    edit_task(workdir, "month-end-service-areas", lambda d: d.update(owner="viewer"))  # holds no task yet
    requests.delete(emu.control_url + "/requests", timeout=10)
    planned = plan_json(as_admin("plan", "--format", "json"))
    assert sorted((c["owner"], c["action"]) for c in planned["changes"]) == [("admin", "delete"), ("viewer", "create")]
    # admin and publisher came with allScheduledTasks: only their quota (num=1) is read; viewer,
    # whom it did not cover, is listed once, and that listing states the quota.
    assert sorted(_task_lists(emu)) == [("admin", "1"), ("publisher", "1"), ("viewer", "100")]


def test_a_plan_lists_each_owner_once_with_its_quota(on_emu: Run, emu: Emulator) -> None:
    requests.delete(emu.control_url + "/requests", timeout=10)
    planned = plan_json(on_emu("plan", "--format", "json"))
    assert len(planned["changes"]) == 3
    assert _task_lists(emu) == [("publisher", "100")]
