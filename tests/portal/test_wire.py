"""Pure wire mapping: task JSON <-> RemoteTask, TaskFields -> create/update forms, error envelope."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reconciler.errors import AuthError, NotFoundError, PermissionDeniedError, PortalError
from reconciler.model import CronFields, RemoteTask, TaskFields
from reconciler.portal import envelope, wire

DOC_SAMPLE: dict[str, Any] = {  # docs/portal-api.md §6.3, verbatim shape
    "id": "5837c7bc37ac404e8e3c16d9022b2b59", "itemId": "029b61ca770e428d9468a2a55f40b9fb", "type": "ExecuteNotebook",
    "title": "OnceAMinute10times", "userId": "admin",
    "cronSchedule": {"minute": "*/1", "hour": "*", "dayOfMonth": "*", "month": "*", "dayOfWeek": "?"},
    "runIntervalSeconds": 60, "lastStart": 1589460540000, "maxOccurrences": 10,
    "parameters": {"updatePortalItem": True, "saveInjectedParameters": False, "notebookParameters": "{}"},
    "created": 1589456737000, "updated": 1589460535000, "startDate": 1589428800000, "active": False, "taskState": "paused",
}
CRON = CronFields(minute="0", hour="2", day_of_month="?", month="*", day_of_week="MON-FRI")



def task_to_wire(task: RemoteTask) -> dict[str, Any]:
    """The inverse of task_from_wire (fields the portal omits when unset are left out)."""
    data: dict[str, Any] = {
        "id": task.id, "userId": task.owner, "title": task.title, "type": task.task_type,
        "cronSchedule": task.schedule.to_wire(), "parameters": task.parameters, "itemId": task.item_id,
        "taskUrl": task.task_url, "maxOccurrences": wire.UNLIMITED if task.max_occurrences is None else task.max_occurrences,
        "active": task.active, "taskState": task.task_state, "created": task.created, "updated": task.updated,
        "nextStart": task.next_start, "runIntervalSeconds": task.run_interval_seconds,
    }
    optional = {"startDate": task.start_date, "endDate": task.end_date, "lastStart": task.last_start}
    data.update({k: v for k, v in optional.items() if v is not None})
    return data


def test_doc_sample_reads_into_a_remote_task() -> None:
    t = wire.task_from_wire(DOC_SAMPLE)
    assert (t.id, t.owner, t.task_type, t.max_occurrences, t.start_date, t.end_date) == (
        "5837c7bc37ac404e8e3c16d9022b2b59", "admin", "ExecuteNotebook", 10, 1589428800000, None)
    assert t.parameters["notebookParameters"] == "{}" and t.task_url is None and t.active is False
    assert t.parameters_json == json.dumps(DOC_SAMPLE["parameters"], sort_keys=True, separators=(",", ":"))


def test_unlimited_and_string_parameters_and_task_url_spelling() -> None:
    t = wire.task_from_wire({**DOC_SAMPLE, "maxOccurrences": -1, "parameters": '{"b": 1, "a": 2}', "taskURL": "https://x/GPServer/T"})
    assert t.max_occurrences is None and t.parameters_json == '{"a":2,"b":1}' and t.task_url == "https://x/GPServer/T"


def test_create_form() -> None:
    fields = TaskFields(title="t", task_type="GPService", schedule=CRON, task_url="https://g/GPServer/T",
                        parameters_json='{"x":{"y":[1,2]}}', start_date=5, active=False)
    assert wire.create_form(fields) == {
        "title": "t", "type": "GPService", "minute": "0", "hour": "2", "dayOfMonth": "?", "month": "*",
        "dayOfWeek": "MON-FRI", "maxOccurrences": "-1", "parameters": '{"x":{"y":[1,2]}}',
        "taskURL": "https://g/GPServer/T", "taskUrl": "https://g/GPServer/T", "startDate": "5", "isActive": "false",
    }


def test_create_form_without_task_url_sends_neither_spelling() -> None:
    form = wire.create_form(TaskFields(title="n", task_type="ExecuteNotebook", schedule=CRON, item_id="abc", max_occurrences=4))
    assert "taskUrl" not in form and "taskURL" not in form and "isActive" not in form
    assert (form["itemId"], form["maxOccurrences"], form["parameters"]) == ("abc", "4", "{}")


def test_update_form_sends_every_field() -> None:
    form = wire.update_form(TaskFields(title="t", task_type="GPService", schedule=CRON, task_url="https://g/GPServer/T"))
    assert form["taskUrl"] == "https://g/GPServer/T" and "taskURL" not in form
    assert (form["itemId"], form["startDate"], form["endDate"]) == ("", "", "")
    assert "isActive" not in form  # only enable/disable change it (a completed task stays completed)


cron_token = st.sampled_from(["*", "0", "*/5", "1-5", "1,2", "L", "MON-FRI", "?"])
opt_ms = st.none() | st.integers(min_value=0, max_value=2**42)
json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
                           max_leaves=8)


@given(
    title=st.text(max_size=20), minute=cron_token, dom=cron_token, params=st.dictionaries(st.text(max_size=5), json_values, max_size=4),
    max_occ=st.none() | st.integers(min_value=1, max_value=1000), start=opt_ms, end=opt_ms, active=st.booleans(),
    item=st.none() | st.text(alphabet="0123456789abcdef", min_size=32, max_size=32),
)
def test_task_json_round_trips(title: str, minute: str, dom: str, params: dict, max_occ: int | None,
                               start: int | None, end: int | None, active: bool, item: str | None) -> None:
    data = {**DOC_SAMPLE, "title": title, "parameters": params, "maxOccurrences": -1 if max_occ is None else max_occ,
            "cronSchedule": {**DOC_SAMPLE["cronSchedule"], "minute": minute, "dayOfMonth": dom}, "active": active, "itemId": item}
    data.pop("startDate")
    data.update({k: v for k, v in {"startDate": start, "endDate": end}.items() if v is not None})
    task = wire.task_from_wire(data)
    assert wire.task_from_wire(task_to_wire(task)) == task
    fields = wire.fields_of(task)
    assert wire.matches(task, fields)
    assert json.loads(wire.create_form(fields)["parameters"]) == params


def test_matches_ignores_case_of_cron_and_can_ignore_active() -> None:
    task = wire.task_from_wire({**DOC_SAMPLE, "cronSchedule": {**DOC_SAMPLE["cronSchedule"], "dayOfWeek": "?"}})
    fields = wire.fields_of(task)
    assert not wire.matches(task, TaskFields(**{**fields.__dict__, "active": True}))
    assert wire.matches(task, TaskFields(**{**fields.__dict__, "active": True}), check_active=False)
    assert not wire.matches(task, TaskFields(**{**fields.__dict__, "title": "other"}))


def test_run_and_job() -> None:
    run = wire.run_from_wire({"runId": "r1", "status": "failed", "result": "x", "url": "", "created": 1, "modified": 2}, "t1")
    assert (run.run_id, run.task_id, run.status, run.updated, run.job) == ("r1", "t1", "failed", 2, None)
    job = wire.job_from_wire({"jobId": "j", "jobStatus": "esriJobExecuting",
                              "messages": [{"type": "esriJobMessageTypeInformative", "description": "Submitted."}]}, "u")
    assert not job.finished and job.messages[0].description == "Submitted."


@pytest.mark.parametrize("code, cls, hint", [
    (498, AuthError, "the token is invalid or expired"), (499, AuthError, "the portal wants a token"),
    (403, PermissionDeniedError, "lacks a privilege"), (404, NotFoundError, "does not exist (any more)"),
    (400, PortalError, None), (500, PortalError, "failed internally"),
])
def test_envelope_codes_map_to_the_tree_with_hints(code: int, cls: type, hint: str | None) -> None:
    body = {"error": {"code": code, "messageCode": "GWM_0003", "message": "M", "details": ["d1"]}}
    exc = envelope.to_exception(envelope.error_of(body) or {}, operation="op")
    assert type(exc) is cls and (exc.code, exc.message, exc.details) == (code, "M", ("d1",))
    assert (exc.hint is None) if hint is None else (hint in (exc.hint or ""))


@pytest.mark.parametrize("body, message", [
    ({"error": {"code": "498", "message": "Invalid token.", "details": "one string"}}, "Invalid token."),
    ({"status": "error", "messages": ["a", "b"], "code": 499}, "a; b"),
    ({"success": False}, "The portal reported the operation as not successful."),
])
def test_other_error_shapes(body: dict, message: str) -> None:
    error = envelope.error_of(body)
    assert error is not None and envelope.to_exception(error, operation="op").message == message


@pytest.mark.parametrize("body", [{"success": True}, {"runs": []}, {"status": "failed", "runId": "r"}, [1]])
def test_success_bodies_are_not_errors(body: object) -> None:
    assert envelope.error_of(body) is None


@pytest.mark.parametrize("entry", [{}, {"runId": None}, {"runId": True}, "run", [1]])
def test_a_run_entry_without_a_run_id_is_a_portal_error_not_a_crash(entry) -> None:
    from reconciler.errors import PortalError
    from reconciler.portal.wire import run_from_wire

    with pytest.raises(PortalError, match="has no runId"):
        run_from_wire(entry, "t1")
