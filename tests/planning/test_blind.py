"""What the planner leaves alone when the portal could not be read completely."""

from __future__ import annotations

from dataclasses import replace

from reconciler.model import Severity, UnreadableTask
from reconciler.planning.planner import make_plan, tasks_needing_runs
from tests.planning.conftest import ADMIN, options, remote, remote_of, spec, state


def _errors(plan) -> list[str]:
    return [d.message for d in plan.diagnostics if d.severity is Severity.ERROR]


def test_an_owner_whose_listing_is_incomplete_gets_nothing_planned() -> None:
    mine, theirs = spec(name="mine"), spec(name="theirs", owner="bob")
    found = state(user=ADMIN, incomplete={"bob": "2 tasks read of the 3 the portal announced"})
    plan = make_plan([mine, theirs], found, options())
    assert [(c.name, c.owner) for c in plan.changes] == [("mine", "alice")]
    assert _errors(plan) == ["the task listing of bob is incomplete (2 tasks read of the 3 the portal announced): "
                             "nothing is planned for bob"]


def test_an_incomplete_organization_listing_plans_nothing_at_all() -> None:
    plan = make_plan([spec()], state(incomplete={"": "the total changed from 3 to 4 while the list was read"}),
                     options())
    assert plan.changes == ()
    assert _errors(plan) == ["the organization's task listing is incomplete (the total changed from 3 to 4 while "
                             "the list was read): nothing is planned"]


def test_an_unreadable_managed_task_blocks_only_its_name() -> None:
    nightly, weekly = spec(name="nightly"), spec(name="weekly")
    broken = UnreadableTask(id="t9", title="[reconciler] nightly", owner="alice", reason="task t9 has nothing in `x`")
    found = replace(state(remote("[reconciler] gone", id="t2")), unreadable=(broken,))
    plan = make_plan([nightly, weekly], found, options())
    assert sorted((c.name, c.action.value) for c in plan.changes) == [("gone", "delete"), ("weekly", "create")]
    assert _errors(plan) == ["task t9 has nothing in `x`; it carries the ownership mark, so nothing is planned for "
                             "nightly"]


def test_an_unreadable_task_without_a_title_blocks_its_owner_or_everything() -> None:
    untitled = UnreadableTask(id="t9", title=None, owner="alice", reason="task t9 has nothing in `title`")
    plan = make_plan([spec()], replace(state(), unreadable=(untitled,)), options())
    assert plan.changes == () and len(_errors(plan)) == 1
    ownerless = replace(untitled, owner=None)
    found = replace(state(user=ADMIN), unreadable=(ownerless,))
    assert make_plan([spec(owner="bob")], found, options()).changes == ()


def test_an_unreadable_unmanaged_task_is_a_warning() -> None:
    task = spec()
    hand_made = UnreadableTask(id="u1", title="Hand-made", owner="alice", reason="task u1 has nothing in `x`")
    found = replace(state(remote_of(task)), unreadable=(hand_made,))
    plan = make_plan([task], found, options())
    assert plan.changes == () and not plan.errors
    assert [w.message for w in plan.warnings] == ["task u1 has nothing in `x`; it is not managed and is left alone"]


def test_runs_are_not_read_for_what_is_hidden() -> None:
    task = spec()
    found = replace(state(replace(remote_of(task), parameters_json="{}")), incomplete={"alice": "x"})
    assert tasks_needing_runs([task], found, options()) == ()
