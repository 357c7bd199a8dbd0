"""Issue 16: plans say exactly what happens (reasons, tasks that stay as they are)."""

from __future__ import annotations

from dataclasses import replace

from reconciler.planning.planner import make_plan
from reconciler.render import render
from tests.planning.conftest import options, remote, remote_of, spec, state


def test_a_paused_task_on_remove_disable_leaves_alone_is_listed_not_lost() -> None:
    gone = remote("[reconciler] old", id="t9", active=False, task_state="paused")
    plan = make_plan([spec()], state(remote_of(spec()), gone), options(on_remove="disable"))
    assert plan.is_empty and plan.retired == ("old",) and plan.unchanged == ("nightly",)
    text = render(plan, "text")
    assert "1 task not declared in tasks.d stays disabled (on_remove: disable): old." in text.splitlines()
    assert "1 task not declared in tasks.d stays disabled (on_remove: disable): old." in render(plan, "markdown")


def test_an_active_task_is_disabled_not_retired_and_delete_retires_nothing() -> None:
    gone = remote("[reconciler] old", id="t9")
    disabled = make_plan([spec()], state(remote_of(spec()), gone), options(on_remove="disable"))
    assert disabled.retired == () and len(disabled.changes) == 1
    paused = replace(gone, active=False, task_state="paused")
    deleted = make_plan([spec()], state(remote_of(spec()), paused), options())
    assert deleted.retired == () and deleted.changes[0].name == "old"


def test_a_task_that_merely_carries_the_mark_is_not_declared_rather_than_removed() -> None:
    plan = make_plan([spec()], state(remote_of(spec()), remote("[reconciler] hand-made", id="t9")), options())
    assert plan.changes[0].reason == "not declared in tasks.d; deleting erases the task's run history"


def test_a_blocked_change_says_one_thing() -> None:
    from reconciler.model import RemoteRun

    run = RemoteRun(run_id="r1", task_id="t1", status="executing", result="", url="", created=1894017600000, updated=None)
    s = spec('schedule: "0 0 3 * * ?"\n')
    plan = make_plan([s], state(remote_of(spec()), runs={"t1": (run,)}), options())
    lines = [line.strip() for line in render(plan, "text").splitlines() if "a run is" in line]
    assert lines == ["# BLOCKED: a run is executing (started 2030-01-07T12:00:00Z); pass --allow-active-runs to update "
                     "the task during it (apply skips this change)"]


def test_a_task_created_paused_says_it_will_not_fire_and_a_create_has_no_before_and_after() -> None:
    lines = render(make_plan([spec("enabled: false\n")], state(), options()), "text").splitlines()
    assert "+ nightly (owner alice) will be created paused (enabled: false): it will not fire" in lines
    at = lines.index("    next fire times (UTC), were it enabled:")
    assert lines[at + 1] == "      Tue 2030-01-08T02:30:00Z, Wed 2030-01-09T02:30:00Z, Thu 2030-01-10T02:30:00Z"
    markdown = render(make_plan([spec("enabled: false\n")], state(), options()), "markdown")
    assert "- nightly (owner alice) will be created paused (enabled: false): it will not fire." in markdown
    assert "| Next fire times (UTC) if enabled | Time |" in markdown


def test_warnings_and_errors_in_a_change_are_not_marked_like_a_disable() -> None:
    lines = render(make_plan([spec("max_occurrences: 2\n")], state(), options()), "text").splitlines()
    items = [line.strip() for line in lines if "warning:" in line or "error:" in line]
    assert items and all(line.startswith(("* warning: ", "x error: ")) for line in items), items
