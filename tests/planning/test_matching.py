"""Matching by (owner, name): renames, owner moves, duplicate managed titles."""

from __future__ import annotations

from dataclasses import replace

from reconciler.planning.plan import Action, FieldChange
from reconciler.planning.planner import make_plan
from tests.planning.conftest import ADMIN, options, remote, remote_of, spec, state


def test_rename_is_a_title_update_not_delete_and_create() -> None:
    s = spec("previous_names: [old-nightly]\n")
    plan = make_plan([s], state(remote("[reconciler] old-nightly", id="t7")), options())
    (change,) = plan.changes
    assert change.actions == (Action.UPDATE,) and change.task_id == "t7"
    assert change.fields == (
        FieldChange(path="title", before="[reconciler] old-nightly", after="[reconciler] nightly"),
    )
    assert change.reason == "renamed from old-nightly"


def test_rename_when_new_name_exists_deletes_the_old_one() -> None:
    s = spec("previous_names: [old-nightly]\n")
    tasks = (remote_of(s, id="t1"), remote("[reconciler] old-nightly", id="t7"))
    plan = make_plan([s], state(*tasks), options())
    (change,) = plan.changes
    assert (change.action, change.name, change.task_id) == (Action.DELETE, "old-nightly", "t7")
    assert change.reason == "previous name of nightly, which exists already; deleting erases the task's run history"
    assert plan.unchanged == ("nightly",)


def test_owner_move_is_delete_on_one_and_create_on_the_other() -> None:
    s = spec("owner: bob\n")
    plan = make_plan([s], state(remote_of(s, owner="alice", id="t1"), user=ADMIN), options())
    delete, create = sorted(plan.changes, key=lambda c: c.action.value != "delete")
    assert (delete.owner, delete.action, delete.task_id) == ("alice", Action.DELETE, "t1")
    assert delete.reason == "moving to bob; deleting erases the task's run history"
    assert (create.owner, create.actions) == ("bob", (Action.CREATE, Action.ENABLE))
    assert create.reason == "moved from alice; created paused, enabled once the old copy is deleted"
    assert create.desired is not None and create.desired.active is False
    assert not plan.errors


def test_an_owner_move_deletes_the_old_copy_whatever_on_remove_says() -> None:
    """A move is not a removal: a paused old copy left behind would be a second copy for ever,
    and a disable that failed would leave two active copies."""
    s = spec("owner: bob\n")
    plan = make_plan([s], state(remote_of(s, owner="alice"), user=ADMIN), options(on_remove="disable"))
    assert sorted((c.owner, c.action.value) for c in plan.changes) == [("alice", "delete"), ("bob", "create")]
    assert next(c for c in plan.changes if c.owner == "alice").waits_for == ("nightly", "bob")


def test_with_no_delete_a_task_does_not_move() -> None:
    s = spec("owner: bob\n")
    plan = make_plan([s], state(remote_of(s, owner="alice"), user=ADMIN), options(no_delete=True))
    assert plan.changes == ()
    assert [w.message for w in plan.warnings] == [
        "not moving nightly to bob (--no-delete): a move deletes the old copy, so the task stays where it is"]


def test_task_already_under_new_owner_deletes_the_stale_copy() -> None:
    s = spec("owner: bob\n")
    tasks = (remote_of(s, owner="bob", id="t2"), remote_of(s, owner="alice", id="t1"))
    plan = make_plan([s], state(*tasks, user=ADMIN), options())
    (change,) = plan.changes
    assert (change.owner, change.action, change.task_id) == ("alice", Action.DELETE, "t1")
    assert plan.unchanged == ("nightly",)


def test_identical_duplicates_heal_the_newer_copies_go_the_oldest_stays() -> None:
    s = spec('schedule: "0 0 5 * * ?"\n')
    first = remote_of(s, id="t9")
    tasks = (replace(first, id="t2", created=300), replace(first, created=100), replace(first, id="t1", created=None))
    plan = make_plan([s], state(*tasks), options(on_remove="disable"))
    assert not plan.errors and plan.unchanged == ("nightly",)
    assert [(c.task_id, c.actions, c.duplicate_of) for c in plan.changes] == [
        ("t1", (Action.DELETE,), "t9"), ("t2", (Action.DELETE,), "t9")]
    assert plan.changes[0].reason.startswith("duplicate of t9, identical in every managed field")


def test_duplicates_that_differ_are_an_error_naming_the_ids_and_fields() -> None:
    s = spec('schedule: "0 0 5 * * ?"\n')
    tasks = (remote("[reconciler] nightly", id="t2"), remote("[reconciler] nightly", id="t1", max_occurrences=3,
                                                              active=False))
    plan = make_plan([s], state(*tasks), options())
    assert plan.is_empty and plan.unchanged == ()
    (error,) = plan.errors
    assert error.message == ("2 portal tasks of alice carry the managed title '[reconciler] nightly' and differ in "
                             "max_occurrences, enabled: t1, t2")
    assert "tasks/<id>/delete" in (error.hint or "")
    assert (error.name, error.owner) == ("nightly", "alice")


def test_differing_duplicates_without_a_spec_are_not_deleted() -> None:
    tasks = (remote("[reconciler] gone", id="t2"), remote("[reconciler] gone", id="t1", max_occurrences=1),
             remote_of(spec()))
    plan = make_plan([spec()], state(*tasks), options())
    assert plan.is_empty and len(plan.errors) == 1


def test_identical_duplicates_are_kept_under_no_delete_with_a_warning() -> None:
    s = spec()
    tasks = (remote_of(s, id="t1"), remote_of(s, id="t2"))
    plan = make_plan([s], state(*tasks), options(no_delete=True))
    assert plan.is_empty and any("not deleting nightly" in w.message for w in plan.warnings)


def test_same_name_under_two_owners_is_two_tasks() -> None:
    a, b = spec(name="x"), spec(name="x", owner="bob")
    # names are unique per folder (the loader checks), but matching itself is per owner
    plan = make_plan([a], state(remote_of(a, owner="alice", id="t1"), remote_of(b, owner="bob", id="t2")), options())
    assert [(c.owner, c.action.value) for c in plan.changes] == [("bob", "delete")]


def test_spec_owner_defaults_to_the_default_owner() -> None:
    s = spec()
    plan = make_plan([s], state(remote_of(s, owner="carol")), options(default_owner="carol"))
    assert plan.unchanged == ("nightly",) and plan.owner == "carol"


def test_a_title_whose_name_ends_in_a_newline_is_not_managed() -> None:
    # The loader refuses the name "abc\n" (taskrules.is_task_name), so no spec can own this title.
    stray = remote("[reconciler] abc\n", id="t7")
    plan = make_plan([], state(stray), options(allow_empty=True))
    assert plan.changes == () and [u.id for u in plan.unmanaged] == ["t7"]
    (warning,) = plan.warnings
    assert "t7" in warning.message and "is not a task name" in warning.message
    assert make_plan([spec(name="abc")], state(stray), options()).changes[0].action is Action.CREATE


def test_a_hand_edited_managed_title_is_left_alone_with_a_warning() -> None:
    s = spec(name="mover")
    edited = remote("[reconciler] mover (edited)", id="t5")
    plan = make_plan([s], state(edited), options())
    assert [(c.action, c.name) for c in plan.changes] == [(Action.CREATE, "mover")]
    assert [u.id for u in plan.unmanaged] == ["t5"]
    (warning,) = plan.warnings
    assert warning.message == (
        "portal task t5 of alice carries the ownership mark but its title '[reconciler] mover (edited)' "
        "is not a task name (edited on the portal?); it is left alone"
    )
    assert warning.hint == (
        "to manage it again, rename it on the portal back to '[reconciler] ' followed by its task's name; "
        "or remove the mark from its title to leave it unmanaged and silence this warning"
    )
    assert (warning.name, warning.owner) == (None, "alice")


def test_a_valid_name_without_a_task_file_stays_managed() -> None:
    plan = make_plan([], state(remote("[reconciler] v2.0_old-task", id="t5")), options(allow_empty=True))
    assert [(c.action, c.name) for c in plan.changes] == [(Action.DELETE, "v2.0_old-task")]
    assert not plan.warnings and not plan.unmanaged


def test_the_delete_of_a_moved_task_waits_for_its_create() -> None:
    s = spec("owner: bob\n")
    plan = make_plan([s], state(remote_of(s, owner="alice", id="t1"), user=ADMIN), options())
    delete = next(c for c in plan.changes if c.action is Action.DELETE)
    assert delete.waits_for == ("nightly", "bob")
    assert all(c.waits_for is None for c in plan.changes if c is not delete)


def test_the_delete_of_a_moved_and_renamed_task_waits_for_the_new_name() -> None:
    s = spec("owner: bob\nprevious_names: [old-nightly]\n")
    plan = make_plan([s], state(remote("[reconciler] old-nightly", owner="alice", id="t1"), user=ADMIN), options())
    assert sorted((c.owner, c.name, c.action.value, c.waits_for) for c in plan.changes) == [
        ("alice", "old-nightly", "delete", ("nightly", "bob")),
        ("bob", "nightly", "create", None),
    ]


def test_plain_removals_wait_for_nothing() -> None:
    s = spec("previous_names: [old-nightly]\n")
    tasks = (remote_of(s, id="t1"), remote("[reconciler] old-nightly", id="t7"), remote("[reconciler] gone", id="t8"))
    plan = make_plan([s], state(*tasks), options())
    assert [(c.name, c.waits_for) for c in plan.changes] == [("gone", None), ("old-nightly", None)]


def test_a_move_counts_once_against_the_new_owners_quota() -> None:
    from reconciler.planning.quota import quota

    s = spec("owner: bob\n")
    plan = make_plan([s], state(remote_of(s, owner="alice", id="t1"), user=ADMIN), options())
    create = next(c for c in plan.changes if c.owner == "bob")
    assert quota([(create, None)], state(active_tasks_available={"bob": 0})) != [], "created paused, then enabled"
    assert quota([(create, None)], state(active_tasks_available={"bob": 1})) == []
