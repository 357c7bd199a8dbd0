"""Every action kind, removal policies, the empty-set guard, ordering and fire times."""

from __future__ import annotations

from dataclasses import replace

from reconciler.model import Severity
from reconciler.planning.plan import Action, FieldChange
from reconciler.planning.planner import make_plan
from tests.planning.conftest import ADMIN, options, remote, remote_of, spec, state


def test_create_lists_set_fields_and_next_three_fire_times() -> None:
    plan = make_plan([spec("parameters:\n  distance: 5\nmax_occurrences: 400\n")], state(), options())
    (change,) = plan.changes
    assert change.actions == (Action.CREATE,) and change.task_id is None
    assert [f.path for f in change.fields] == [
        "title", "type", "schedule", "task_url", "parameters.distance", "max_occurrences", "enabled"
    ]
    assert all(f.before is None for f in change.fields)
    assert change.desired is not None and change.desired.title == "[reconciler] nightly"
    assert change.next_fires_after == ("2030-01-08T02:30:00Z", "2030-01-09T02:30:00Z", "2030-01-10T02:30:00Z")
    assert change.next_fires_before == ()
    assert plan.counts["create"] == 1 and not plan.errors


def test_create_fire_times_start_at_start() -> None:
    plan = make_plan([spec('start: "2030-03-01T02:30:00Z"\n')], state(), options())
    assert plan.changes[0].next_fires_after[0] == "2030-03-01T02:30:00Z"


def test_unchanged_task_is_named_not_listed() -> None:
    s = spec()
    plan = make_plan([s], state(remote_of(s)), options())
    assert plan.is_empty and plan.unchanged == ("nightly",) and plan.diagnostics == ()


def test_update_shows_schedule_before_and_after() -> None:
    s = spec('schedule: "0 0 3 * * ?"\n')
    plan = make_plan([s], state(remote("[reconciler] nightly")), options())
    (change,) = plan.changes
    assert change.actions == (Action.UPDATE,) and change.task_id == "t1"
    assert change.fields == (FieldChange(path="schedule", before="0 30 2 * * ?", after="0 0 3 * * ?"),)
    assert change.next_fires_before[0] == "2030-01-08T02:30:00Z"
    assert change.next_fires_after[0] == "2030-01-08T03:00:00Z"
    assert change.desired is not None and change.desired.schedule.hour == "3"


def test_a_completed_task_has_no_fire_times_before_its_new_schedule() -> None:
    s = spec('schedule: "0 0 3 * * ?"\n')
    done = remote("[reconciler] nightly", active=False, task_state="completed")
    (change,) = make_plan([s], state(done), options()).changes
    assert Action.UPDATE in change.actions and change.next_fires_before == ()
    assert change.next_fires_after[0] == "2030-01-08T03:00:00Z"


def test_before_fire_times_leave_out_the_occurrences_already_used() -> None:
    from reconciler.model import RemoteRun

    s = spec('schedule: "0 0 3 * * ?"\nmax_occurrences: 5\n')
    capped = remote("[reconciler] nightly", max_occurrences=5, created=1_000, updated=1_000)
    used = tuple(RemoteRun(run_id=f"r{i}", task_id="t1", status="succeeded", result="", url="",
                           created=10_000 + i, updated=None) for i in range(4))
    plan = make_plan([s], state(capped, runs={"t1": used}), options())
    (change,) = plan.changes
    assert change.next_fires_before == ("2030-01-08T02:30:00Z",), "one occurrence left"
    assert len(change.next_fires_after) == 3, "a new schedule counts again [I]"


def test_update_of_parameters_only_has_no_fire_times() -> None:
    s = spec("parameters:\n  distance: 5\n")
    plan = make_plan([s], state(remote_of(spec("parameters:\n  distance: 6\n"))), options())
    (change,) = plan.changes
    assert change.fields == (FieldChange(path="parameters.distance", before=6, after=5),)
    assert change.next_fires_before == () == change.next_fires_after


def test_each_field_kind_is_compared() -> None:
    s = spec('max_occurrences: 900\nstart: "2031-01-01T00:00:00Z"\nend: "2032-01-01T00:00:00Z"\nitem_id: 0123456789abcdef0123456789abcdef\n')
    plan = make_plan([s], state(remote("[reconciler] nightly", task_type="GPService")), options())
    paths = [f.path for f in plan.changes[0].fields]
    assert paths == ["item_id", "max_occurrences", "start", "end"]
    end = plan.changes[0].fields[-1]
    assert (end.before, end.after) == (None, "2032-01-01T00:00:00Z")


def test_disable_and_enable() -> None:
    off = spec("enabled: false\n")
    plan = make_plan([off], state(remote_of(off, active=True)), options())
    assert plan.changes[0].actions == (Action.DISABLE,) and plan.changes[0].desired is None
    on = spec()
    plan = make_plan([on], state(remote_of(on, active=False)), options())
    assert plan.changes[0].actions == (Action.ENABLE,)


def test_update_then_enable() -> None:
    s = spec('schedule: "0 0 3 * * ?"\n')
    plan = make_plan([s], state(remote("[reconciler] nightly", active=False, task_state="paused")), options())
    change = plan.changes[0]
    assert change.actions == (Action.UPDATE, Action.ENABLE)
    assert change.desired is not None and change.desired.active
    assert plan.counts == {"create": 0, "update": 1, "enable": 1, "disable": 0, "delete": 0, "unchanged": 0}


def test_removed_task_is_deleted_and_says_history_goes() -> None:
    plan = make_plan([spec()], state(remote_of(spec()), remote("[reconciler] old", id="t9")), options())
    (change,) = plan.changes
    assert (change.action, change.name, change.task_id) == (Action.DELETE, "old", "t9")
    assert change.reason == "not declared in tasks.d; deleting erases the task's run history"
    assert change.desired is None


def test_on_remove_disable_disables_instead() -> None:
    gone = remote("[reconciler] old", id="t9")
    plan = make_plan([spec()], state(remote_of(spec()), gone), options(on_remove="disable"))
    (change,) = plan.changes
    assert change.actions == (Action.DISABLE,) and change.task_id == "t9"
    assert change.reason == "not declared in tasks.d; disabling instead of deleting (on_remove: disable)"
    inactive = replace(gone, active=False, task_state="paused")
    assert make_plan([spec()], state(remote_of(spec()), inactive), options(on_remove="disable")).is_empty


def test_no_delete_skips_with_a_note() -> None:
    plan = make_plan([spec()], state(remote_of(spec()), remote("[reconciler] old", id="t9")), options(no_delete=True))
    assert plan.is_empty and not plan.errors
    (note,) = plan.warnings
    assert (note.message, note.name) == ("not deleting old (--no-delete)", "old")


def test_empty_tasks_folder_never_deletes_everything() -> None:
    tasks = (remote("[reconciler] a", id="t1"), remote("[reconciler] b", id="t2"))
    plan = make_plan([], state(*tasks), options())
    assert plan.is_empty
    (error,) = plan.errors
    assert error.message == "the task folder holds no tasks: refusing to delete all 2 managed tasks"
    assert error.hint == "pass --allow-empty to delete them all, or check that you pointed at the right folder"
    allowed = make_plan([], state(*tasks), options(allow_empty=True))
    assert [c.action for c in allowed.changes] == [Action.DELETE, Action.DELETE] and not allowed.errors


def test_empty_tasks_folder_with_no_delete_deletes_nothing_so_needs_no_guard() -> None:
    tasks = (remote("[reconciler] a", id="t1"), remote("[reconciler] b", id="t2"))
    plan = make_plan([], state(*tasks), options(no_delete=True))
    assert plan.is_empty and not plan.errors
    assert [w.message for w in plan.warnings] == ["not deleting a (--no-delete)", "not deleting b (--no-delete)"]


def test_empty_tasks_folder_with_on_remove_disable_guards_the_disables() -> None:
    tasks = (remote("[reconciler] a", id="t1"), remote("[reconciler] b", id="t2"),
             remote("[reconciler] c", id="t3", active=False, task_state="paused"))
    for no_delete in (False, True):
        plan = make_plan([], state(*tasks), options(on_remove="disable", no_delete=no_delete))
        assert plan.is_empty
        (error,) = plan.errors
        assert error.message == "the task folder holds no tasks: refusing to disable all 2 managed tasks"
        assert error.hint == "pass --allow-empty to disable them all, or check that you pointed at the right folder"
    allowed = make_plan([], state(*tasks), options(on_remove="disable", allow_empty=True))
    assert [c.action for c in allowed.changes] == [Action.DISABLE, Action.DISABLE] and not allowed.errors
    inactive = make_plan([], state(tasks[2]), options(on_remove="disable"))
    assert inactive.is_empty and not inactive.errors


def test_empty_folder_and_no_managed_tasks_is_fine() -> None:
    plan = make_plan([], state(remote("by hand", id="h1")), options())
    assert plan.is_empty and plan.diagnostics == ()


def test_unmanaged_tasks_are_listed_and_never_touched() -> None:
    hand = [remote("zeta by hand", id="h2"), remote("alpha by hand", id="h1", owner="bob"), remote("[other] x", id="h3")]
    plan = make_plan([spec()], state(*hand), options())
    assert [c.action for c in plan.changes] == [Action.CREATE]
    assert [(u.owner, u.title, u.id) for u in plan.unmanaged] == [
        ("alice", "[other] x", "h3"), ("alice", "zeta by hand", "h2"), ("bob", "alpha by hand", "h1")
    ]


def test_unmanaged_with_same_name_as_spec_is_not_matched() -> None:
    plan = make_plan([spec()], state(remote("nightly", id="h1")), options())
    assert plan.changes[0].action is Action.CREATE and len(plan.unmanaged) == 1


def test_custom_mark() -> None:
    s = spec()
    tasks = (remote("(gitops) nightly", id="t1"), remote("[reconciler] nightly", id="t2"))
    plan = make_plan([s], state(*tasks), options(mark="(gitops) "))
    assert plan.unchanged == ("nightly",) and [u.id for u in plan.unmanaged] == ["t2"]
    assert plan.mark == "(gitops) "


def test_changes_are_sorted_by_owner_name_action() -> None:
    specs = [spec(name="b"), spec(name="a"), spec(name="c", owner="aaron")]
    plan = make_plan(specs, state(remote("[reconciler] z", id="t9")), options())
    assert [(c.owner, c.name, c.action.value) for c in plan.changes] == [
        ("aaron", "c", "create"), ("alice", "a", "create"), ("alice", "b", "create"), ("alice", "z", "delete")
    ]


def test_plan_carries_options() -> None:
    plan = make_plan([], state(), options())
    assert (plan.portal, plan.owner, plan.mark) == ("emulator", "alice", "[reconciler] ")
    assert len(plan.observed) == 64 and len(plan.desired) == 64


def test_disabled_spec_created_inactive() -> None:
    plan = make_plan([spec("enabled: false\n")], state(), options())
    change = plan.changes[0]
    assert change.actions == (Action.CREATE,) and change.desired is not None and not change.desired.active


def test_errors_are_listed_before_warnings() -> None:
    specs = [spec('schedule: "0 */5 * * * ?"\n')]
    plan = make_plan(specs, state(federated_servers=(), user=ADMIN), options())
    assert [d.severity for d in plan.diagnostics] == [Severity.ERROR, Severity.WARNING]
