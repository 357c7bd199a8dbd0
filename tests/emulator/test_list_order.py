"""Task listings' `status`, `sortField` and `sortOrder`: applied, refused when unknown, and
consistent with paging."""

from __future__ import annotations

from typing import Any

import pytest

from reconciler.emulator.server import Emulator

from .conftest import EVERY_5_MIN, Client, gp_task

TASKS = "community/users/publisher/tasks"
ALL = "portals/self/allScheduledTasks"


def _make(emu: Emulator, publisher: Client, titles: list[str]) -> list[str]:
    ids = []
    for title in titles:
        ids.append(publisher.create(**gp_task(emu, title=title))["taskId"])
        publisher.clock(advance="1")  # distinct created times
    return ids


def _every(client: Client, path: str, num: int, **filters: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    start = 1
    while start != -1:
        page = client.get(path, start=str(start), num=str(num), **filters)
        found += page["tasks"]
        start = page["nextStart"]
    return found


def test_status_filters_by_task_state(emu: Emulator, publisher: Client) -> None:
    active, paused, other = _make(emu, publisher, ["a", "b", "c"])
    publisher.post(f"{TASKS}/{paused}/disable")
    ids = lambda **f: [t["id"] for t in publisher.get(TASKS, **f)["tasks"]]  # noqa: E731
    assert ids(status="paused") == [paused]
    assert ids(status="active") == [active, other]
    assert ids(status="Paused,active") == [active, paused, other]
    assert ids(status="completed") == [] and publisher.get(TASKS, status="completed")["total"] == 0
    assert ids(status="failed") == []  # a documented state the emulator never sets


def test_status_reaches_the_disabled_state(emu: Emulator, publisher: Client) -> None:
    failing = publisher.create(**gp_task(emu, "Samples/AlwaysFails/GPServer/AlwaysFails", params={}))["taskId"]
    publisher.create(**gp_task(emu))
    publisher.clock(advance=str(5 * 300 + 10))
    assert [t["id"] for t in publisher.get(TASKS, status="disabled")["tasks"]] == [failing]


@pytest.mark.parametrize("params", [
    {"status": "running"}, {"sortField": "owner"}, {"sortField": "title", "sortOrder": "up"}, {"sortOrder": "random"},
])
def test_unknown_values_are_refused_not_ignored(emu: Emulator, publisher: Client, admin: Client, params: dict[str, str]) -> None:
    _make(emu, publisher, ["x"])
    for client, path in ((publisher, TASKS), (admin, ALL)):
        error = client.get(path, **params)["error"]
        assert error["code"] == 400 and any(name in error["message"] for name in params)


def test_sort_by_title_both_ways(emu: Emulator, publisher: Client) -> None:
    ids = dict(zip(["beta", "Alpha", "gamma"], _make(emu, publisher, ["beta", "Alpha", "gamma"]), strict=True))
    titles = lambda **f: [t["title"] for t in publisher.get(TASKS, **f)["tasks"]]  # noqa: E731
    assert titles() == ["beta", "Alpha", "gamma"]  # creation order by default
    assert titles(sortField="title") == ["Alpha", "beta", "gamma"]  # case-insensitive
    assert titles(sortField="TITLE", sortOrder="desc") == ["gamma", "beta", "Alpha"]
    assert titles(sortField="created", sortOrder="DESC") == ["gamma", "Alpha", "beta"]
    assert titles(sortOrder="desc") == ["gamma", "Alpha", "beta"]
    publisher.post(f"{TASKS}/{ids['gamma']}/update", title="gamma 2")  # then beta, a second later
    publisher.clock(advance="1")
    publisher.post(f"{TASKS}/{ids['beta']}/update", title="beta 2")
    assert titles(sortField="modified") == ["Alpha", "gamma 2", "beta 2"]
    assert titles(sortField="updated", sortOrder="desc") == ["beta 2", "gamma 2", "Alpha"]


def test_sort_by_next_start(emu: Emulator, publisher: Client) -> None:
    hourly = publisher.create(**gp_task(emu, title="hourly", minute="0", hour="*"))["taskId"]
    five = publisher.create(**gp_task(emu, title="five"))["taskId"]
    assert [t["id"] for t in publisher.get(TASKS, sortField="nextStart")["tasks"]] == [five, hourly]


def test_paging_stays_consistent_under_sorting(emu: Emulator, publisher: Client, admin: Client) -> None:
    titles = [f"t{(i * 7) % 5}" for i in range(11)]  # duplicates: ties must not break paging
    _make(emu, publisher, titles)
    admin.create("admin", type="ExecuteNotebook", itemId="b" * 32, title="t9", **EVERY_5_MIN)
    for client, path, total in ((publisher, TASKS, 11), (admin, ALL, 12)):
        for order in ("asc", "desc"):
            whole = client.get(path, num="100", sortField="title", sortOrder=order)["tasks"]
            paged = _every(client, path, 3, sortField="title", sortOrder=order)
            assert [t["id"] for t in paged] == [t["id"] for t in whole] and len({t["id"] for t in paged}) == total
            keys = [t["title"] for t in whole]
            assert keys == sorted(keys, reverse=order == "desc")


def test_org_listing_combines_status_and_user_filter(emu: Emulator, publisher: Client, admin: Client) -> None:
    (mine,) = _make(emu, publisher, ["p"])
    theirs = admin.create("admin", **gp_task(emu, title="a"))["taskId"]
    admin.post(f"community/users/admin/tasks/{theirs}/disable")
    assert [t["id"] for t in admin.get(ALL, status="paused")["tasks"]] == [theirs]
    assert [t["id"] for t in admin.get(ALL, status="active", userFilter="publisher")["tasks"]] == [mine]
    assert admin.get(ALL, status="paused", userFilter="publisher")["tasks"] == []
