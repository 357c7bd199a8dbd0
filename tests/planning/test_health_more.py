"""`reconciler status` after review: failure streaks across in-flight and skipped runs, runs left
after the portal restarted its occurrence count, due-ness of a task enabled late, and views where
a portal-disabled, drifted or missing task never looks paused or ok."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from typing import Any

from reconciler.instants import to_ms
from reconciler.masking import SECRET_MASK
from reconciler.model import RemoteRun
from reconciler.planning.health import TaskHealth, assess
from reconciler.planning.planner import make_plan
from reconciler.render import status as views
from tests.planning.conftest import ADMIN, NOW, options, remote_of, spec, state

# Daily at 02:30 UTC; NOW is 2030-01-07T12:00Z.
DAY = timedelta(days=1)


def ago(delta: timedelta) -> int | None:
    return to_ms(NOW - delta)


def run(status: str, hours_ago: float, run_id: str) -> RemoteRun:
    at = ago(timedelta(hours=hours_ago))
    return RemoteRun(run_id=run_id, task_id="t1", status=status, result="", url="", created=at, updated=at)


def health(*runs: RemoteRun, **over: Any) -> TaskHealth:
    s = spec("")
    task = replace(remote_of(s, id="t1"), **{"created": ago(30 * DAY), "updated": ago(30 * DAY), **over})
    plan = make_plan([s], state(task, user=ADMIN), options())
    (found,) = assess(plan, (task,), {"t1": "nightly"}, {"t1": runs}, now=NOW)
    return found


FOUR_FAILED = [run("failed", 24 * i + 10, f"f{i}") for i in range(1, 5)]


def test_an_executing_or_scheduled_newest_run_does_not_hide_four_failures() -> None:
    for in_flight in ("executing", "scheduled"):
        found = health(run(in_flight, 0.1, "now"), *FOUR_FAILED)
        assert found.failures == 4, in_flight
        assert found.problems == ("the last 4 finished runs failed while the task is still active",)
        assert not found.healthy


def test_a_skipped_run_neither_ends_nor_extends_a_failure_streak() -> None:
    """Skipped means the previous run was still going: not a success, and not a failure of its own
    (the portal's five-failures count, as the emulator keeps it, ignores it too) [I]."""
    newest_skipped = health(run("skipped", 0.1, "s"), *FOUR_FAILED)
    assert newest_skipped.failures == 4 and not newest_skipped.healthy
    between = health(run("failed", 1, "a"), run("skipped", 2, "s"), run("failed", 3, "b"), run("succeeded", 4, "c"))
    assert between.failures == 2
    assert between.problems == ("the last 2 runs failed while the task is still active",)
    assert health(run("skipped", 1, "s"), run("succeeded", 2, "ok"), run("failed", 3, "old")).healthy


def test_only_a_success_ends_the_streak() -> None:
    found = health(run("executing", 0.1, "now"), run("failed", 10, "a"), run("succeeded", 34, "b"),
                   run("failed", 58, "c"))
    assert found.failures == 1


def test_runs_before_the_last_schedule_change_do_not_use_up_occurrences() -> None:
    """The portal restarts its count when an update changes the schedule, dates or max_occurrences
    (the emulator does); `updated` is when the task was last written, the latest such restart
    could be: only runs after it count, so what is left is an upper bound [I]."""
    old = [run("succeeded", 24 * i + 10, f"r{i}") for i in range(1, 4)]
    found = health(*old, max_occurrences=3, updated=ago(DAY))
    assert found.runs_left == 3 and not found.runs_left_exact
    assert found.next_fire is not None, "the task still fires: 0 runs left would be a false claim"
    later = health(run("succeeded", 10, "new"), *old, max_occurrences=3, updated=ago(DAY))
    assert later.runs_left == 2 and not later.runs_left_exact


def test_a_run_at_the_very_instant_of_the_update_fired_before_it() -> None:
    at = ago(DAY)
    fired = RemoteRun(run_id="x", task_id="t1", status="succeeded", result="", url="", created=at, updated=at)
    assert health(fired, max_occurrences=2, updated=at).runs_left == 2


def test_runs_left_is_exact_for_a_task_never_written_since_it_was_created() -> None:
    found = health(run("executing", 0.1, "a"), run("skipped", 10, "b"), run("failed", 34, "c"), max_occurrences=5)
    assert found.runs_left == 2 and found.runs_left_exact, "every run, in flight or skipped, used an occurrence"
    used_up = health(run("succeeded", 10, "a"), max_occurrences=1)
    assert used_up.runs_left == 0 and used_up.runs_left_exact and used_up.next_fire is None


def test_runs_left_is_an_upper_bound_when_the_portal_gives_no_dates() -> None:
    found = health(run("succeeded", 10, "a"), max_occurrences=4, created=None, updated=None)
    assert (found.runs_left, found.runs_left_exact) == (3, False)


def test_runs_left_is_an_upper_bound_when_the_history_may_have_been_trimmed() -> None:
    runs = [run("succeeded", 24 * i + 10, f"r{i}") for i in range(30)]
    found = health(*runs, max_occurrences=40, created=ago(40 * DAY), updated=ago(40 * DAY))
    assert (found.runs_left, found.runs_left_exact) == (10, False)


def test_due_counts_from_when_the_task_was_last_enabled_or_modified() -> None:
    """Created paused a month ago, enabled a minute ago: not yet due (`updated` is the latest
    write the portal shows; enabling is one) [I]."""
    enabled_now = health(created=ago(30 * DAY), updated=ago(timedelta(minutes=1)))
    assert enabled_now.healthy, enabled_now.problems
    enabled_long_ago = health(created=ago(30 * DAY), updated=ago(2 * DAY))
    assert enabled_long_ago.problems == ("never run although due",)


def _doc(*runs: RemoteRun, spec_yaml: str = "", variables: dict[str, str] | None = None,
         **over: Any) -> dict[str, Any]:
    s = spec(spec_yaml, variables=variables)
    task = replace(remote_of(s, id="t1"), **{"created": ago(30 * DAY), "updated": ago(30 * DAY), **over})
    plan = make_plan([s], state(task, user=ADMIN), options())
    return views.to_dict(assess(plan, (task,), {"t1": "nightly"}, {"t1": runs}, now=NOW), plan)


def test_a_task_the_portal_disabled_is_not_shown_as_paused() -> None:
    doc = _doc(*FOUR_FAILED, active=False, task_state="disabled")
    text = views.render(doc, "text")
    line = text.splitlines()[2]
    assert line.startswith("!! nightly (alice): disabled by the portal; ") and "paused" not in text
    assert "will not fire (disabled by the portal; would fire " in line
    markdown = views.render(doc, "markdown")
    assert "paused" not in markdown and "| disabled by the portal |" in markdown
    paused = views.render(_doc(active=False, task_state="paused"), "text")
    assert "paused; would fire " in paused


def test_a_drifted_task_is_not_marked_ok() -> None:
    doc = _doc(run("succeeded", 9.5, "a"), spec_yaml="parameters:\n  distance: 5\n", parameters_json='{"distance":4}')
    (task,) = doc["tasks"]
    assert task["healthy"] and task["drift"]
    line = views.render(doc, "text").splitlines()[2]
    assert line.startswith("~~ nightly (alice): ") and "drift: update: parameters" in line
    row = next(r for r in views.render(doc, "markdown").splitlines() if "| nightly |" in r)
    assert "✅" not in row and row.startswith("| 🔶 drifted |")


def test_a_missing_task_is_not_marked_ok() -> None:
    s = spec("")
    plan = make_plan([s], state(user=ADMIN), options())
    doc = views.to_dict(assess(plan, (), {}, {}, now=NOW), plan)
    line = views.render(doc, "text").splitlines()[2]
    assert line.startswith("-- nightly (alice): missing; ")
    row = next(r for r in views.render(doc, "markdown").splitlines() if "| nightly |" in r)
    assert "✅" not in row and row.startswith("| ➖ missing |")


def test_a_task_in_sync_and_healthy_is_ok() -> None:
    doc = _doc(run("succeeded", 9.5, "a"))  # today's 02:30 run
    assert views.render(doc, "text").splitlines()[2].startswith("ok nightly (alice): ")
    assert "| ✅ | nightly |" in views.render(doc, "markdown")


SECRET_YAML = "parameters:\n  token: ${secret:TOKEN}\n  distance: 5\n"


def test_status_json_shows_each_drifted_fields_before_and_after_masked_as_the_plan_masks_them() -> None:
    doc = _doc(spec_yaml=SECRET_YAML, variables={"TOKEN": "new-t0ken-2"},
               parameters_json='{"distance":4,"token":"old-t0ken-1"}')
    (task,) = doc["tasks"]
    assert task["drift"] == ["update: parameters"]
    assert task["drift_fields"] == [
        {"path": "parameters.distance", "before": 4, "after": 5, "secret": False},
        {"path": "parameters.token", "before": SECRET_MASK, "after": SECRET_MASK, "secret": True},
    ]
    shown = views.render(doc, "json")
    assert "t0ken" not in shown and json.loads(shown)["tasks"][0]["drift_fields"] == task["drift_fields"]


def test_a_missing_task_lists_what_create_would_set() -> None:
    s = spec(SECRET_YAML, variables={"TOKEN": "t0ken-x"})
    plan = make_plan([s], state(user=ADMIN), options())
    (task,) = views.to_dict(assess(plan, (), {}, {}, now=NOW), plan)["tasks"]
    fields = {f["path"]: f for f in task["drift_fields"]}
    assert fields["parameters.token"]["after"] == SECRET_MASK and fields["parameters.token"]["before"] is None
    assert "t0ken" not in json.dumps(task)
