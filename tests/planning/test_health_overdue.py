"""`reconciler status` on a stalled task: active, with runs, but none for a fire time long past
(the portal's scheduler stopped). Overdue counts from the last run and the last creation, start
or write; never past `end` or what max_occurrences allows; never for a paused or completed task;
a run in flight or skipped is a run like any other (every fire leaves one). And the Markdown
view's cells for what a task will do: runs left, and when a paused task would fire."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from reconciler.instants import to_ms
from reconciler.model import RemoteRun
from reconciler.planning.health import TaskHealth, assess
from reconciler.planning.planner import make_plan
from reconciler.render import status as views
from tests.planning.conftest import ADMIN, NOW, options, remote_of, spec, state

# Every 30 minutes; NOW is 2030-01-07T12:00Z. Past 100 missed fire times the count says "at least".
HALF_HOURLY_YAML = 'schedule: "0 0/30 * * * ?"\n'


def at(minutes_ago: float) -> int:
    moment = to_ms(NOW - timedelta(minutes=minutes_ago))
    assert moment is not None
    return moment


def run(status: str, minutes_ago: float, run_id: str = "r") -> RemoteRun:
    return RemoteRun(run_id=run_id, task_id="t1", status=status, result="", url="", created=at(minutes_ago),
                     updated=at(minutes_ago))


def health(*runs: RemoteRun, now: datetime = NOW, **over: Any) -> TaskHealth:
    s = spec(HALF_HOURLY_YAML)
    task = replace(remote_of(s, id="t1"), **{"created": at(60 * 24 * 400), "updated": at(60 * 24 * 400), **over})
    plan = make_plan([s], state(task, user=ADMIN), options())
    (found,) = assess(plan, (task,), {"t1": "half-hourly"}, {"t1": runs}, now=now)
    return found


def test_a_task_whose_last_run_was_long_ago_is_overdue_not_ok() -> None:
    """16,000 half-hourly fire times since its last (successful) run: not "ok", exit 2 material."""
    found = health(run("succeeded", 30 * 16_000))
    assert found.problems == ("missed at least 100 fire times since its last run at 2029-02-08T04:00:00Z",)
    assert not found.healthy and found.next_fire == "2030-01-07T12:30:00Z"
    doc = views.to_dict((found,), make_plan([], state(user=ADMIN), options()))
    assert views.render(doc, "text").splitlines()[2].startswith("!! half-hourly (alice): active; last run succeeded ")


def test_the_missed_fire_times_are_counted_exactly_below_the_cap() -> None:
    assert health(run("succeeded", 120)).problems == ("missed 3 fire times since its last run at 2030-01-07T10:00:00Z",)
    assert health(run("succeeded", 60)).problems == ("missed 1 fire time since its last run at 2030-01-07T11:00:00Z",)


def test_a_fire_time_within_the_grace_period_is_not_yet_missed() -> None:
    last = run("succeeded", 30)  # 11:30
    assert health(last).healthy, "12:00 is now"
    assert health(last, now=NOW + timedelta(minutes=9)).healthy, "12:00 is 9 minutes ago, inside the grace"
    late = health(last, now=NOW + timedelta(minutes=11))
    assert late.problems == ("missed 1 fire time since its last run at 2030-01-07T11:30:00Z",)


def test_a_long_stall_is_counted_up_to_the_cap() -> None:
    s = spec('schedule: "0 * * * * ?"\n')  # every minute, stalled for about two years
    task = replace(remote_of(s, id="t1"), created=at(10**6), updated=at(10**6))
    plan = make_plan([s], state(task, user=ADMIN), options())
    (found,) = assess(plan, (task,), {"t1": "x"}, {"t1": [run("succeeded", 10**6)]}, now=NOW)
    assert found.problems[0].startswith("missed at least 100 fire times since its last run at ")


def test_a_run_in_flight_or_skipped_is_the_last_run() -> None:
    """Every fire leaves a run (a skipped one when the previous run is still going): an old run
    stuck executing with no skipped runs after it means the portal stopped firing."""
    assert health(run("executing", 5), run("succeeded", 35)).healthy
    assert health(run("skipped", 10), run("executing", 40)).healthy
    stuck = health(run("executing", 60 * 24))
    assert stuck.problems == ("missed 47 fire times since its last run at 2030-01-06T12:00:00Z",)


def test_a_write_after_the_last_run_restarts_the_wait() -> None:
    """Enabled (a write) a minute ago after a week paused: not overdue; enabled two hours ago
    and no run since: overdue, said from the write."""
    assert health(run("succeeded", 60 * 24 * 7), updated=at(1)).healthy
    found = health(run("succeeded", 60 * 24 * 7), updated=at(120))
    assert found.problems == ("no run since 2030-01-07T10:00:00Z although due at 2030-01-07T10:30:00Z",)
    later_start = health(run("succeeded", 60 * 24 * 7), start_date=at(5))
    assert later_start.healthy, "start was five minutes ago: nothing due yet"


def test_no_fire_time_after_end_or_beyond_max_occurrences_is_missed() -> None:
    ended = health(run("succeeded", 60 * 24), end_date=at(60 * 24 - 1))
    assert ended.healthy, "end came a minute after the last run"
    ended_later = health(run("succeeded", 60 * 24), end_date=at(60 * 24 - 61))
    assert ended_later.problems == ("missed 2 fire times since its last run at 2030-01-06T12:00:00Z",)
    used_up = health(run("succeeded", 60 * 24), max_occurrences=1, created=at(60 * 24 + 5), updated=at(60 * 24 + 5))
    assert used_up.runs_left == 0 and used_up.healthy, "max_occurrences allows no more runs"
    one_left = health(run("succeeded", 60 * 24), max_occurrences=2, created=at(60 * 24 + 5), updated=at(60 * 24 + 5))
    assert one_left.problems == ("missed 1 fire time since its last run at 2030-01-06T12:00:00Z",)


def test_a_paused_or_completed_task_is_not_overdue() -> None:
    assert health(run("succeeded", 60 * 24), active=False, task_state="paused").healthy
    assert health(run("succeeded", 60 * 24), task_state="completed").healthy


def _markdown_row(found: TaskHealth) -> dict[str, str]:
    """The task's Markdown row, column title -> cell."""
    doc = views.to_dict((found,), make_plan([], state(user=ADMIN), options()))
    lines = views.render(doc, "markdown").splitlines()
    header = next(line for line in lines if line.startswith("| | Task |"))
    row = next(line for line in lines if "| half-hourly |" in line)
    titles, cells = ([c.strip() for c in line.split("|")[1:-1]] for line in (header, row))
    return dict(zip(titles, cells, strict=True))


def test_markdown_shows_runs_left_as_the_text_view_does() -> None:
    bound = health(run("succeeded", 30), max_occurrences=5, created=at(60 * 48), updated=at(60 * 24))
    text = views.render(views.to_dict((bound,), make_plan([], state(user=ADMIN), options())), "text")
    assert "at most 4 runs left" in text
    assert _markdown_row(bound)["Runs left"] == "at most 4"
    exact = health(run("succeeded", 30), max_occurrences=5, created=at(60 * 24), updated=at(60 * 24))
    assert _markdown_row(exact)["Runs left"] == "4"
    assert _markdown_row(health(run("succeeded", 30)))["Runs left"] == "no limit"


def test_markdown_says_when_a_paused_task_would_fire() -> None:
    paused = _markdown_row(health(run("succeeded", 60), active=False, task_state="paused"))
    assert paused["Next fire"] == "paused; would fire 2030-01-07T12:30:00Z"
    assert _markdown_row(health(run("succeeded", 30)))["Next fire"] == "2030-01-07T12:30:00Z"
