"""Checks before anything is proposed, and reviewer warnings."""

from __future__ import annotations

from dataclasses import replace

import pytest

from reconciler.model import FederatedServer, GPParameter, GPTaskInfo, PortalUser, RemoteRun, Severity
from reconciler.planning.plan import Action
from reconciler.planning.planner import make_plan, tasks_needing_runs
from tests.planning.conftest import ADMIN, BUFFER_URL, PUBLISHER, options, remote, remote_of, spec, state

INPUT = "esriGPParameterDirectionInput"
BUFFER = GPTaskInfo(
    url=BUFFER_URL,
    name="Buffer",
    execution_type="esriExecutionTypeAsynchronous",
    parameters=(
        GPParameter(name="in_features", data_type="GPFeatureRecordSetLayer", direction=INPUT, required=True,
                    default_json="null"),
        GPParameter(name="distance", data_type="GPLinearUnit", direction=INPUT, required=True, default_json='{"distance":5}'),
        GPParameter(name="dissolve", data_type="GPString", direction=INPUT, required=False, default_json='"NONE"',
                    choices=("NONE", "ALL")),
        GPParameter(name="out", data_type="GPFeatureRecordSetLayer", direction="esriGPParameterDirectionOutput",
                    required=False, default_json="null"),
    ),
)


def messages(plan, severity=Severity.ERROR):
    return [d.message for d in plan.diagnostics if d.severity is severity]


def test_missing_privileges() -> None:
    viewer = PortalUser(username="alice", role="org_user", privileges=("portal:user:createItem",))
    plan = make_plan([spec()], state(user=viewer), options())
    assert messages(plan) == [
        "signed-in user alice lacks privileges needed to schedule geoprocessing services: "
        "portal:publisher:publishFeatures, premium:user:featureanalysis"
    ]
    (error,) = plan.errors
    assert (error.name, error.owner, str(error.source)) == ("nightly", "alice", "tasks.d/t.yaml:1:1")


def test_admins_pass_privileges_and_may_manage_other_owners() -> None:
    assert not make_plan([spec("owner: bob\n")], state(user=ADMIN), options()).errors


def test_other_owner_needs_an_admin() -> None:
    plan = make_plan([spec("owner: bob\n")], state(user=PUBLISHER), options())
    assert messages(plan) == ["signed-in user alice cannot manage tasks of bob: only an administrator can"]


def test_other_owner_delete_needs_an_admin_too() -> None:
    plan = make_plan([spec()], state(remote_of(spec()), remote("[reconciler] x", id="t2", owner="bob")), options())
    assert messages(plan) == ["signed-in user alice cannot manage tasks of bob: only an administrator can"]


def test_unchanged_tasks_are_not_checked() -> None:
    s = spec()
    assert make_plan([s], state(remote_of(s), federated_servers=()), options()).diagnostics == ()


def test_task_url_not_federated() -> None:
    url = "https://other.example.com/server/rest/services/Tools/Buffer/GPServer/Buffer"
    s = spec(f"task_url: {url}\n")
    plan = make_plan([s], state(gp_tasks={url: None}), options())  # as snapshot leaves it: never requested
    (error,) = plan.errors
    assert error.message == (
        "task_url is not on a server federated with the portal: "
        "https://other.example.com/server/rest/services/Tools/Buffer/GPServer/Buffer"
    )
    assert error.hint == "federated servers: https://gis.example.com/server"


def test_loopback_names_are_one_host_but_ports_differ() -> None:
    local = (FederatedServer(id="s", name="e", url="http://127.0.0.1:8080/server", admin_url=None,
                             server_role=None, server_function=None),)
    ok = spec("task_url: http://localhost:8080/server/rest/services/Tools/Buffer/GPServer/Buffer\n")
    assert not make_plan([ok], state(federated_servers=local), options()).errors
    bad = spec("task_url: http://localhost:9090/server/rest/services/Tools/Buffer/GPServer/Buffer\n")
    assert len(make_plan([bad], state(federated_servers=local), options()).errors) == 1


def test_on_federated_server_is_the_public_rule() -> None:
    # reconciler.portal.snapshot reads a GP task only where this holds, so the two can never disagree.
    from reconciler.planning.checks import on_federated_server

    local = (FederatedServer(id="s", name="e", url="http://127.0.0.1:8080/server", admin_url=None,
                             server_role=None, server_function=None),)
    assert on_federated_server("http://localhost:8080/server/rest/services/T/GPServer/T", local)
    assert on_federated_server("https://127.0.0.1:8080/server/rest/services/T/GPServer/T", local)  # scheme not compared
    assert not on_federated_server("http://localhost:9090/server/rest/services/T/GPServer/T", local)
    assert not on_federated_server("http://127.0.0.1:8080/server2/rest/services/T/GPServer/T", local)
    assert not on_federated_server("http://127.0.0.1:8080/server/x", ())
    https = (replace(local[0], url="https://gis.example.com/server"),)
    assert on_federated_server("https://GIS.example.com:443/server/rest/services/T/GPServer/T", https)  # default port
    assert not on_federated_server("https://gis.example.com/server", (replace(local[0], url=""),))


def test_server_path_must_be_a_prefix_by_segment() -> None:
    s = spec("task_url: https://gis.example.com/server2/rest/services/Tools/Buffer/GPServer/Buffer\n")
    assert len(make_plan([s], state(), options()).errors) == 1


def test_gp_task_not_found() -> None:
    plan = make_plan([spec()], state(gp_tasks={BUFFER_URL: None}), options())
    assert messages(plan) == [f"GP task not found: {BUFFER_URL}"]


def test_parameters_against_the_service() -> None:
    s = spec("parameters:\n  distanse: 5\n  dissolve: SOME\n")
    plan = make_plan([s], state(gp_tasks={BUFFER_URL: BUFFER}), options())
    assert sorted(messages(plan)) == [
        "parameter 'dissolve': 'SOME' is not one of the service's choices",
        "parameter 'distanse' is not an input of GP task Buffer",
        "required parameter 'in_features' of GP task Buffer is missing",
    ]
    hints = {d.message.split("'")[1]: d.hint for d in plan.errors}
    assert hints["distanse"] == "did you mean 'distance'?"
    assert hints["dissolve"] == "choose one of: NONE, ALL"


def test_matching_parameters_pass() -> None:
    s = spec("parameters:\n  in_features: {url: x}\n  dissolve: ALL\n")
    assert not make_plan([s], state(gp_tasks={BUFFER_URL: BUFFER}), options()).errors


def test_secret_values_never_appear_in_messages() -> None:
    s = spec("parameters:\n  in_features: {url: x}\n  dissolve: ${secret:D}\n", variables={"D": "hunter2"})
    plan = make_plan([s], state(gp_tasks={BUFFER_URL: BUFFER}), options())
    assert messages(plan) == ["parameter 'dissolve': '(secret)' is not one of the service's choices"]


def test_a_portal_stating_a_release_before_11_2_refuses_gp_service_tasks() -> None:
    from reconciler.model import PortalVersion

    old = PortalVersion(current="10.3", enterprise="11.1.0", source="portaladmin/info")
    (error,) = make_plan([spec()], state(version=old), options()).errors
    assert error.message == ("the portal is ArcGIS Enterprise 11.1.0 (its portaladmin/info); scheduling GP services "
                             "needs 11.2 or later")
    unknown = PortalVersion(current="2023.3", enterprise=None, source="sharing/rest")
    for version in (unknown, PortalVersion(current="2024.1", enterprise="11.3.0", source="sharing/rest")):
        assert make_plan([spec()], state(version=version), options()).errors == (), "never refused on a guess"


def test_an_execute_report_task_is_refused_on_a_portal_stating_an_enterprise_release() -> None:
    from reconciler.model import PortalVersion
    from reconciler.taskfiles.loader import load_text
    from tests.planning.conftest import NOW

    (s,), problems, _ = load_text("name: report\ntype: ExecuteReport\nitem_id: 0123456789abcdef0123456789abcdef\n"
                                  "parameters: {report: x}\nschedule: 0 0 2 * * ?\n", "t.yaml", variables={}, now=NOW)
    assert problems == []
    enterprise = PortalVersion(current="2024.1", enterprise="11.3.0", source="sharing/rest")
    (error,) = make_plan([s], state(version=enterprise), options()).errors
    assert error.message == "ExecuteReport tasks are for ArcGIS Online only; this portal is ArcGIS Enterprise 11.3.0"
    unstated = PortalVersion(current="2024.1", enterprise=None, source="sharing/rest")
    assert make_plan([s], state(version=unstated), options()).errors == ()


def test_a_system_service_is_scheduled_by_an_administrator_only() -> None:
    url = "https://gis.example.com/server/rest/services/System/SpatialAnalysisTools/GPServer/CreateBuffers"
    plan = make_plan([spec(f"task_url: {url}\n")], state(), options())
    assert [e.message for e in plan.errors] == [f"{url} is a System service, which only an administrator may "
                                                "schedule (signed in as alice)"]
    assert make_plan([spec(f"task_url: {url}\n")], state(user=ADMIN), options()).errors == ()


def test_quota_exceeded() -> None:
    specs = [spec(name="a"), spec(name="b"), spec(name="c")]
    plan = make_plan(specs, state(active_tasks_available={"alice": 2}), options())
    (error,) = plan.errors
    assert error.message == "alice would have 3 more active tasks, but the portal allows only 2 more (activeTasksAvailable)"
    assert error.owner == "alice" and error.name is None


def test_an_administrator_is_checked_against_the_limits_by_type_user_and_organization() -> None:
    held = [remote(f"[reconciler] held-{i}", id=f"h{i}") for i in range(2)]
    limits = {"GPServiceUserLimit": 3, "GPServiceOrgLimit": 10}
    two_more = [spec(name="a"), spec(name="b"), *(spec(name=f"held-{i}") for i in range(2))]
    plan = make_plan(two_more, state(*held, user=ADMIN, limits=limits, org_active={"GPService": 2},
                                     active_tasks_available={"alice": 99}), options())
    (error,) = plan.errors
    assert error.message == "alice would have 4 active GPService tasks, but GPServiceUserLimit allows 3"
    assert '"limitName": "GPServiceUserLimit"' in (error.hint or "")
    org = make_plan(two_more, state(*held, user=ADMIN, limits={**limits, "GPServiceUserLimit": 9},
                                    org_active={"GPService": 9}), options())
    assert [e.message for e in org.errors] == ["the organization would have 11 active GPService tasks, but "
                                               "GPServiceOrgLimit allows 10"]
    room = make_plan(two_more, state(*held, user=ADMIN, limits={**limits, "GPServiceUserLimit": 4},
                                     org_active={"GPService": 2}), options())
    assert room.errors == ()


def test_quota_counts_disables_and_deletes() -> None:
    specs = [spec(name="a"), spec(name="b"), spec(name="c", enabled=False)]
    tasks = (remote_of(spec(name="c")), remote("[reconciler] gone", id="t9"))
    plan = make_plan(specs, state(*tasks, active_tasks_available={"alice": 0}), options())
    assert not plan.errors


def test_fires_more_often_than_every_15_minutes() -> None:
    plan = make_plan([spec('schedule: "0 0,50 * * * ?"\n')], state(user=ADMIN), options())
    assert messages(plan, Severity.WARNING) == [
        "the schedule fires as often as every 10 minutes, more often than every 15 minutes"
    ]
    assert not make_plan([spec('schedule: "0 0/15 * * * ?"\n')], state(user=ADMIN), options()).warnings
    assert not make_plan([spec('schedule: "0 0,50 2 * * ?"\n')], state(user=ADMIN), options()).warnings


def test_end_within_30_days() -> None:
    plan = make_plan([spec('end: "2030-01-20T00:00:00Z"\n')], state(user=ADMIN), options())
    assert messages(plan, Severity.WARNING) == ["end 2030-01-20T00:00:00Z stops the task within 30 days"]
    assert not make_plan([spec('end: "2030-03-20T00:00:00Z"\n')], state(user=ADMIN), options()).warnings


def test_max_occurrences_within_30_days() -> None:
    plan = make_plan([spec("max_occurrences: 10\n")], state(user=ADMIN), options())
    assert messages(plan, Severity.WARNING) == [
        "max_occurrences 10 stops the task within 30 days (its last run at 2030-01-17T02:30:00Z)"
    ]
    assert not make_plan([spec("max_occurrences: 40\n")], state(user=ADMIN), options()).warnings


def test_max_occurrences_on_a_frequent_schedule_stays_cheap() -> None:
    s = spec('schedule: "0 * * * * ?"\nmax_occurrences: 40000\n')
    found = messages(make_plan([s], state(), options()), Severity.WARNING)
    assert "max_occurrences 40000 may stop the task within 30 days (1000 runs by 2030-01-08T04:40:00Z)" in found


def failed_run(result: str) -> RemoteRun:
    return RemoteRun(run_id="r2", task_id="t1", status="failed", result=result, url="", created=1893931200000, updated=None)


@pytest.mark.parametrize("stopped", ["disabled", "failed", "Failed", "DISABLED", "inactive"])
def test_auto_disabled_task_is_enabled_with_the_last_error(stopped: str) -> None:
    s = spec()
    gone = replace(remote_of(s, active=False, task_state=stopped), last_start=1893931200000)
    runs = {"t1": (failed_run("ERROR 000732: Input Features does not exist"),)}
    assert tasks_needing_runs([s], state(gone), options()) == ("t1",)
    plan = make_plan([s], state(gone, runs=runs), options())
    assert plan.changes[0].actions == (Action.ENABLE,)
    (warning,) = plan.warnings
    assert warning.message == (
        f"the portal stopped this task (taskState {stopped}) after repeated failed runs; "
        "last failed run (2030-01-06T12:00:00Z): ERROR 000732: Input Features does not exist"
    )


def test_completed_task_is_not_re_enabled_unchanged() -> None:
    s = spec("max_occurrences: 100\n")
    done = remote_of(s, active=False, task_state="completed")
    plan = make_plan([s], state(done), options())
    assert plan.is_empty
    assert messages(plan, Severity.WARNING) == [
        "the portal completed this task (max_occurrences or end reached); it stays inactive"
    ]


def test_completed_task_is_re_enabled_with_a_new_limit() -> None:
    done = remote_of(spec("max_occurrences: 100\n"), active=False, task_state="completed")
    plan = make_plan([spec("max_occurrences: 200\n")], state(done), options())
    change = plan.changes[0]
    assert change.actions == (Action.UPDATE, Action.ENABLE) and change.desired is not None and change.desired.active


def test_completed_task_with_other_update_stays_inactive() -> None:
    done = remote_of(spec("parameters: {a: 1}\n"), active=False, task_state="completed")
    change = make_plan([spec("parameters: {a: 2}\n")], state(done), options()).changes[0]
    assert change.actions == (Action.UPDATE,) and change.desired is not None and not change.desired.active


def executing(status: str = "executing") -> RemoteRun:
    return RemoteRun(run_id="r1", task_id="t1", status=status, result="", url="", created=1894017600000, updated=None)


def test_active_run_blocks_update_and_delete() -> None:
    s = spec('schedule: "0 0 3 * * ?"\n')
    started = 1893931200000
    fresh = (remote_of(spec()), remote("[reconciler] old", id="t9"))
    assert tasks_needing_runs([s], state(*fresh), options()) == ("t1", "t9"), "no lastStart anywhere: no evidence"
    another = replace(remote("[reconciler] other", id="t5"), last_start=started)
    assert tasks_needing_runs([s, spec(name="other")], state(*fresh, another), options()) == (), \
        "the listing states lastStart: a task without one never started, so no run can be in flight"
    tasks = tuple(replace(t, last_start=started) for t in fresh)
    assert tasks_needing_runs([s], state(*tasks), options()) == ("t1", "t9")
    runs = {"t1": (executing(),), "t9": (executing("scheduled"),)}
    plan = make_plan([s], state(*tasks, runs=runs), options())
    blocked = {c.name: c.blocked for c in plan.changes}
    assert blocked == {
        "nightly": "a run is executing (started 2030-01-07T12:00:00Z); pass --allow-active-runs to update the task "
                   "during it",
        "old": "a run is scheduled (started 2030-01-07T12:00:00Z); pass --allow-active-runs to delete the task during it",
    }
    assert not [m for m in messages(plan, Severity.WARNING) if "a run is" in m]  # one message: the block
    allowed = make_plan([s], state(*tasks, runs=runs), options(allow_active_runs=True))
    assert all(c.blocked is None for c in allowed.changes)
    assert "a run is executing (started 2030-01-07T12:00:00Z); apply will update the task during it " \
        "(--allow-active-runs)" in messages(allowed, Severity.WARNING) and len(allowed.warnings) == 2


def test_an_active_run_does_not_block_a_disable() -> None:
    off = spec("enabled: false\n")
    tasks = (remote_of(spec()), remote("[reconciler] old", id="t9"))
    assert tasks_needing_runs([off], state(*tasks), options(on_remove="disable")) == ()
    runs = {"t1": (executing(),), "t9": (executing(),)}
    plan = make_plan([off], state(*tasks, runs=runs), options(on_remove="disable"))
    assert [(c.name, c.actions, c.blocked) for c in plan.changes] == [
        ("nightly", (Action.DISABLE,), None), ("old", (Action.DISABLE,), None)
    ]
    assert plan.diagnostics == ()


def test_an_active_run_blocks_an_update_that_also_disables() -> None:
    off = spec('schedule: "0 0 3 * * ?"\nenabled: false\n')
    plan = make_plan([off], state(remote_of(spec()), runs={"t1": (executing(),)}), options())
    (change,) = plan.changes
    assert change.actions == (Action.UPDATE, Action.DISABLE) and change.blocked is not None


def test_enable_and_create_need_no_runs() -> None:
    s = spec()
    assert tasks_needing_runs([s, spec(name="new")], state(remote_of(s, active=False)), options()) == ()


def test_finished_runs_do_not_block() -> None:
    s = spec('schedule: "0 0 3 * * ?"\n')
    done = replace(executing(), status="succeeded")
    plan = make_plan([s], state(remote_of(spec()), runs={"t1": (done,)}), options())
    assert plan.changes[0].blocked is None and plan.diagnostics == ()


def test_a_non_administrator_that_sees_none_of_the_project_is_told_what_it_cannot_see() -> None:
    created = make_plan([spec("")], state(), options())
    assert [w.message for w in created.warnings] == [
        "signed in as alice, not an administrator, and none of this project's tasks is visible: this plan "
        "creates 1; copies of them under another owner (an earlier owner:, or applies before the owner was "
        "pinned) cannot be seen from this account and would keep running beside the new ones"]
    assert not make_plan([spec("")], state(user=ADMIN), options()).warnings, "an administrator sees every owner"
    one = spec("")
    known = make_plan([one, spec("name: second\n")], state(remote_of(one)), options())
    assert not known.warnings, "the project is visible: not a first sight"


def test_next_fire_times_stop_at_end_and_at_max_occurrences() -> None:
    capped = make_plan([spec("max_occurrences: 1\n")], state(user=ADMIN), options())
    assert len(capped.changes[0].next_fires_after) == 1, "one run left: one fire time, not three"
    ending = make_plan([spec('end: "2030-01-09T12:00:00Z"\n')], state(user=ADMIN), options())
    assert ending.changes[0].next_fires_after and all(t <= "2030-01-09T12:00:00Z"
                                                      for t in ending.changes[0].next_fires_after)
    unbounded = make_plan([spec("")], state(user=ADMIN), options())
    assert len(unbounded.changes[0].next_fires_after) == 3
    assert len(ending.changes[0].next_fires_after) < 3
