"""Input the portal (a Java server reading form fields) would not accept: integers that are not
Java ints, dates beyond what can be represented, non-ASCII cron fields, JSON bodies; and paging
values outside the documented range, which fall back to the defaults [I]."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from reconciler.emulator.server import Emulator
from tests.conftest import T0

from .conftest import EVERY_5_MIN, Client, gp_task, login, seed_tasks

TASKS = "community/users/publisher/tasks"


def _error(body: dict[str, Any]) -> tuple[int, str]:
    assert "error" in body, body
    return body["error"]["code"], body["error"]["message"]


@pytest.mark.parametrize("value", ["1.0", "1.5", "1e3", str(10**26), "2147483648", "0", "-2", "1_000", "５", "٣", "0x10", " "])
def test_max_occurrences_must_be_a_java_int_run_cap(emu: Emulator, publisher: Client, value: str) -> None:
    if value == " ":
        # Blank means unset (unlimited), as before.
        created = publisher.create(**gp_task(emu, maxOccurrences=value))
        assert publisher.get(f"{TASKS}/{created['taskId']}")["maxOccurrences"] == -1
        return
    assert _error(publisher.create(**gp_task(emu, maxOccurrences=value))) == (400, "Invalid value for 'maxOccurrences'.")
    assert publisher.get(TASKS)["total"] == 0


@pytest.mark.parametrize("value", ["1", "2147483647", "-1", "+7"])
def test_max_occurrences_valid_values(emu: Emulator, publisher: Client, value: str) -> None:
    task_id = publisher.create(**gp_task(emu, maxOccurrences=value))["taskId"]
    assert publisher.get(f"{TASKS}/{task_id}")["maxOccurrences"] == int(value)


def test_max_occurrences_update_is_checked_too(emu: Emulator, publisher: Client) -> None:
    task_id = publisher.create(**gp_task(emu, maxOccurrences="3"))["taskId"]
    assert _error(publisher.post(f"{TASKS}/{task_id}/update", maxOccurrences="1.0"))[0] == 400
    assert publisher.get(f"{TASKS}/{task_id}")["maxOccurrences"] == 3


@pytest.mark.parametrize("name", ["startDate", "endDate"])
@pytest.mark.parametrize("value", ["9" * 30, "253402300800000", "-1", "1767225600000.5", "1.7e12", "١٧٦٧٢٢٥٦٠٠٠٠٠"])
def test_dates_out_of_range_or_not_integers_are_400(emu: Emulator, publisher: Client, name: str, value: str) -> None:
    # A 30-digit startDate used to overflow the date conversion: an internal error (500).
    extra: dict[str, Any] = {name: value}
    assert _error(publisher.create(**gp_task(emu, **extra))) == (400, f"Invalid value for '{name}'.")
    task_id = publisher.create(**gp_task(emu))["taskId"]
    assert _error(publisher.post(f"{TASKS}/{task_id}/update", **extra)) == (400, f"Invalid value for '{name}'.")


def test_dates_at_the_edges_of_the_range(emu: Emulator, publisher: Client) -> None:
    last = "253402300799999"  # 9999-12-31T23:59:59.999Z: never fires, so the task completes
    task = publisher.get(f"{TASKS}/{publisher.create(**gp_task(emu, startDate=last))['taskId']}")
    assert (task["startDate"], task["taskState"]) == (int(last), "completed")
    task = publisher.get(f"{TASKS}/{publisher.create(**gp_task(emu, startDate='0', endDate=last))['taskId']}")
    assert (task["startDate"], task["endDate"], task["nextStart"]) == (0, int(last), T0 + 300_000)


@pytest.mark.parametrize("value", ["1.5", "1e9", str(10**26), "-1"])
def test_token_expiration_must_be_a_java_int(emu: Emulator, value: str) -> None:
    body = requests.post(emu.sharing_url + "/generateToken", timeout=10, data={
        "username": "publisher", "password": "publisher123", "client": "requestip", "expiration": value, "f": "json"}).json()
    if value == "-1":
        assert "token" in body  # an integer: clamped to at least a minute, as before
    else:
        assert _error(body) == (400, "Invalid value for 'expiration'.")


def test_oauth_expiration_must_be_a_java_int(emu: Emulator) -> None:
    r = requests.get(emu.sharing_url + "/oauth2/authorize", timeout=10, params={
        "client_id": "x", "response_type": "code", "expiration": str(10**26), "f": "json"})
    assert "Invalid value for 'expiration'." in r.text


@pytest.mark.parametrize("form", [{"set": str(10**26)}, {"set": "-5"}, {"set": "1.5"}, {"advance": "1e300"}, {"advance": "inf"}, {"advance": "nan"}])
def test_control_clock_refuses_unrepresentable_instants(emu: Emulator, form: dict[str, str]) -> None:
    body = requests.post(emu.control_url + "/clock", data=form, timeout=10).json()
    assert _error(body)[0] == 400
    assert requests.get(emu.control_url + "/clock", timeout=10).json()["now"] == T0


@pytest.mark.parametrize("field,value", [
    ("minute", "５"), ("minute", "٥"), ("hour", "１２"), ("dayOfMonth", "\u00a01"), ("month", "ｊａｎ"),
    ("dayOfWeek", "ｍｏｎ"), ("minute", "*/５"), ("hour", "1\u30002"), ("month", "ß"),
])
def test_non_ascii_cron_fields_are_invalid(emu: Emulator, publisher: Client, field: str, value: str) -> None:
    schedule: dict[str, Any] = {**EVERY_5_MIN, "dayOfWeek": "?", field: value}
    if field == "dayOfWeek":
        schedule["dayOfMonth"] = "?"
    body = publisher.create(**gp_task(emu, **schedule))
    assert _error(body) == (400, "Invalid cron expression.")
    assert field in body["error"]["details"][0]
    task_id = publisher.create(**gp_task(emu))["taskId"]
    assert _error(publisher.post(f"{TASKS}/{task_id}/update", **{field: value})) == (400, "Invalid cron expression.")
    assert publisher.get(f"{TASKS}/{task_id}")["cronSchedule"] == EVERY_5_MIN


def test_ascii_cron_with_surrounding_spaces_still_works(emu: Emulator, publisher: Client) -> None:
    task_id = publisher.create(**gp_task(emu, minute=" */5 "))["taskId"]
    assert publisher.get(f"{TASKS}/{task_id}")["cronSchedule"]["minute"] == "*/5"


# Paging [I]: start < 1 -> 1, num < 1 -> 10, num > 100 -> 100; a value that is not an integer in
# Java int range is treated as absent (the default), never as an empty last page.

@pytest.mark.parametrize("num", ["0", "-1", "1.5", "abc", "", str(10**26), "１"])
def test_num_outside_the_documented_range_is_the_default(emu: Emulator, publisher: Client, num: str) -> None:
    seed_tasks(emu, "publisher", 25)
    page = publisher.get(TASKS, num=num)
    assert (page["total"], page["start"], page["num"], page["nextStart"]) == (25, 1, 10, 11)
    assert len(page["tasks"]) == 10


@pytest.mark.parametrize("start", ["0", "-5", "2.5", "x", str(10**26)])
def test_start_below_one_or_not_an_integer_is_the_first(emu: Emulator, publisher: Client, start: str) -> None:
    seed_tasks(emu, "publisher", 3)
    page = publisher.get(TASKS, start=start, num="2")
    assert (page["start"], page["num"], page["nextStart"]) == (1, 2, 3)


def test_paging_by_nextstart_with_a_bad_num_sees_every_task(emu: Emulator, admin: Client) -> None:
    seed_tasks(emu, "publisher", 23)
    seen, start = [], 1
    while start != -1:
        page = admin.get("portals/self/allScheduledTasks", num="0", start=str(start))
        seen += [t["id"] for t in page["tasks"]]
        start = page["nextStart"]
    assert len(set(seen)) == 23


# JSON bodies: the wire format is form-encoded (or multipart); a JSON body carries no parameters.

def _post_json(emu: Emulator, token: str, path: str, body: dict[str, Any], *,
               query: dict[str, str] | None = None) -> dict[str, Any]:
    r = requests.post(f"{emu.sharing_url}/{path}", params=query or {}, data=json.dumps(body), timeout=10,
                      headers={"Content-Type": "application/json", "X-Esri-Authorization": f"Bearer {token}"})
    assert r.status_code == 200, r.text
    data: dict[str, Any] = r.json()
    return data


def test_json_body_is_ignored_on_create(emu: Emulator, publisher: Client) -> None:
    fields = {k: v if isinstance(v, str) else json.dumps(v) for k, v in gp_task(emu).items()}
    body = _post_json(emu, publisher.token or "", f"{TASKS}/createTask", {**fields, "f": "json"})
    assert _error(body) == (400, "Invalid task.")  # 'type' is required: nothing was read
    assert publisher.get(TASKS)["total"] == 0


def test_json_body_is_ignored_on_update_and_token(emu: Emulator, publisher: Client) -> None:
    task_id = publisher.create(**gp_task(emu, title="before"))["taskId"]
    body = _post_json(emu, publisher.token or "", f"{TASKS}/{task_id}/update", {"title": "after", "minute": "not cron"})
    assert body == {"success": True, "taskId": task_id}  # an update with no fields: nothing changes
    assert publisher.get(f"{TASKS}/{task_id}")["title"] == "before"
    r = requests.post(emu.sharing_url + "/generateToken", timeout=10, headers={"Content-Type": "application/json"},
                      data=json.dumps({"username": "publisher", "password": "publisher123", "f": "json"}))
    assert _error(r.json())[0] == 400


def test_json_body_with_query_parameters(emu: Emulator) -> None:
    token = login(emu, "publisher")
    query = {k: v if isinstance(v, str) else json.dumps(v) for k, v in gp_task(emu).items()}
    body = _post_json(emu, token, f"{TASKS}/createTask", {"title": "ignored"}, query={**query, "f": "json"})
    assert body["success"] is True
    client = Client(emu, token)
    assert client.get(f"{TASKS}/{body['taskId']}")["title"] == "t"
    client.close()
