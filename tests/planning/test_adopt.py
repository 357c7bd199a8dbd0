"""adopt_id (written by reconciler import): the declared task takes the portal task it names,
and never creates a second one beside a task it cannot take."""

from __future__ import annotations

from reconciler.model import Severity
from reconciler.planning.plan import Action
from reconciler.planning.planner import make_plan
from tests.planning.conftest import options, remote, spec, state


def test_a_hand_made_task_is_adopted_by_a_title_update() -> None:
    plan = make_plan([spec("adopt_id: h1\n")], state(remote("Nightly by hand", id="h1")), options())
    (change,) = plan.changes
    assert (change.actions, change.task_id) == ((Action.UPDATE,), "h1")
    assert [(f.path, f.after) for f in change.fields] == [("title", "[reconciler] nightly")]


def test_renaming_an_adopted_task_renames_it_in_place() -> None:
    adopted = remote("[reconciler] nightly", id="h1")
    plan = make_plan([spec("name: nightly-parcels\nadopt_id: h1\n")], state(adopted), options())
    (change,) = plan.changes
    assert (change.actions, change.task_id, change.reason) == ((Action.UPDATE,), "h1", "renamed from nightly (adopt_id)")
    assert not any(c.action in (Action.CREATE, Action.DELETE) for c in plan.changes)


def test_an_id_that_names_no_visible_task_is_an_error_not_a_create() -> None:
    plan = make_plan([spec("adopt_id: gone\n")], state(remote("Something else", id="h2")), options())
    assert not [c for c in plan.changes if c.action == Action.CREATE]
    (error,) = [d for d in plan.diagnostics if d.severity == Severity.ERROR]
    assert "adopt_id gone of nightly names no task" in error.message and "nothing is created" in error.message


def test_another_owners_or_another_projects_task_is_not_taken() -> None:
    theirs = remote("Nightly by hand", id="h1", owner="bob")
    other = remote("[reconciler:other] nightly", id="h2")
    for task, words in ((theirs, "names a task of bob, not alice"), (other, "marked by project other")):
        plan = make_plan([spec(f"adopt_id: {task.id}\n")], state(task), options())
        assert not [c for c in plan.changes if c.action == Action.CREATE]
        assert any(d.severity == Severity.ERROR and words in d.message for d in plan.diagnostics), words


def test_a_stale_id_beside_a_task_matched_by_name_is_a_warning() -> None:
    plan = make_plan([spec("adopt_id: h9\n")], state(remote("[reconciler] nightly", id="t1"),
                                                     remote("By hand", id="h9")), options())
    assert all(c.task_id != "h9" for c in plan.changes)
    assert any(d.severity == Severity.WARNING and "names h9, not the task nightly is (t1)" in d.message
               for d in plan.diagnostics)
