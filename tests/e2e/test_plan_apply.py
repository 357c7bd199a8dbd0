"""plan and apply end to end over real HTTP: the shipped tasks.d, every action kind, identity."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.emulator.server import Emulator
from reconciler.portal.client import PortalClient
from tests.conftest import titles
from tests.e2e.conftest import MARK, SHIPPED, Run, edit_task, plan_json, read_task, write_tasks


def managed(client: PortalClient, owner: str | None = None) -> dict[str, object]:
    return {title[len(MARK):]: t for title, t in titles(client, owner).items() if title.startswith(MARK)}


def test_first_apply_of_the_shipped_tasks_then_a_no_op_plan(on_emu: Run, portal: PortalClient) -> None:
    result = on_emu("apply", "--auto-approve")
    assert result.code == 0, result.out + result.err
    assert "Plan: 3 to create" in result.out
    created = sorted(line for line in result.lines if line.startswith("+ created"))
    assert [line.split(" [")[0] for line in created] == [f"+ created {n} (publisher)" for n in SHIPPED]
    assert {line.rsplit(" ", 1)[1] for line in created} == {"[1/3]", "[2/3]", "[3/3]"}
    assert "Apply complete: 3 succeeded, 0 failed, 0 skipped." in result.lines
    assert result.lines[-1] == "The portal now matches tasks.d."
    tasks = managed(portal)
    assert set(tasks) == set(SHIPPED) and not tasks["quarterly-flood-model"].active  # type: ignore[attr-defined]
    again = on_emu("plan", "--detailed-exitcode")
    assert again.code == 0 and "No changes. The portal matches tasks.d." in again.out
    assert on_emu("apply", "--auto-approve").code == 0  # converged: nothing to do


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_detailed_exitcode_is_2_with_changes_in_every_format(on_emu: Run, fmt: str) -> None:
    result = on_emu("plan", "--format", fmt, "--detailed-exitcode")
    assert result.code == 2, result.out + result.err
    assert on_emu("plan", "--format", fmt).code == 0
    if fmt == "json":
        assert plan_json(result)["summary"]["create"] == 3


def test_update_enable_disable_delete_and_create(applied: Run, workdir: Path, portal: PortalClient) -> None:
    edit_task(workdir, "nightly-parcel-buffer", lambda d: d["parameters"]["buffer_distance_or_field"].update(distance=7))
    edit_task(workdir, "quarterly-flood-model", lambda d: d.update(enabled=True))
    edit_task(workdir, "month-end-service-areas", lambda d: d.update(enabled=False))
    month_end = workdir / "tasks.d" / "month-end.yaml"
    first = read_task(month_end, 0)
    month_end.unlink()  # month-end-service-areas removed -> delete
    doc = dict(first, name="weekly-buffer", schedule="0 0 3 ? * SUN", enabled=True)
    write_tasks(workdir / "tasks.d" / "weekly.yaml", doc)
    planned = plan_json(applied("plan", "--format", "json"))
    kinds = {c["name"]: c["actions"] for c in planned["changes"]}
    assert kinds == {"month-end-service-areas": ["delete"], "nightly-parcel-buffer": ["update"],
                     "quarterly-flood-model": ["enable"], "weekly-buffer": ["create"]}
    result = applied("apply", "--auto-approve")
    assert result.code == 0, result.out + result.err
    assert any(line.startswith("- deleted month-end-service-areas (publisher)") for line in result.lines)
    assert any(line.startswith("~ updated nightly-parcel-buffer (publisher)") for line in result.lines)
    assert any(line.startswith("> enabled quarterly-flood-model (publisher)") for line in result.lines)
    tasks = managed(portal)
    assert set(tasks) == {"nightly-parcel-buffer", "quarterly-flood-model", "weekly-buffer"}
    assert tasks["nightly-parcel-buffer"].parameters["buffer_distance_or_field"]["distance"] == 7  # type: ignore[attr-defined]
    assert tasks["quarterly-flood-model"].active  # type: ignore[attr-defined]
    edit_task(workdir, "weekly-buffer", lambda d: d.update(enabled=False))
    disabled = applied("apply", "--auto-approve")
    assert disabled.code == 0 and any(line.startswith("! disabled weekly-buffer") for line in disabled.lines)
    assert applied("plan", "--detailed-exitcode").code == 0


def test_on_remove_disable_keeps_the_task(applied: Run, workdir: Path, portal: PortalClient) -> None:
    (workdir / "tasks.d" / "nightly-buffer.yaml").unlink()
    result = applied("apply", "--auto-approve", "--on-remove", "disable")
    assert result.code == 0, result.out + result.err
    assert not managed(portal)["nightly-parcel-buffer"].active  # type: ignore[attr-defined]
    assert applied("plan", "--on-remove", "disable", "--detailed-exitcode").code == 0


def test_unmanaged_tasks_are_listed_and_never_touched(on_emu: Run, emu: Emulator, portal: PortalClient) -> None:
    from tests.conftest import buffer_fields as fields

    hand_made = portal.get_task(portal.create_task(fields(emu, "nightly-parcel-buffer")))  # same name, but no mark
    result = on_emu("apply", "--auto-approve")
    assert result.code == 0 and "nightly-parcel-buffer" in result.out
    planned = plan_json(on_emu("plan", "--format", "json"))
    assert [u["id"] for u in planned["unmanaged"]] == [hand_made.id]
    assert portal.get_task(hand_made.id) == hand_made  # untouched, even its timestamps


def test_rename_keeps_the_portal_task(applied: Run, workdir: Path, portal: PortalClient) -> None:
    before = managed(portal)["nightly-parcel-buffer"]
    edit_task(workdir, "nightly-parcel-buffer",
              lambda d: d.update(name="parcel-buffer", previous_names=["nightly-parcel-buffer"]))
    planned = plan_json(applied("plan", "--format", "json"))
    (change,) = planned["changes"]
    assert (change["name"], change["actions"], change["task_id"]) == ("parcel-buffer", ["update"], before.id)  # type: ignore[attr-defined]
    assert applied("apply", "--auto-approve").code == 0
    assert managed(portal)["parcel-buffer"].id == before.id  # type: ignore[attr-defined]


def test_owner_move_deletes_on_one_side_and_creates_on_the_other(
    emu: Emulator, workdir: Path, run: Run, monkeypatch: pytest.MonkeyPatch, admin: PortalClient
) -> None:
    monkeypatch.setenv("RECONCILER_PASSWORD", "admin123")
    monkeypatch.setenv("GP_SERVER_URL", emu.server_url)
    args = ("--portal", emu.sharing_url, "--username", "admin", "--owner", "publisher")
    assert run("apply", "--auto-approve", *args).code == 0
    old = managed(admin, "publisher")["nightly-parcel-buffer"]
    edit_task(workdir, "nightly-parcel-buffer", lambda d: d.update(owner="admin"))
    planned = plan_json(run("plan", "--format", "json", *args))
    moves = {(c["owner"], c["action"]) for c in planned["changes"]}
    assert moves == {("publisher", "delete"), ("admin", "create")}
    result = run("apply", "--auto-approve", *args)
    assert result.code == 0, result.out + result.err
    assert "nightly-parcel-buffer" in managed(admin, "admin")
    assert "nightly-parcel-buffer" not in managed(admin, "publisher")
    assert old.id not in {t.id for t in admin.iter_tasks("admin")}  # type: ignore[attr-defined]
    assert run("plan", "--detailed-exitcode", *args).code == 0


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_apply_fails_when_the_portal_read_afterwards_has_errors_and_no_changes(
        on_emu: Run, emu: Emulator, portal: PortalClient, monkeypatch: pytest.MonkeyPatch, fmt: str) -> None:
    from reconciler.render import apply as views
    from tests.conftest import buffer_fields as fields

    real_summary = views.summary

    def summary_then_duplicate(*args: object, **kwargs: object) -> str:
        # Behind the CLI's back, between the apply and the read that confirms it: a second task
        # with a managed title, so the planner leaves that name alone and reports an error.
        portal.create_task(fields(emu, MARK + "nightly-parcel-buffer"))
        return real_summary(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(views, "summary", summary_then_duplicate)
    result = on_emu("apply", "--auto-approve", "--format", fmt)
    assert result.code == 1, result.out + result.err
    if fmt == "json":
        report = plan_json(result)
        assert report["converged"] is False and report["remaining"] == []
        assert report["summary"] == {"succeeded": 3, "failed": 0, "skipped": 0}
    else:
        assert "The portal does not match tasks.d yet; still to do:" in result.out
        assert any(line.startswith("  error: ") for line in result.lines), result.out
