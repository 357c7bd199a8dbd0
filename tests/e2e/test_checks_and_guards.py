"""Pre-checks, warnings, guards and exit codes through the CLI, against the emulator."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
import requests

from reconciler.emulator.context import Settings
from reconciler.emulator.server import Emulator
from reconciler.portal.client import PortalClient
from tests.conftest import PASSWORDS, T0, advance_clock, fault, titles
from tests.e2e.conftest import MARK, Run, edit_task, plan_json, write_tasks

NOPE = "/rest/services/Samples/Nope/GPServer/Nope"


def errors_of(on_emu: Run) -> list[str]:
    result = on_emu("plan", "--format", "json")
    assert result.code == 1, result.out + result.err
    data = plan_json(result)
    return [e["message"] for e in data["errors"]]


def test_no_portal_configured_says_how_to_set_one(workdir: Path, run: Run) -> None:
    for command in ("plan", "apply"):
        result = run(command)
        assert result.code == 1 and result.out == ""
        assert result.err.startswith("error: no portal given: set one with --portal URL or RECONCILER_PORTAL")


def test_invalid_task_files_exit_1_with_every_problem(on_emu: Run, workdir: Path) -> None:
    edit_task(workdir, "nightly-parcel-buffer", lambda d: d.update(enabeld=True))
    edit_task(workdir, "quarterly-flood-model", lambda d: d.update(schedule="0 2 * * 1-5"))
    for command in ("plan", "apply"):
        result = on_emu(command, "--auto-approve") if command == "apply" else on_emu(command)
        assert result.code == 1
        assert "tasks.d/nightly-buffer.yaml:17:1: enabeld: unknown field 'enabeld'" in result.out
        assert "tasks.d/quarterly-flood-model.yaml" in result.out and "0 0 2 ? * MON-FRI" in result.out


def test_bad_credentials_are_a_portal_error(on_emu: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECONCILER_PASSWORD", "wrong")
    result = on_emu("plan")
    assert result.code == 1 and result.err.startswith("error: ") and "wrong" not in result.err


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda d: d.update(owner="admin"), "signed-in user publisher cannot manage tasks of admin"),
        (lambda d: d.update(task_url=d["task_url"].split("/rest/")[0] + NOPE), "GP task not found"),
        (lambda d: d.update(task_url="https://elsewhere.example.com/server" + NOPE), "not on a server federated"),
        (lambda d: d.update(task_url=d["task_url"].split("/rest/")[0]
                            + "/rest/services/System/SpatialAnalysisTools/GPServer/CreateBuffers"),
         "is a System service, which only an administrator may schedule"),
        (lambda d: d["parameters"].update(buffer_distance=3), "parameter 'buffer_distance' is not an input"),
        (lambda d: d["parameters"].pop("in_features"), "required parameter 'in_features'"),
        (lambda d: d["parameters"].update(dissolve_option="SOME"), "'SOME' is not one of the service's choices"),
    ],
    ids=["owner", "gp-task-missing", "not-federated", "system-service", "unknown-parameter", "missing-parameter", "bad-choice"],
)
def test_pre_checks_are_plan_errors_and_block_apply(on_emu: Run, workdir: Path, portal: PortalClient, edit, expected) -> None:
    edit_task(workdir, "nightly-parcel-buffer", edit)
    assert any(expected in message for message in errors_of(on_emu)), expected
    result = on_emu("apply", "--auto-approve")
    assert result.code == 1 and "Nothing applied: the plan has errors" in result.out
    assert titles(portal) == {}


def test_a_user_without_scheduling_privileges(emu: Emulator, workdir: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECONCILER_PASSWORD", PASSWORDS["viewer"])
    monkeypatch.setenv("GP_SERVER_URL", emu.server_url)
    result = run("plan", "--format", "json", "--portal", emu.sharing_url, "--username", "viewer")
    assert result.code == 1 and any("lacks privileges" in e["message"] for e in plan_json(result)["errors"])


def test_active_task_quota(workdir: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    with Emulator(port=0, clock_ms=T0, settings=Settings(limits={"GPServiceUserLimit": 1})) as small:
        monkeypatch.setenv("RECONCILER_PASSWORD", PASSWORDS["publisher"])
        monkeypatch.setenv("GP_SERVER_URL", small.server_url)
        result = run("plan", "--format", "json", "--portal", small.sharing_url, "--username", "publisher")
        assert result.code == 1
        (error,) = plan_json(result)["errors"]
        assert error["message"] == "publisher would have 2 more active tasks, but the portal allows only 1 more (activeTasksAvailable)"


@pytest.mark.parametrize(("limits", "expected"), [
    ({"GPServiceUserLimit": 1}, "admin would have 2 active GPService tasks, but GPServiceUserLimit allows 1"),
    ({"GPServiceOrgLimit": 1}, "the organization would have 2 active GPService tasks, but GPServiceOrgLimit allows 1"),
])
def test_an_administrator_is_held_to_the_limits_by_name(workdir: Path, run: Run, monkeypatch: pytest.MonkeyPatch,
                                                        limits: dict[str, int], expected: str) -> None:
    with Emulator(port=0, clock_ms=T0, settings=Settings(limits=limits)) as small:
        monkeypatch.setenv("RECONCILER_PASSWORD", PASSWORDS["admin"])
        monkeypatch.setenv("GP_SERVER_URL", small.server_url)
        result = run("plan", "--format", "json", "--portal", small.sharing_url, "--username", "admin")
        assert result.code == 1
        (error,) = plan_json(result)["errors"]
        assert error["message"] == expected and "portaladmin/system/limits/update" in error["hint"]


def test_an_administrator_scheduling_for_an_owner_without_the_privileges_is_stopped_at_plan(
        emu: Emulator, workdir: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    edit_task(workdir, "nightly-parcel-buffer", lambda d: d.update(owner="viewer"))
    monkeypatch.setenv("RECONCILER_PASSWORD", PASSWORDS["admin"])
    monkeypatch.setenv("GP_SERVER_URL", emu.server_url)
    result = run("plan", "--format", "json", "--portal", emu.sharing_url, "--username", "admin")
    assert result.code == 1
    assert any(e["message"].startswith("owner viewer lacks privileges needed to schedule geoprocessing services")
               for e in plan_json(result)["errors"]), result.out


def test_a_portal_stating_a_release_before_11_2_is_refused_at_plan(workdir: Path, run: Run,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    with Emulator(port=0, clock_ms=T0, settings=Settings(enterprise_version="11.1.0")) as old:
        monkeypatch.setenv("GP_SERVER_URL", old.server_url)
        monkeypatch.setenv("RECONCILER_PASSWORD", PASSWORDS["admin"])
        admin = run("plan", "--format", "json", "--portal", old.sharing_url, "--username", "admin")
        assert admin.code == 1 and any("ArcGIS Enterprise 11.1.0 (its portaladmin/info)" in e["message"]
                                       for e in plan_json(admin)["errors"])
        # A publisher cannot read portaladmin/info and an 11.1 root states no release: never refused on a guess.
        monkeypatch.setenv("RECONCILER_PASSWORD", PASSWORDS["publisher"])
        publisher = run("plan", "--format", "json", "--portal", old.sharing_url, "--username", "publisher")
        assert not any("ArcGIS Enterprise" in e["message"] for e in plan_json(publisher)["errors"])


def test_warnings_do_not_fail_the_plan(on_emu: Run, workdir: Path) -> None:
    edit_task(workdir, "nightly-parcel-buffer", lambda d: d.update(schedule="0 */5 * ? * *"))
    edit_task(workdir, "month-end-service-areas", lambda d: d.update(enabled=True, end="2099-01-01T00:00:00Z"))
    from datetime import datetime, timedelta, timezone

    from tests.conftest import T0

    # Within 30 days by the portal's clock (the emulator's, at T0), which the plan counts from.
    soon = (datetime.fromtimestamp(T0 / 1000, timezone.utc) + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M:%SZ")
    edit_task(workdir, "month-end-service-areas", lambda d: d.update(end=soon))
    result = on_emu("plan", "--format", "json", "--detailed-exitcode")
    assert result.code == 2
    warnings = [w["message"] for w in plan_json(result)["warnings"]]
    assert any("more often than every 15 minutes" in w for w in warnings)
    assert any("stops the task within 30 days" in w for w in warnings)
    text = on_emu("plan")
    assert text.code == 0 and "more often than every 15 minutes" in text.out


def test_mass_delete_guard_and_allow_empty(applied: Run, workdir: Path, portal: PortalClient) -> None:
    for path in (workdir / "tasks.d").glob("*.yaml"):
        path.unlink()
    (workdir / "tasks.d" / "empty.yaml").write_text("# all tasks removed\n")
    assert any("refusing to delete all 3 managed tasks" in e for e in errors_of(applied))
    assert applied("apply", "--auto-approve").code == 1 and len(titles(portal)) == 3
    result = applied("apply", "--auto-approve", "--allow-empty")
    assert result.code == 0, result.out + result.err
    assert titles(portal) == {} and "Apply complete: 3 succeeded, 0 failed, 0 skipped." in result.out


def test_an_empty_folder_without_allow_empty_changes_nothing(applied: Run, workdir: Path, portal: PortalClient) -> None:
    for path in (workdir / "tasks.d").glob("*.yaml"):
        path.unlink()
    refused = applied("apply", "--auto-approve")
    assert refused.code == 1 and "no task files (*.yaml, *.yml) found" in refused.out + refused.err
    assert len(titles(portal)) == 3
    result = applied("apply", "--auto-approve", "--allow-empty")
    assert result.code == 0, result.out + result.err
    assert titles(portal) == {}


def test_no_delete_keeps_removed_tasks(applied: Run, workdir: Path, portal: PortalClient) -> None:
    (workdir / "tasks.d" / "nightly-buffer.yaml").unlink()
    result = applied("plan", "--no-delete", "--format", "json", "--detailed-exitcode")
    assert result.code == 0 and plan_json(result)["changes"] == []
    assert any("not deleting nightly-parcel-buffer (--no-delete)" in w["message"] for w in plan_json(result)["warnings"])
    assert applied("apply", "--auto-approve", "--no-delete").code == 0 and len(titles(portal)) == 3


def test_a_running_task_is_blocked_unless_allowed(applied: Run, emu: Emulator, workdir: Path, portal: PortalClient) -> None:
    advance_clock(emu, 2 * 3600)  # Thursday 02:00: nightly-parcel-buffer fires; its run waits 1 s to be submitted
    edit_task(workdir, "nightly-parcel-buffer", lambda d: d["parameters"]["buffer_distance_or_field"].update(distance=9))
    (change,) = plan_json(applied("plan", "--format", "json"))["changes"]
    assert change["blocked"] and "pass --allow-active-runs" in change["blocked"]
    result = applied("apply", "--auto-approve")
    assert result.code == 1
    assert any(line.startswith("= skipped nightly-parcel-buffer (publisher): a run is") for line in result.lines)
    assert "Apply complete: 0 succeeded, 0 failed, 1 skipped." in result.lines
    assert "The portal does not match tasks.d yet; still to do:" in result.lines
    allowed = applied("apply", "--auto-approve", "--allow-active-runs")
    assert allowed.code == 0 and allowed.lines[-1] == "The portal now matches tasks.d."


def test_a_failed_action_does_not_stop_the_others_and_apply_again_converges(
    applied: Run, emu: Emulator, workdir: Path, portal: PortalClient
) -> None:
    nightly = titles(portal)[MARK + "nightly-parcel-buffer"]
    edit_task(workdir, "nightly-parcel-buffer", lambda d: d.update(schedule="0 0 3 ? * MON-FRI"))
    edit_task(workdir, "month-end-service-areas", lambda d: d.update(schedule="0 0 7 L * ?"))
    fault(emu, f"tasks/{nightly.id}/update", "arcgis_error", count=10)
    result = applied("apply", "--auto-approve")
    assert result.code == 1
    failed = [line for line in result.lines if line.startswith("x failed to update nightly-parcel-buffer (publisher)")]
    assert len(failed) == 1 and "ArcGIS error 500" in failed[0]
    assert any(line.startswith("~ updated month-end-service-areas (publisher)") for line in result.lines)
    assert "Apply complete: 1 succeeded, 1 failed, 0 skipped." in result.lines
    assert "  ~ update nightly-parcel-buffer (publisher)" in result.lines  # what still differs
    requests.delete(emu.control_url + "/faults", timeout=10)
    requests_cleared = applied("apply", "--auto-approve")
    assert requests_cleared.code == 0 and requests_cleared.lines[-1] == "The portal now matches tasks.d."


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("answer", "code"), [("yes\n", 0), ("y\n", 1), ("", 1)])
def test_interactive_confirmation(on_emu: Run, portal: PortalClient, monkeypatch: pytest.MonkeyPatch, answer: str, code: int) -> None:
    monkeypatch.setattr("sys.stdin", Terminal(answer))
    result = on_emu("apply")
    assert result.code == code and "Only 'yes' is accepted" in result.out
    assert len(titles(portal)) == (3 if code == 0 else 0)
    if code:
        assert "Apply cancelled; nothing was changed." in result.out


def test_refuses_without_confirmation_on_a_non_terminal(on_emu: Run, portal: PortalClient) -> None:
    result = on_emu("apply")
    assert result.code == 1
    assert result.err.strip() == "error: refusing to apply without confirmation on a non-terminal; pass --auto-approve"
    assert titles(portal) == {}


def test_bad_flag_values(on_emu: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECONCILER_ON_REMOVE", "archive")
    assert "expected delete or disable" in on_emu("plan").err
    monkeypatch.delenv("RECONCILER_ON_REMOVE")
    assert on_emu("apply", "--parallelism", "0").code == 1  # a usage error, never 2 ("changes present")


def test_max_occurrences_ending_soon_is_a_warning(on_emu: Run, workdir: Path) -> None:
    edit_task(workdir, "nightly-parcel-buffer", lambda d: d.update(max_occurrences=3))
    result = on_emu("plan", "--format", "json")
    assert result.code == 0
    assert any("max_occurrences 3 stops the task within 30 days" in w["message"] for w in plan_json(result)["warnings"])


def test_two_differing_tasks_with_one_managed_title_are_an_error(on_emu: Run, emu: Emulator,
                                                                  portal: PortalClient) -> None:
    from tests.conftest import buffer_fields as fields

    ids = sorted(portal.create_task(fields(emu, MARK + "nightly-parcel-buffer", max_occurrences=n)) for n in (1, 2))
    assert f"differ in max_occurrences: {ids[0]}, {ids[1]}" in " ".join(errors_of(on_emu))


def test_identical_copies_of_a_managed_task_heal_the_oldest_stays(applied: Run, emu: Emulator,
                                                                  portal: PortalClient) -> None:
    from reconciler.portal.wire import fields_of

    kept = titles(portal)[MARK + "nightly-parcel-buffer"]
    advance_clock(emu, 60)
    copy = portal.create_task(fields_of(kept))  # a create that landed twice, a minute later
    planned = plan_json(applied("plan", "--format", "json"))
    (change,) = planned["changes"]
    assert (change["task_id"], change["actions"]) == (copy, ["delete"])
    assert change["reason"].startswith(f"duplicate of {kept.id}, identical in every managed field")
    assert applied("apply", "--auto-approve").code == 0
    assert [t.id for t in portal.iter_tasks() if t.title == kept.title] == [kept.id]


def test_a_task_the_portal_disabled_after_failures_is_explained(
    on_emu: Run, emu: Emulator, workdir: Path, portal: PortalClient
) -> None:
    fails = "/rest/services/Samples/AlwaysFails/GPServer/AlwaysFails"
    for path in (workdir / "tasks.d").glob("*.yaml"):
        path.unlink()
    write_tasks(workdir / "tasks.d" / "fails.yaml",
                {"name": "hourly-fails", "task_url": "${GP_SERVER_URL}" + fails, "schedule": "0 0 * ? * *"})
    assert on_emu("apply", "--auto-approve").code == 0
    advance_clock(emu, 6 * 3600)  # five failed runs in a row: the portal disables the task
    assert not titles(portal)[MARK + "hourly-fails"].active
    result = on_emu("plan", "--format", "json")
    (change,) = plan_json(result)["changes"]
    assert change["actions"] == ["enable"]
    (warning,) = change["warnings"]
    assert "stopped this task (taskState disabled) after repeated failed runs" in warning["message"] and "ERROR 999999" in warning["message"]


@pytest.mark.parametrize(("exception", "code", "message"),
                         [(RuntimeError("boom"), 3, "this is a bug in reconciler"), (KeyboardInterrupt(), 130, "Interrupted")])
def test_bugs_and_interrupts(on_emu: Run, monkeypatch: pytest.MonkeyPatch, exception: BaseException, code: int,
                             message: str) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        raise exception

    monkeypatch.setattr("reconciler.commands.plan.make_plan", explode)
    for command in ("plan", "apply"):
        result = on_emu(command, "--auto-approve") if command == "apply" else on_emu(command)
        assert result.code == code and message in result.err


def test_a_gp_task_on_another_loopback_name_of_a_federated_server_is_read(
        on_emu: Run, emu: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    # The planner counts localhost and 127.0.0.1 as one host (checks.on_federated_server); state
    # must read the GP task by the same rule, or the plan says "GP task not found".
    assert "://127.0.0.1:" in emu.server_url
    monkeypatch.setenv("GP_SERVER_URL", emu.server_url.replace("://127.0.0.1:", "://localhost:"))
    planned = plan_json(on_emu("plan", "--format", "json"))
    assert planned["errors"] == [] and len(planned["changes"]) == 3


@pytest.mark.parametrize("spoil", ["dangling", "fifo"])
def test_a_task_file_that_cannot_be_read_stops_plan_and_apply_and_deletes_nothing(
        applied: Run, workdir: Path, portal: PortalClient, spoil: str) -> None:
    before = set(titles(portal))
    path = workdir / "tasks.d" / "nightly-buffer.yaml"
    path.unlink()
    if spoil == "dangling":
        path.symlink_to(workdir / "moved-away.yaml")
    else:
        os.mkfifo(path)
    for command in ("plan", "apply"):
        result = applied(command, "--auto-approve") if command == "apply" else applied(command)
        assert result.code == 1, result.out + result.err
        assert "tasks.d/nightly-buffer.yaml: cannot read: a dangling symlink" in result.out or (
            "tasks.d/nightly-buffer.yaml: not a regular file (a FIFO, socket or device)" in result.out)
    assert set(titles(portal)) == before


def test_a_bug_report_masks_the_credentials_of_the_environment(on_emu: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GP_API_KEY", "k3y-of-the-gp-service")

    def explode(*args: object, **kwargs: object) -> None:
        secret = PASSWORDS["publisher"]  # a local that a traceback could show
        raise RuntimeError(f"boom with {secret} and prefix{secret}suffix and k3y-of-the-gp-service")

    monkeypatch.setattr("reconciler.commands.plan.make_plan", explode)
    result = on_emu("plan")
    assert result.code == 3 and "this is a bug in reconciler" in result.err
    assert PASSWORDS["publisher"] not in result.err and "k3y-of-the-gp-service" not in result.err
    assert "boom with <redacted> and prefix<redacted>suffix" in result.err
