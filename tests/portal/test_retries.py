"""Faults injected by the emulator: 5xx bursts, 429 with Retry-After, dropped connections and slow
answers during writes. Reads retry; writes are resent only after checking they did not land."""

from __future__ import annotations

import time

import pytest

from reconciler.emulator.server import Emulator
from reconciler.errors import PortalError
from reconciler.portal.client import PortalClient
from reconciler.portal.retry import RetryPolicy
from reconciler.portal.settings import build_settings
from tests.conftest import fault
from tests.emulator.conftest import seed_tasks
from tests.portal.conftest import FAST, MakeClient, Sleeps, clear_log, gp_fields, request_log

TASKS = r"/tasks$"


def publisher_client(make_client: MakeClient, emu: Emulator, **kw) -> PortalClient:
    client = make_client(**kw)
    client.me()
    clear_log(emu)
    return client


@pytest.mark.parametrize("kind", ["http500", "http502", "http503", "arcgis_error", "drop"])
def test_reads_retry_through_a_burst(make_client: MakeClient, emu: Emulator, sleeps: Sleeps, kind: str) -> None:
    client = publisher_client(make_client, emu)
    fault(emu, TASKS, kind, count=3)
    assert list(client.iter_tasks()) == []
    log = request_log(emu, "/tasks")
    assert [e["fault"] for e in log] == [kind, kind, kind, None]
    assert len(sleeps) == 3 and all(0 < s <= FAST.cap for s in sleeps)


def test_backoff_grows_and_is_capped() -> None:
    policy = RetryPolicy(base=1.0, cap=5.0, attempts=10, random=lambda: 1.0)
    assert [policy.backoff(n) for n in range(5)] == [1.0, 2.0, 4.0, 5.0, 5.0]
    low = RetryPolicy(base=1.0, cap=5.0, random=lambda: 0.0)
    assert [low.backoff(n) for n in range(3)] == [0.5, 1.0, 2.0]  # jitter keeps at least half


def test_reads_give_up_after_the_policy_attempts(make_client: MakeClient, emu: Emulator, sleeps: Sleeps) -> None:
    client = publisher_client(make_client, emu)
    fault(emu, TASKS, "http503", count=10)
    with pytest.raises(PortalError) as e:
        list(client.iter_tasks())
    assert str(e.value) == ("list tasks: the portal answered HTTP 503\n"
                            "  hint: the portal failed internally: try again later; if it persists, check the portal's logs")
    assert len(request_log(emu, "/tasks")) == FAST.attempts and len(sleeps) == FAST.attempts - 1


def test_429_honours_retry_after(make_client: MakeClient, emu: Emulator, sleeps: Sleeps) -> None:
    client = publisher_client(make_client, emu)
    fault(emu, TASKS, "http429", count=2, seconds=3)
    assert list(client.iter_tasks()) == []
    assert sleeps == [3.0, 3.0] and len(request_log(emu, "/tasks")) == 3


def test_429_with_a_retry_after_beyond_the_limit_stops(make_client: MakeClient, emu: Emulator, sleeps: Sleeps) -> None:
    client = publisher_client(make_client, emu, retry=RetryPolicy(max_retry_after=10, base=0.01))
    fault(emu, TASKS, "http429", count=1, seconds=600)
    with pytest.raises(PortalError, match="rate-limiting requests \\(HTTP 429\\)") as e:
        list(client.iter_tasks())
    assert e.value.code == 429 and sleeps == []


def test_429_on_create_is_resent_and_creates_once(make_client: MakeClient, emu: Emulator, sleeps: Sleeps) -> None:
    client = publisher_client(make_client, emu)
    fault(emu, "createTask", "http429", count=1, seconds=1)
    client.create_task(gp_fields(emu))
    assert len(list(client.iter_tasks())) == 1 and sleeps == [1.0]
    lists = [e for e in request_log(emu, "/tasks", "GET") if e["path"].endswith("/tasks")]
    assert len(lists) == 1  # 429 = refused, not processed: resent without a lookup


@pytest.mark.parametrize("kind", ["drop", "http502", "arcgis_error"])
def test_a_create_of_unknown_outcome_is_checked_and_never_resent(make_client: MakeClient, emu: Emulator,
                                                                 kind: str) -> None:
    client = publisher_client(make_client, emu)
    fault(emu, "createTask", kind, count=1)
    with pytest.raises(PortalError) as e:
        client.create_task(gp_fields(emu))
    assert "the outcome is unknown: the portal did not show the change when checked, but may still make it, " \
           "so it was not sent again" in str(e.value)
    assert "hint: run plan again: it shows whether it landed" in str(e.value)
    paths = [e["path"].rsplit("/", 1)[-1] for e in request_log(emu)]
    assert paths == ["createTask", "tasks"]  # sent once, checked once


def test_a_create_the_portal_makes_after_the_check_lands_once(make_client: MakeClient, emu: Emulator) -> None:
    # The portal processes the create after the client gave up and after its check: resending
    # then made two tasks (each GP job ran twice).
    client = publisher_client(make_client, emu, timeout=0.2, sleep=time.sleep, retry=RetryPolicy(verify_delay=0.0))
    fault(emu, "createTask", "delay", count=1, seconds=0.6)
    with pytest.raises(PortalError, match="the outcome is unknown"):
        client.create_task(gp_fields(emu))
    time.sleep(0.8)
    assert len(list(client.iter_tasks())) == 1 and len(request_log(emu, "createTask")) == 1


def test_create_that_landed_but_whose_answer_was_lost_is_not_resent(make_client: MakeClient, emu: Emulator) -> None:
    # The emulator's "drop" fault drops before handling, so a create that *lands* and loses its
    # answer is made with a slow answer and a short client timeout, and a real wait before the check.
    client = publisher_client(make_client, emu, timeout=0.3, sleep=time.sleep, retry=RetryPolicy(verify_delay=0.6))
    fault(emu, "createTask", "delay", count=1, seconds=0.5)
    task_id = client.create_task(gp_fields(emu))
    assert [t.id for t in client.iter_tasks()] == [task_id]
    assert len(request_log(emu, "createTask")) == 1


def test_lookup_matches_the_requested_fields_not_just_the_title(make_client: MakeClient, emu: Emulator) -> None:
    client = publisher_client(make_client, emu)
    client.create_task(gp_fields(emu, max_occurrences=3))  # same title, other fields
    fault(emu, "createTask", "drop", count=1)
    with pytest.raises(PortalError, match="the outcome is unknown"):  # the other task is not taken for it
        client.create_task(gp_fields(emu))
    assert len(list(client.iter_tasks())) == 1


def test_update_of_unknown_outcome_is_checked_then_resent(make_client: MakeClient, emu: Emulator) -> None:
    client = publisher_client(make_client, emu)
    task = client.get_task(client.create_task(gp_fields(emu)))
    fault(emu, "/update$", "http502", count=1)
    client.update_task(task.id, gp_fields(emu, title="renamed"))
    assert client.get_task(task.id).title == "renamed"
    assert len(request_log(emu, "/update")) == 2


@pytest.mark.parametrize("operation", ["delete", "disable"])
def test_write_that_landed_is_not_resent(make_client: MakeClient, emu: Emulator, operation: str) -> None:
    client = publisher_client(make_client, emu, timeout=0.3, sleep=time.sleep, retry=RetryPolicy(verify_delay=0.6))
    task = client.get_task(client.create_task(gp_fields(emu)))
    fault(emu, f"/{operation}$", "delay", count=1, seconds=0.5)
    getattr(client, f"{operation}_task")(task.id)
    assert len(request_log(emu, f"/{operation}")) == 1


def test_enable_of_unknown_outcome_is_resent(make_client: MakeClient, emu: Emulator) -> None:
    client = publisher_client(make_client, emu)
    task = client.get_task(client.create_task(gp_fields(emu, active=False)))
    fault(emu, "/enable$", "drop", count=1)
    client.enable_task(task.id)
    assert client.get_task(task.id).active and len(request_log(emu, "/enable")) == 2


def test_paging_retries_a_failed_page(make_client: MakeClient, emu: Emulator) -> None:
    seed_tasks(emu, "publisher", 230)
    client = publisher_client(make_client, emu)
    fault(emu, TASKS, "http503", count=2)
    assert len({t.id for t in client.iter_tasks()}) == 230
    assert len([e for e in request_log(emu, "/tasks") if e["fault"] is None]) == 3


def test_connection_refused_is_retried_then_reported(emu: Emulator) -> None:
    with Emulator(port=0) as gone:
        url = gone.sharing_url
    sleeps = Sleeps()
    client = PortalClient(build_settings(portal=url, username="u", password="p"), retry=FAST, sleep=sleeps)
    with pytest.raises(PortalError) as e:
        client.me()
    assert "sign in: could not talk to 127.0.0.1:" in str(e.value) and "connection failed" in str(e.value)
    assert len(sleeps) == FAST.attempts - 1
    client.close()
