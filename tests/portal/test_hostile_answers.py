"""A portal (or whatever answers in its place) that drips, floods, nests or garbles its answers:
each is a clear PortalError within --timeout, never a hang, a traceback or unbounded memory.
A real local HTTP server sends the answers; the client is the product's own."""

from __future__ import annotations

import gzip
import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from reconciler.errors import PortalError
from reconciler.portal.client import PortalClient
from reconciler.portal.paging import ListingError
from reconciler.portal.settings import build_settings
from tests.portal.conftest import FAST

Answer = Callable[[BaseHTTPRequestHandler], None]
SELF = {"username": "publisher", "role": "org_publisher", "privileges": []}


def send(handler: BaseHTTPRequestHandler, body: bytes, *, headers: dict[str, str] | None = None,
         drip: float = 0.0) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    for key, value in (headers or {}).items():
        handler.send_header(key, value)
    handler.end_headers()
    if not drip:
        handler.wfile.write(body)
        return
    for byte in body:
        try:
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()
        except OSError:
            return
        time.sleep(drip)


@pytest.fixture
def portal() -> Iterator[Callable[[Answer], PortalClient]]:
    """A client (token auth: no sign-in request) against a server whose task listing answers as told."""
    servers: list[ThreadingHTTPServer] = []

    def make(tasks: Answer, *, timeout: float = 2.0, max_mb: float = 64) -> PortalClient:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if "/community/self" in self.path:
                    send(self, json.dumps(SELF).encode())
                else:
                    tasks(self)

            def log_message(self, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
        servers.append(server)
        settings = build_settings(portal=f"http://127.0.0.1:{server.server_port}/portal", token="t0k3n",
                                  timeout=timeout, max_response_mb=max_mb)
        return PortalClient(settings, retry=FAST, sleep=lambda s: None)

    yield make
    for server in servers:
        server.shutdown()
        server.server_close()


def page(tasks: list[Any], total: int | None = None) -> bytes:
    return json.dumps({"total": len(tasks) if total is None else total, "start": 1, "nextStart": -1,
                       "tasks": tasks}).encode()


def test_a_server_that_drips_its_answer_is_cut_off_at_the_timeout(portal: Callable[..., PortalClient]) -> None:
    client = portal(lambda h: send(h, page([]) + b" " * 100, drip=0.02), timeout=0.2)
    started = time.monotonic()
    with pytest.raises(PortalError) as caught:
        client.list_tasks()
    assert time.monotonic() - started < 0.2 * 5 * 2  # the policy's attempts, each cut at the timeout
    assert "no complete answer within 0.2 s (--timeout)" in str(caught.value)


def test_an_answer_larger_than_the_cap_is_refused(portal: Callable[..., PortalClient]) -> None:
    client = portal(lambda h: send(h, page([]) + b" " * 3_000_000), max_mb=1)
    with pytest.raises(PortalError) as caught:
        client.list_tasks()
    assert "the answer is larger than 1 MB" in str(caught.value)
    assert "raise --max-response-mb" in str(caught.value)


def test_a_compressed_answer_is_read(portal: Callable[..., PortalClient]) -> None:
    client = portal(lambda h: send(h, gzip.compress(page([])), headers={"Content-Encoding": "gzip"}))
    assert client.list_tasks().tasks == ()


def test_deeply_nested_json_is_a_clear_error(portal: Callable[..., PortalClient]) -> None:
    client = portal(lambda h: send(h, b"[" * 100_000 + b"]" * 100_000))
    with pytest.raises(PortalError) as caught:
        client.list_tasks()
    assert "is not ArcGIS JSON" in str(caught.value)


def test_a_login_page_answered_with_200_names_the_status_once(portal: Callable[..., PortalClient]) -> None:
    """An SSO or web-adaptor login page (HTML, HTTP 200): the status is said once, never "HTTP None"."""
    client = portal(lambda h: send(h, b"<html>login page</html>", headers={"Content-Type": "text/html"}))
    with pytest.raises(PortalError) as caught:
        client.list_tasks()
    text = str(caught.value)
    assert "is not ArcGIS JSON (HTTP 200)" in text and "None" not in text


GOOD: dict[str, Any] = {"id": "a1", "title": "[reconciler] x", "userId": "publisher",
        "cronSchedule": {"minute": "0", "hour": "2", "dayOfMonth": "*", "month": "*", "dayOfWeek": "?"}}


@pytest.mark.parametrize(("entry", "reason"), [
    ({**GOOD, "cronSchedule": None}, "task a1 has nothing in `cronSchedule`"),
    ({k: v for k, v in GOOD.items() if k != "title"}, "task a1 has nothing in `title`"),
    ({k: v for k, v in GOOD.items() if k != "id"}, "a task without an id has nothing in `id`"),
    ({**GOOD, "cronSchedule": {**GOOD["cronSchedule"], "hour": None}}, "task a1 has no value in `cronSchedule.hour`"),
    ({**GOOD, "maxOccurrences": {"x": 1}}, "task a1 has a value of the wrong type in `maxOccurrences`"),
    ({**GOOD, "parameters": [1, 2]}, "task a1 has a value of the wrong type in `parameters`"),
    ({**GOOD, "taskUrl": 7}, "task a1 has a value of the wrong type in `taskUrl`"),
    ({**GOOD, "parameters": json.loads('{"x": ' + "[" * 150 + "]" * 150 + "}")},
     "task a1 has a value of the wrong type in `parameters`"),  # the planner's walks are recursive
    ("not an object", "a task entry is str, not an object"),
])
def test_a_malformed_task_is_kept_as_unreadable_naming_the_field(portal: Callable[..., PortalClient],
                                                                 entry: Any, reason: str) -> None:
    listing = portal(lambda h: send(h, page([entry, {**GOOD, "id": "a2"}]))).list_tasks()
    assert [t.id for t in listing.tasks] == ["a2"]
    assert [u.reason for u in listing.unreadable] == [reason]


def test_iterating_tasks_raises_when_one_could_not_be_read(portal: Callable[..., PortalClient]) -> None:
    client = portal(lambda h: send(h, page([{**GOOD, "cronSchedule": 5}])))
    with pytest.raises(PortalError, match="task a1 has no object in `cronSchedule`"):
        list(client.iter_tasks())


def test_tasks_not_a_list_is_an_incomplete_listing(portal: Callable[..., PortalClient]) -> None:
    client = portal(lambda h: send(h, json.dumps({"total": 1, "tasks": {"id": "a1"}}).encode()))
    with pytest.raises(ListingError, match="the page from 1 has no list of tasks"):
        client.list_tasks()


def test_a_task_listed_twice_is_an_incomplete_listing(portal: Callable[..., PortalClient]) -> None:
    client = portal(lambda h: send(h, page([GOOD, GOOD])))
    with pytest.raises(ListingError, match="task a1 was listed twice"):
        client.list_tasks()


def nested(levels: int) -> Any:
    """Parameters `levels` deep as the client counts (a scalar is a level): {"a": [[...[1]...]]}."""
    value: Any = 1
    for _ in range(levels - 2):
        value = [value]
    return {"a": value}


def test_parameters_deeper_than_the_limit_are_refused_at_the_limit_exactly() -> None:
    """The bracket count skips the walk only where it cannot reach the limit (depth <= brackets + 1)."""
    from reconciler.jsonforms import MAX_DEPTH, depth
    from reconciler.portal.wire import MalformedTask, task_from_wire

    assert depth(nested(MAX_DEPTH)) == MAX_DEPTH and depth(nested(MAX_DEPTH + 1)) == MAX_DEPTH + 1
    assert task_from_wire({**GOOD, "parameters": nested(MAX_DEPTH)}).parameters == nested(MAX_DEPTH)
    with pytest.raises(MalformedTask, match="parameters"):
        task_from_wire({**GOOD, "parameters": nested(MAX_DEPTH + 1)})
