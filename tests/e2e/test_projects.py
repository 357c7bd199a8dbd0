"""Issue 10 end to end: the project file, the project in the ownership mark, a pinned owner,
the mass-delete and twin guards, owner moves as one unit, and --only; through the CLI, the
client and the emulator over HTTP."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
import requests

from reconciler.emulator.server import Emulator
from reconciler.portal.client import PortalClient
from tests.conftest import BUFFER_PARAMS, PASSWORDS, advance_clock, fault, titles
from tests.conftest import buffer_fields as fields
from tests.e2e.conftest import MARK, SHIPPED, Result, Run, edit_task, plan_json, write_tasks

GIS = "[reconciler:gis] "
BUFFER = "nightly-parcel-buffer"


@pytest.fixture
def cli(emu: Emulator, run: Run, monkeypatch: pytest.MonkeyPatch):
    """cli(user, command, *argv): the CLI against `emu`, signed in as `user`."""
    monkeypatch.setenv("GP_SERVER_URL", emu.server_url)

    def invoke(user: str, command: str, *argv: str) -> Result:
        monkeypatch.setenv("RECONCILER_PASSWORD", PASSWORDS[user])
        return run(command, "--portal", emu.sharing_url, "--username", user, *argv)

    return invoke


def another(workdir: Path, tmp_path: Path, project_id: str) -> Path:
    """A second repository with the same tasks.d under another project id."""
    folder = tmp_path / project_id
    shutil.copytree(workdir / "tasks.d", folder / "tasks.d")
    project(folder, f"project: {project_id}\nowner: publisher\n")
    return folder


def project(folder: Path, text: str) -> Path:
    path = folder / "reconciler.yaml"
    path.write_text(text)
    return path


def ours(client: PortalClient, owner: str, mark: str = GIS) -> set[str]:
    return {t[len(mark):] for t in titles(client, owner) if t.startswith(mark)}


def extra(emu: Emulator, name: str) -> dict:
    return {"name": name, "schedule": "0 0 3 ? * *", "task_url": emu.task_url("Samples/Buffer/GPServer/Buffer"),
            "parameters": BUFFER_PARAMS}


def messages(data: dict, kind: str = "errors") -> list[str]:
    return [d["message"] for d in data[kind]]


def test_a_pinned_owner_stays_put_whoever_plans_or_applies(cli, workdir: Path, admin: PortalClient) -> None:
    project(workdir, "project: gis\nowner: publisher\n")
    assert cli("publisher", "apply", "--auto-approve").code == 0
    for user in ("admin", "publisher"):  # the planning account, then the apply account
        planned = cli(user, "plan", "--detailed-exitcode")
        assert planned.code == 0, planned.out + planned.err
        assert "no owner is pinned" not in planned.out
    applied = cli("admin", "apply", "--auto-approve")
    assert applied.code == 0 and "Apply complete" not in applied.out, applied.out
    assert ours(admin, "publisher") == set(SHIPPED) and ours(admin, "admin") == set()


def test_without_a_pinned_owner_another_account_is_refused_not_a_move(cli, workdir: Path, admin: PortalClient) -> None:
    project(workdir, "project: gis\n")
    first = plan_json(cli("publisher", "plan", "--format", "json"))
    assert [w["message"] for w in first["warnings"]][0].startswith("no owner is pinned: tasks without an owner: "
                                                                   "line belong to publisher")
    assert cli("publisher", "apply", "--auto-approve").code == 0
    result = cli("admin", "apply", "--auto-approve")
    assert result.code == 1
    data = plan_json(cli("admin", "plan", "--format", "json"))
    assert data["changes"] == [] and len(data["errors"]) == 3
    assert all("no owner is pinned" in m and "under publisher" in m for m in messages(data))
    assert "`owner: publisher` in reconciler.yaml" in data["errors"][0]["hint"]
    assert ours(admin, "publisher") == set(SHIPPED) and ours(admin, "admin") == set(), "nothing moved or duplicated"


def test_two_projects_on_one_portal_never_touch_each_others_tasks(cli, workdir: Path, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch,
                                                                   admin: PortalClient) -> None:
    other = another(workdir, tmp_path, "parcels")
    project(workdir, "project: gis\nowner: publisher\n")
    assert cli("publisher", "apply", "--auto-approve").code == 0
    monkeypatch.chdir(other)
    assert cli("publisher", "apply", "--auto-approve").code == 0, "same names, another project: its own tasks"
    parcels = "[reconciler:parcels] "
    assert ours(admin, "publisher") == set(SHIPPED) == ours(admin, "publisher", parcels)
    listed = plan_json(cli("admin", "plan", "--format", "json"))
    assert {(u["title"], u["managed_by"]) for u in listed["unmanaged"]} == {(GIS + n, "gis") for n in SHIPPED}
    assert any("(owner publisher, GPService, active, managed by project gis)" in line
               for line in cli("admin", "plan").lines)
    (other / "tasks.d" / "nightly-buffer.yaml").unlink()
    assert cli("admin", "apply", "--auto-approve").code == 0
    assert ours(admin, "publisher", parcels) == set(SHIPPED) - {BUFFER}
    assert ours(admin, "publisher") == set(SHIPPED), "the other project's namesake is untouched"
    shutil.rmtree(other / "tasks.d")
    (other / "tasks.d").mkdir()
    assert cli("publisher", "apply", "--auto-approve", "--allow-empty").code == 0
    assert ours(admin, "publisher", parcels) == set() and ours(admin, "publisher") == set(SHIPPED)


def test_deleting_most_of_the_project_is_refused_and_lists_what_would_go(cli, workdir: Path, portal: PortalClient,
                                                                         emu: Emulator) -> None:
    project(workdir, "project: gis\nowner: publisher\n")
    write_tasks(workdir / "tasks.d" / "more.yaml", *(extra(emu, f"extra-{i}") for i in range(3)))
    assert cli("publisher", "apply", "--auto-approve").code == 0 and len(ours(portal, "publisher")) == 6
    (workdir / "tasks.d" / "more.yaml").unlink()
    (workdir / "tasks.d" / "month-end.yaml").unlink()
    (workdir / "tasks.d" / "quarterly-flood-model.yaml").unlink()
    data = plan_json(cli("publisher", "plan", "--format", "json"))
    (refusal,) = data["errors"]
    assert refusal["message"] == ("this plan deletes 5 of the project's 6 managed tasks (the guard allows at most 3, "
                                  "or 50% of them): extra-0 (publisher), extra-1 (publisher), extra-2 (publisher), "
                                  "month-end-service-areas (publisher), quarterly-flood-model (publisher)")
    assert "--allow-mass-delete" in refusal["hint"]
    refused = cli("publisher", "apply", "--auto-approve")
    assert refused.code == 1 and len(ours(portal, "publisher")) == 6
    assert cli("publisher", "plan", "--detailed-exitcode", "--no-delete").code == 0, "nothing deleted: no refusal"
    project(workdir, "project: gis\nowner: publisher\nmass_delete: {count: 5}\n")
    assert cli("publisher", "plan", "--format", "json").code == 0, "the bound comes from the project file"
    project(workdir, "project: gis\nowner: publisher\n")
    allowed = cli("publisher", "apply", "--auto-approve", "--allow-mass-delete")
    assert allowed.code == 0, allowed.out + allowed.err
    assert ours(portal, "publisher") == {BUFFER}


def test_a_hand_made_namesake_gets_the_adopt_warning(cli, workdir: Path, portal: PortalClient, emu: Emulator) -> None:
    project(workdir, "project: gis\nowner: publisher\n")
    hand_made = portal.create_task(fields(emu, BUFFER))
    data = plan_json(cli("publisher", "plan", "--format", "json"))
    (warning,) = [w for w in data["warnings"] if w["name"] == BUFFER]
    assert warning["message"] == (f"publisher already has an unmanaged task titled '{BUFFER}' ({hand_made}); "
                                  f"creating {BUFFER} makes a second task beside it, and both run")
    assert f"retitle it on the portal to '{GIS}{BUFFER}'" in warning["hint"]
    assert warning["source"]["path"].endswith("nightly-buffer.yaml")


def test_the_plain_mark_is_claimed_only_explicitly(cli, workdir: Path, portal: PortalClient) -> None:
    """Tasks applied before the repository named its project: never guessed to be its own, never
    created a second time; one line in the project file takes them over, run history and all."""
    assert cli("publisher", "apply", "--auto-approve").code == 0
    before = {t.title: t.id for t in portal.iter_tasks()}
    project(workdir, "project: gis\nowner: publisher\n")
    data = plan_json(cli("publisher", "plan", "--format", "json"))
    assert data["changes"] != [] and len(data["errors"]) == 3
    assert "adopt_mark: '[reconciler] '" in data["errors"][0]["hint"]
    assert {u["managed_by"] for u in data["unmanaged"]} == {""}
    assert cli("publisher", "apply", "--auto-approve").code == 1 and len(titles(portal)) == 3
    project(workdir, "project: gis\nowner: publisher\nadopt_mark: '[reconciler] '\n")
    adopted = plan_json(cli("publisher", "plan", "--format", "json"))
    assert {(c["name"], c["action"]) for c in adopted["changes"]} == {(n, "update") for n in SHIPPED}
    assert {f["path"] for c in adopted["changes"] for f in c["fields"]} == {"title"}
    assert cli("publisher", "apply", "--auto-approve").code == 0
    assert {t.title: t.id for t in portal.iter_tasks()} == {GIS + t[len(MARK):]: i for t, i in before.items()}
    project(workdir, "project: gis\nowner: publisher\n")
    assert cli("publisher", "plan", "--detailed-exitcode").code == 0


def test_a_move_whose_old_copy_is_busy_waits_whole(cli, workdir: Path, emu: Emulator, admin: PortalClient) -> None:
    project(workdir, "project: gis\nowner: publisher\n")
    assert cli("publisher", "apply", "--auto-approve").code == 0
    advance_clock(emu, 2 * 3600)  # Thursday 02:00: the buffer fires; its run is in flight
    edit_task(workdir, BUFFER, lambda d: d.update(owner="admin"))
    data = plan_json(cli("admin", "plan", "--format", "json"))
    moves = {(c["owner"], c["action"]): c for c in data["changes"]}
    assert set(moves) == {("publisher", "delete"), ("admin", "create")}
    assert moves[("admin", "create")]["actions"] == ["create", "enable"]
    assert moves[("publisher", "delete")]["blocked"].startswith("a run is")
    assert moves[("admin", "create")]["blocked"].startswith("the move waits: the old copy under publisher cannot be "
                                                            "deleted now")
    result = cli("admin", "apply", "--auto-approve")
    assert result.code == 1
    assert BUFFER not in ours(admin, "admin") and BUFFER in ours(admin, "publisher"), "no second copy"


def test_a_move_whose_delete_fails_leaves_the_new_copy_paused(cli, workdir: Path, emu: Emulator,
                                                              admin: PortalClient) -> None:
    project(workdir, "project: gis\nowner: publisher\n")
    assert cli("publisher", "apply", "--auto-approve").code == 0
    edit_task(workdir, BUFFER, lambda d: d.update(owner="admin"))
    fault(emu, "/tasks/[0-9a-f]+/delete$", "arcgis_error", count=10)
    result = cli("admin", "apply", "--auto-approve")
    assert result.code == 1
    assert any(line.startswith(f"x failed to enable {BUFFER} (admin) after it was created: left paused: the old "
                               "copy under publisher could not be deleted") for line in result.lines), result.out
    both = [titles(admin, owner)[GIS + BUFFER] for owner in ("publisher", "admin")]
    assert [t.active for t in both] == [True, False], "never two active copies"
    requests.delete(emu.control_url + "/faults", timeout=10)
    data = plan_json(cli("admin", "plan", "--format", "json"))
    finish = {(c["owner"], c["action"]): c for c in data["changes"]}
    assert set(finish) == {("publisher", "delete"), ("admin", "enable")}
    assert finish[("publisher", "delete")]["waits_for"] == {"name": BUFFER, "owner": "admin"}
    assert cli("admin", "apply", "--auto-approve").code == 0
    assert BUFFER not in ours(admin, "publisher") and titles(admin, "admin")[GIS + BUFFER].active


def test_only_plans_the_named_tasks_and_says_the_plan_is_partial(cli, workdir: Path, portal: PortalClient) -> None:
    project(workdir, "project: gis\nowner: publisher\n")
    data = plan_json(cli("publisher", "plan", "--format", "json", "--only", "nightly-*"))
    assert [c["name"] for c in data["changes"]] == [BUFFER]
    assert data["warnings"][0]["message"].startswith("partial plan: only tasks matching nightly-* are planned")
    assert cli("publisher", "apply", "--auto-approve", "--only", BUFFER).code == 0
    assert ours(portal, "publisher") == {BUFFER}
    (workdir / "tasks.d" / "nightly-buffer.yaml").unlink()
    removal = plan_json(cli("publisher", "plan", "--format", "json", "--only", BUFFER))
    assert [(c["name"], c["action"]) for c in removal["changes"]] == [(BUFFER, "delete")]
    missing = cli("publisher", "plan", "--format", "json", "--only", "no-such-*")
    assert missing.code == 1
    assert plan_json(missing)["errors"][0]["message"] == ("--only 'no-such-*' matches no task in tasks.d and no "
                                                          "managed task on the portal")


def test_the_saved_plan_keeps_only_and_the_guard(cli, workdir: Path, portal: PortalClient) -> None:
    project(workdir, "project: gis\nowner: publisher\n")
    assert cli("publisher", "plan", "--only", BUFFER, "--out", "plan.json").code == 0
    applied = cli("publisher", "apply", "plan.json")
    assert applied.code == 0, applied.out + applied.err
    assert ours(portal, "publisher") == {BUFFER}


def test_an_environment_gives_the_portal_user_and_variables(emu: Emulator, run: Run, workdir: Path,
                                                            monkeypatch: pytest.MonkeyPatch,
                                                            portal: PortalClient) -> None:
    project(workdir, f"project: gis\nowner: publisher\nenvironments:\n  lab:\n    portal: {emu.sharing_url}\n"
                     f"    username: publisher\n    variables: {{GP_SERVER_URL: '{emu.server_url}'}}\n")
    monkeypatch.setenv("RECONCILER_PASSWORD", PASSWORDS["publisher"])
    monkeypatch.setenv("GP_SERVER_URL", "https://elsewhere.example.com/server")  # the file wins over the ambient
    result = run("apply", "--auto-approve", "--environment", "lab")
    assert result.code == 0, result.out + result.err
    assert ours(portal, "publisher") == set(SHIPPED)
    unknown = run("plan", "-e", "qa")
    assert unknown.code == 1 and "reconciler.yaml:3:1: environments: no environment 'qa' (known: lab)" in unknown.err


def test_a_bad_project_file_names_its_lines_and_changes_nothing(cli, run: Run, workdir: Path,
                                                                portal: PortalClient) -> None:
    project(workdir, "project: GIS Prod\nowner: publisher\nenvironments:\n  prod: {portal: x, password: hunter2}\n")
    result = cli("publisher", "apply", "--auto-approve")
    assert result.code == 1 and result.out == "" and "hunter2" not in result.err
    assert "reconciler.yaml:1:10: project: must be 1-20 lower-case letters" in result.err
    assert "reconciler.yaml:4:21: environments.prod.password: holds a credential" in result.err
    assert titles(portal) == {}
    validated = run("validate")
    assert validated.code == 1 and validated.out.startswith("reconciler.yaml:1:10: project:")
    report = json.loads(run("validate", "--format", "json").out)
    assert [(p["path"], p["line"], p["field"]) for p in report["problems"]] == [
        ("reconciler.yaml", 1, "project"), ("reconciler.yaml", 4, "environments.prod.portal"),
        ("reconciler.yaml", 4, "environments.prod.password")]


def test_the_old_targets_file_and_target_flag_say_how_to_migrate(cli, workdir: Path) -> None:
    old = workdir / "targets.yaml"
    old.write_text("targets:\n  prod: {portal: https://gis.example.com/portal}\n")
    result = cli("publisher", "plan", "--config", str(old))
    assert result.code == 1 and "is a targets file of an earlier reconciler: rename `targets:` to `environments:`" \
        in result.err
    flag = cli("publisher", "plan", "--target", "prod")
    assert flag.code == 1 and "use --only NAME" in flag.err and "--environment NAME" in flag.err


def test_a_name_too_long_for_a_title_is_refused_at_its_line(cli, run: Run, workdir: Path, emu: Emulator) -> None:
    project(workdir, "project: gis\nowner: publisher\n")
    write_tasks(workdir / "tasks.d" / "long.yaml", extra(emu, "n" * 100))  # a valid task name
    assert run("validate").code == 0, "with '[reconciler:gis] ' the title is 117 characters: it fits"
    project(workdir, "project: a-long-project-name\nowner: publisher\n")
    result = run("validate", "--format", "json")
    assert result.code == 1
    (problem,) = json.loads(result.out)["problems"]
    assert (problem["path"], problem["line"], problem["field"]) == ("tasks.d/long.yaml", 1, "name")
    assert problem["message"].endswith("would be 133 characters, more than the 128 the reconciler writes")
    planned = cli("publisher", "apply", "--auto-approve")
    assert planned.code == 1 and "would be 133 characters" in planned.out


def test_a_partial_apply_never_claims_the_whole_portal_matches(cli, workdir: Path) -> None:
    project(workdir, "project: gis\nowner: publisher\n")
    applied = cli("publisher", "apply", "--auto-approve", "--only", "nightly-*")
    assert applied.code == 0
    assert applied.lines[-1] == "The tasks matching nightly-* now match tasks.d (a partial apply: --only)."
    again = cli("publisher", "plan", "--only", "nightly-*", "--detailed-exitcode")
    assert again.code == 0 and "No changes among the tasks matching nightly-* (a partial plan: --only)." in again.lines
    assert plan_json(cli("publisher", "plan", "--format", "json", "--only", "nightly-*"))["only"] == ["nightly-*"]
    assert cli("publisher", "plan", "--detailed-exitcode").code == 2, "a full plan still sees the rest"


def test_a_saved_plan_refuses_planning_flags_rather_than_ignoring_them(cli, workdir: Path, portal: PortalClient) -> None:
    project(workdir, "project: gis\nowner: publisher\n")
    assert cli("publisher", "plan", "--only", BUFFER, "--out", "plan.json").code == 0
    for flags in (["--only", "month-*"], ["--no-delete"], ["--allow-mass-delete"], ["--tasks", "tasks.d"]):
        refused = cli("publisher", "apply", "plan.json", *flags)
        assert refused.code == 1 and "cannot be combined with a saved plan" in refused.err, flags
    assert titles(portal) == {}


def test_removing_most_of_the_project_by_disabling_is_guarded_too(cli, workdir: Path, portal: PortalClient,
                                                                  emu: Emulator) -> None:
    project(workdir, "project: gis\nowner: publisher\non_remove: disable\n")
    write_tasks(workdir / "tasks.d" / "more.yaml", *(extra(emu, f"extra-{i}") for i in range(3)))
    assert cli("publisher", "apply", "--auto-approve").code == 0
    (workdir / "tasks.d" / "more.yaml").unlink()
    (workdir / "tasks.d" / "nightly-buffer.yaml").unlink()
    data = plan_json(cli("publisher", "plan", "--format", "json"))
    assert [e["message"].split(":")[0] for e in data["errors"]] == [
        "this plan disables 4 of the project's 6 managed tasks (the guard allows at most 3, or 50% of them)"]
    assert cli("publisher", "apply", "--auto-approve", "--allow-mass-delete").code == 0
    assert sum(t.active for t in portal.iter_tasks()) == 1  # month-end; the flood model is paused by its file


def test_a_move_deletes_the_old_copy_even_with_on_remove_disable_and_never_with_no_delete(cli, workdir: Path,
                                                                                          admin: PortalClient) -> None:
    project(workdir, "project: gis\nowner: publisher\non_remove: disable\n")
    assert cli("publisher", "apply", "--auto-approve").code == 0
    edit_task(workdir, BUFFER, lambda d: d.update(owner="admin"))
    held = cli("admin", "apply", "--auto-approve", "--no-delete")
    assert held.code == 0 and any(f"not moving {BUFFER} to admin (--no-delete)" in line for line in held.lines)
    assert BUFFER not in ours(admin, "admin") and titles(admin, "publisher")[GIS + BUFFER].active
    moved = cli("admin", "apply", "--auto-approve")
    assert moved.code == 0, moved.out
    assert BUFFER not in ours(admin, "publisher"), "deleted, not left paused for ever"
    assert titles(admin, "admin")[GIS + BUFFER].active


def test_the_plain_mark_error_is_not_hidden_by_another_projects_namesake(cli, workdir: Path, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch,
                                                                         portal: PortalClient) -> None:
    alpha = another(workdir, tmp_path, "alpha")
    monkeypatch.chdir(alpha)
    assert cli("publisher", "apply", "--auto-approve").code == 0  # the older namesakes
    monkeypatch.chdir(workdir)
    assert cli("publisher", "apply", "--auto-approve", "--owner", "publisher").code == 0  # plain-marked, no project
    project(workdir, "project: delta\nowner: publisher\n")
    data = plan_json(cli("publisher", "plan", "--format", "json"))
    assert len(data["errors"]) == 3 and all("marked by reconciler before" in m for m in messages(data))
    assert cli("publisher", "apply", "--auto-approve").code == 1 and len(titles(portal)) == 6


def test_a_duplicate_of_the_new_copy_never_lets_it_be_enabled_before_the_old_one_goes(
        cli, workdir: Path, emu: Emulator, admin: PortalClient) -> None:
    project(workdir, "project: gis\nowner: publisher\n")
    assert cli("publisher", "apply", "--auto-approve").code == 0
    edit_task(workdir, BUFFER, lambda d: d.update(owner="admin"))
    fault(emu, "/users/publisher/tasks/[0-9a-f]+/delete$", "arcgis_error", count=50)
    assert cli("admin", "apply", "--auto-approve").code == 1  # the new copy is left paused
    paused = titles(admin, "admin")[GIS + BUFFER]
    admin.create_task(replace(fields(emu, GIS + BUFFER), **{  # an identical copy of the paused one
        "parameters_json": paused.parameters_json, "schedule": paused.schedule, "active": False,
        "task_url": paused.task_url, "max_occurrences": paused.max_occurrences}), "admin")
    again = cli("admin", "apply", "--auto-approve")
    assert again.code == 1
    actives = [t.active for owner in ("publisher", "admin") for t in admin.iter_tasks(owner) if t.title == GIS + BUFFER]
    assert actives.count(True) == 1, "never two active copies"


def test_plain_mark_namesakes_are_found_under_any_owner_by_any_name(cli, workdir: Path, admin: PortalClient,
                                                                    emu: Emulator) -> None:
    admin.create_task(replace(fields(emu, MARK + BUFFER), parameters_json=json.dumps(BUFFER_PARAMS)), "admin")
    project(workdir, "project: gis\nowner: publisher\n")
    data = plan_json(cli("admin", "plan", "--format", "json"))
    assert [(e["name"], "admin has" in e["message"]) for e in data["errors"]] == [(BUFFER, True)]
    edit_task(workdir, BUFFER, lambda d: d.update(name="renamed-buffer", previous_names=[BUFFER]))
    renamed = plan_json(cli("admin", "plan", "--format", "json"))
    assert [e["name"] for e in renamed["errors"]] == ["renamed-buffer"], "found by its previous name too"


def test_copies_do_not_water_down_the_mass_delete_guard(cli, workdir: Path, portal: PortalClient, emu: Emulator) -> None:
    project(workdir, "project: gis\nowner: publisher\n")
    write_tasks(workdir / "tasks.d" / "more.yaml", *(extra(emu, f"extra-{i}") for i in range(3)))
    assert cli("publisher", "apply", "--auto-approve").code == 0
    for task in list(portal.iter_tasks()):  # an identical copy of each: 12 titles, 6 tasks
        portal.create_task(replace(fields(emu, task.title), parameters_json=task.parameters_json,
                                   schedule=task.schedule, task_url=task.task_url, active=task.active,
                                   max_occurrences=task.max_occurrences, start_date=task.start_date,
                                   end_date=task.end_date, item_id=task.item_id))
    (workdir / "tasks.d" / "more.yaml").unlink()
    (workdir / "tasks.d" / "month-end.yaml").unlink()
    (workdir / "tasks.d" / "quarterly-flood-model.yaml").unlink()
    data = plan_json(cli("publisher", "plan", "--format", "json"))
    assert [e["message"].split(":")[0] for e in data["errors"]] == [
        "this plan deletes 5 of the project's 6 managed tasks (the guard allows at most 3, or 50% of them)"]


def test_allow_empty_needs_no_second_flag_and_the_loader_says_how(cli, workdir: Path, portal: PortalClient,
                                                                   emu: Emulator) -> None:
    project(workdir, "project: gis\nowner: publisher\n")
    write_tasks(workdir / "tasks.d" / "more.yaml", *(extra(emu, f"extra-{i}") for i in range(3)))
    assert cli("publisher", "apply", "--auto-approve").code == 0
    shutil.rmtree(workdir / "tasks.d")
    (workdir / "tasks.d").mkdir()
    refused = cli("publisher", "plan")
    assert refused.code == 1 and "--allow-empty" in refused.out
    emptied = cli("publisher", "apply", "--auto-approve", "--allow-empty")
    assert emptied.code == 0, emptied.out
    assert titles(portal) == {}


def test_a_saved_plan_is_stale_once_the_project_changes(cli, workdir: Path, portal: PortalClient) -> None:
    project(workdir, "project: gis\nowner: publisher\n")
    assert cli("publisher", "plan", "--out", "plan.json").code == 0
    project(workdir, "project: other\nowner: publisher\n")
    stale = cli("publisher", "apply", "plan.json")
    assert stale.code == 1 and "plan is stale, run plan again: the plan was made for the ownership mark " \
        "'[reconciler:gis] '" in stale.err
    assert titles(portal) == {}


def test_a_malformed_portal_url_is_an_error_at_its_line_not_a_traceback(run: Run, workdir: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    project(workdir, "project: gis\nenvironments:\n  p: {portal: 'http://[::1', username: u}\n")
    monkeypatch.setenv("RECONCILER_PASSWORD", "x")
    result = run("plan", "-e", "p")
    assert result.code == 1 and "reconciler.yaml:3:15: environments.p.portal: is not a valid URL" in result.err
    flag = run("plan", "--portal", "http://[::1")
    assert flag.code == 1 and "is not a valid URL" in flag.err


def test_no_delete_never_claims_the_portal_matches(cli, workdir: Path) -> None:
    project(workdir, "project: gis\nowner: publisher\n")
    assert cli("publisher", "apply", "--auto-approve").code == 0
    (workdir / "tasks.d" / "nightly-buffer.yaml").unlink()
    held = cli("publisher", "apply", "--auto-approve", "--no-delete")
    assert held.code == 0
    assert f"No changes planned, but 1 task still differs from tasks.d, held back by --no-delete: {BUFFER}." \
        in held.lines, held.out
    assert "The portal matches tasks.d" not in held.out
