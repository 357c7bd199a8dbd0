"""`reconciler status`'s judgement of each task: failing, stopped, never run although due, paused."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from reconciler.instants import to_ms
from reconciler.model import RemoteRun
from reconciler.planning.health import assess
from reconciler.planning.planner import make_plan
from tests.planning.conftest import ADMIN, NOW, options, remote_of, spec, state


def health(*runs: RemoteRun, **over: Any):
    s = spec("")
    task = replace(remote_of(s, id="t1"), **over)
    plan = make_plan([s], state(task, user=ADMIN), options())
    (found,) = assess(plan, (task,), {"t1": "nightly"}, {"t1": runs}, now=NOW)
    return found


def run(status: str, hours_ago: float, run_id: str = "r") -> RemoteRun:
    at = to_ms(NOW - timedelta(hours=hours_ago))
    return RemoteRun(run_id=run_id, task_id="t1", status=status, result="", url="", created=at, updated=at)


def test_an_active_task_due_since_creation_that_never_ran_is_unhealthy() -> None:
    due = health(created=to_ms(NOW - timedelta(days=2)))
    assert due.problems == ("never run although due",)
    fresh = health(created=to_ms(NOW - timedelta(minutes=5)))
    assert fresh.healthy, "created after its last fire time: nothing was due"


def test_failures_count_from_the_newest_run_and_a_success_resets_them() -> None:
    failing = health(run("failed", 1, "a"), run("submitfailed", 25, "b"), run("succeeded", 49, "c"))
    assert failing.failures == 2 and failing.problems == ("the last 2 runs failed while the task is still active",)
    assert health(run("succeeded", 1, "a"), run("failed", 25, "b")).healthy


def test_a_paused_task_will_not_fire_but_says_when_it_would() -> None:
    paused = health(active=False, task_state="paused")
    assert paused.next_fire is None and paused.would_fire is not None and paused.healthy
    stopped = health(run("failed", 1), active=False, task_state="disabled")
    assert "stopped by the portal (taskState disabled) after failed runs" in stopped.problems


def test_runs_left_count_the_runs_the_portal_keeps() -> None:
    capped = health(run("succeeded", 1, "a"), run("skipped", 25, "b"), max_occurrences=5)
    assert capped.runs_left == 3, "a skipped run uses an occurrence too, as the emulator counts them [I]"
