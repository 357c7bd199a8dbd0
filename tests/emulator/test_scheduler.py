"""The scheduler under the virtual clock: run lifecycle, overlap, failures, limits, and runs API."""

from __future__ import annotations

import requests

from reconciler.emulator.server import Emulator
from tests.conftest import BUFFER, FAILS, SLOW, T0

from .conftest import Client, gp_task

TASKS = "community/users/publisher/tasks"
MIN = 60_000


def _runs(client: Client, task_id: str) -> list[dict]:
    return client.get(f"{TASKS}/{task_id}/runs")["runs"]


def test_run_lifecycle_scheduled_executing_succeeded(emu: Emulator, publisher: Client) -> None:
    task_id = publisher.create(**gp_task(emu))["taskId"]
    assert _runs(publisher, task_id) == []
    moved = publisher.clock(advance="300")
    assert moved == {"now": T0 + 5 * MIN, "virtual": True, "events": 1}
    (run,) = _runs(publisher, task_id)
    assert run["status"] == "scheduled" and run["taskId"] == task_id and len(run["runId"]) == 32
    assert run["created"] == T0 + 5 * MIN and run["url"] == ""

    assert publisher.clock(advance="1")["events"] == 1  # submitJob, 1 s after the fire time
    (run,) = _runs(publisher, task_id)
    assert run["status"] == "executing" and run["updated"] == T0 + 5 * MIN + 1000
    assert run["url"].startswith(emu.task_url(BUFFER) + "/jobs/")
    assert run["task"]["id"] == task_id
    job = requests.get(run["url"], params={"f": "json"}, timeout=10).json()
    assert job["jobStatus"] in ("esriJobSubmitted", "esriJobExecuting")
    task = publisher.get(f"{TASKS}/{task_id}")
    assert task["lastStart"] == T0 + 5 * MIN and task["nextStart"] == T0 + 10 * MIN

    publisher.clock(advance="2")  # Buffer takes 2 s of emulator time
    (run,) = _runs(publisher, task_id)
    assert run["status"] == "succeeded" and run["updated"] == T0 + 5 * MIN + 3000
    assert run["result"] == run["url"] + "/results/out_feature_class"
    result = requests.get(run["result"], params={"f": "json"}, timeout=10).json()
    assert result["paramName"] == "out_feature_class" and len(result["value"]["features"]) == 1
    assert requests.get(run["url"], params={"f": "json"}, timeout=10).json()["jobStatus"] == "esriJobSucceeded"


def test_fires_everything_due_in_order(emu: Emulator, publisher: Client) -> None:
    task_id = publisher.create(**gp_task(emu))["taskId"]
    assert publisher.clock(advance="3600")["events"] == 34  # 12 fires + 11 submits + 11 job ends
    runs = _runs(publisher, task_id)
    assert [r["created"] for r in runs] == [T0 + m * MIN for m in range(60, 0, -5)]  # newest first
    assert [r["status"] for r in runs] == ["scheduled"] + ["succeeded"] * 11  # the last submits at 60:01


def test_clock_set_moves_to_an_instant(emu: Emulator, publisher: Client) -> None:
    task_id = publisher.create(**gp_task(emu))["taskId"]
    assert publisher.clock(set=str(T0 + 10 * MIN))["now"] == T0 + 10 * MIN
    assert len(_runs(publisher, task_id)) == 2
    assert requests.get(emu.control_url + "/clock", timeout=10).json()["now"] == T0 + 10 * MIN
    assert "error" in publisher.clock(advance="1", set="2")
    assert "error" in publisher.clock()


def test_overlapping_run_is_skipped(emu: Emulator, publisher: Client) -> None:
    task_id = publisher.create(**gp_task(emu, SLOW, params={"minutes": 7}))["taskId"]
    publisher.clock(advance=str(10 * 60))
    first, second = _runs(publisher, task_id)[::-1]
    assert first["status"] == "executing"
    assert second["status"] == "skipped" and "still executing" in second["result"]
    publisher.clock(advance=str(5 * 60 + 1))  # the slow job ends at 12:01; the 15-min fire runs
    statuses = [r["status"] for r in _runs(publisher, task_id)[::-1]]
    assert statuses == ["succeeded", "skipped", "executing"]


def test_submit_failure(emu: Emulator, publisher: Client) -> None:
    # dissolve_option outside its choice list: submitJob refuses the job.
    params = {"in_features": {"features": []}, "buffer_distance_or_field": {"distance": 1}, "dissolve_option": "SOME"}
    task_id = publisher.create(**gp_task(emu, params=params))["taskId"]
    publisher.clock(advance="301")
    (run,) = _runs(publisher, task_id)
    assert run["status"] == "submitfailed" and "submitJob failed" in run["result"] and run["url"] == ""
    log = requests.get(emu.control_url + "/requests", timeout=10).json()["requests"]
    submitted = [e for e in log if e["source"] == "scheduler"]
    assert submitted[-1]["path"].endswith(f"/{BUFFER}/submitJob")
    assert "dissolve_option" in submitted[-1]["form"]


def test_submit_failure_from_an_injected_fault(emu: Emulator, publisher: Client) -> None:
    task_id = publisher.create(**gp_task(emu))["taskId"]
    requests.post(emu.control_url + "/faults", json={"path": "submitJob$", "count": 1, "kind": "http503"}, timeout=10)
    publisher.clock(advance="601")
    statuses = [r["status"] for r in _runs(publisher, task_id)[::-1]]
    assert statuses == ["submitfailed", "executing"]


def test_missing_required_parameter_fails_the_job(emu: Emulator, publisher: Client) -> None:
    task_id = publisher.create(**gp_task(emu, params={}))["taskId"]
    publisher.clock(advance="310")
    (run,) = _runs(publisher, task_id)
    assert run["status"] == "failed" and "ERROR 000735" in run["result"]


def test_five_consecutive_failures_disable_the_task(emu: Emulator, publisher: Client) -> None:
    task_id = publisher.create(**gp_task(emu, FAILS, params={}))["taskId"]
    publisher.clock(advance=str(60 * 60))
    runs = _runs(publisher, task_id)
    assert [r["status"] for r in runs] == ["failed"] * 5
    assert "ERROR 999999" in runs[0]["result"]
    task = publisher.get(f"{TASKS}/{task_id}")
    assert (task["active"], task["taskState"], task["nextStart"]) == (False, "disabled", None)
    # Enabling starts the count again.
    publisher.post(f"{TASKS}/{task_id}/enable")
    publisher.clock(advance=str(5 * 60 + 1))
    assert publisher.get(f"{TASKS}/{task_id}")["active"] is True


def test_a_success_resets_the_failure_count(emu: Emulator, publisher: Client) -> None:
    task_id = publisher.create(**gp_task(emu, FAILS, params={}))["taskId"]
    publisher.clock(advance=str(20 * 60 + 1))  # 4 failures
    publisher.post(f"{TASKS}/{task_id}/update", taskUrl=emu.task_url(BUFFER), parameters={"in_features": {"features": []}, "buffer_distance_or_field": 1})
    publisher.clock(advance=str(5 * 60))
    publisher.post(f"{TASKS}/{task_id}/update", taskUrl=emu.task_url(FAILS), parameters={})
    publisher.clock(advance=str(20 * 60))
    assert publisher.get(f"{TASKS}/{task_id}")["active"] is True


def test_max_occurrences_completes_the_task(emu: Emulator, publisher: Client) -> None:
    task_id = publisher.create(**gp_task(emu, maxOccurrences="3"))["taskId"]
    publisher.clock(advance=str(60 * 60))
    assert len(_runs(publisher, task_id)) == 3
    task = publisher.get(f"{TASKS}/{task_id}")
    assert (task["active"], task["taskState"], task["nextStart"]) == (False, "completed", None)
    assert publisher.get(TASKS, active="false")["total"] == 1


def test_end_date_completes_the_task(emu: Emulator, publisher: Client) -> None:
    task_id = publisher.create(**gp_task(emu, endDate=str(T0 + 12 * MIN)))["taskId"]
    publisher.clock(advance=str(60 * 60))
    assert [r["created"] for r in _runs(publisher, task_id)] == [T0 + 10 * MIN, T0 + 5 * MIN]
    assert publisher.get(f"{TASKS}/{task_id}")["taskState"] == "completed"


def test_start_date_delays_the_first_run(emu: Emulator, publisher: Client) -> None:
    task_id = publisher.create(**gp_task(emu, startDate=str(T0 + 30 * MIN)))["taskId"]
    publisher.clock(advance=str(29 * 60))
    assert _runs(publisher, task_id) == []
    publisher.clock(advance="60")
    assert [r["created"] for r in _runs(publisher, task_id)] == [T0 + 30 * MIN]


def test_keeps_the_last_30_runs(emu: Emulator, publisher: Client) -> None:
    task_id = publisher.create(**gp_task(emu))["taskId"]
    publisher.clock(advance=str(35 * 5 * 60 + 10))
    runs = _runs(publisher, task_id)
    assert len(runs) == 30
    assert runs[0]["created"] == T0 + 35 * 5 * MIN and runs[-1]["created"] == T0 + 6 * 5 * MIN


def test_disabled_tasks_do_not_fire(emu: Emulator, publisher: Client) -> None:
    task_id = publisher.create(**gp_task(emu))["taskId"]
    publisher.post(f"{TASKS}/{task_id}/disable")
    publisher.clock(advance="3600")
    assert _runs(publisher, task_id) == []


def test_other_task_types_succeed_at_once(emu: Emulator, publisher: Client) -> None:
    task_id = publisher.create(type="ExecuteNotebook", itemId="c" * 32, minute="0", hour="*", dayOfMonth="?", month="*", dayOfWeek="*")["taskId"]
    publisher.clock(advance="3600")
    (run,) = _runs(publisher, task_id)
    assert run["status"] == "succeeded" and "Emulated" in run["result"]


def test_run_resource_update_and_delete(emu: Emulator, publisher: Client, viewer: Client) -> None:
    task_id = publisher.create(**gp_task(emu))["taskId"]
    publisher.clock(advance="302")
    (run,) = _runs(publisher, task_id)
    url = f"{TASKS}/{task_id}/runs/{run['runId']}"
    assert publisher.get(url) == run
    answer = publisher.post(f"{url}/update", status="failed", result="looked at it")
    assert answer == {"success": True, "taskId": task_id, "runId": run["runId"]}
    updated = publisher.get(url)
    assert (updated["status"], updated["result"]) == ("failed", "looked at it")
    publisher.post(f"{url}/update", status="succeeded")
    assert publisher.get(url)["result"] == "looked at it"  # omitted result is kept
    assert publisher.post(f"{url}/update", status="done")["error"]["code"] == 400
    assert publisher.post(f"{url}/update")["error"]["code"] == 400
    assert viewer.get(url)["error"]["code"] == 403
    assert viewer.post(f"{url}/delete")["error"]["code"] == 403
    assert publisher.post(f"{url}/delete") == {"success": True, "taskId": task_id, "runId": run["runId"]}
    assert publisher.get(url)["error"]["code"] == 404
    assert _runs(publisher, task_id) == []


def test_deleting_a_task_deletes_its_runs(emu: Emulator, publisher: Client) -> None:
    task_id = publisher.create(**gp_task(emu, SLOW))["taskId"]
    publisher.clock(advance="300")
    publisher.post(f"{TASKS}/{task_id}/delete")
    assert publisher.clock(advance="3600")["events"] == 0
