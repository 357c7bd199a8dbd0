"""Paging on its own (pages are plain dicts here; the HTTP path is in test_tasks.py): a listing is
complete, or it fails. Each lie a portal can tell about its pages is refused with the numbers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from reconciler.portal.paging import ListingError, iter_pages

Fetch = Callable[[int], dict[str, Any]]


def honest(count: int, *, page: int = 10, asked: list[int] | None = None) -> Fetch:
    """A portal holding tasks 1..count that answers `page` tasks per request, whatever is asked."""

    def fetch(start: int) -> dict[str, Any]:
        if asked is not None:
            asked.append(start)
        chunk = list(range(start, min(start + page, count + 1)))
        following = start + len(chunk) if start + len(chunk) <= count else -1
        return {"total": count, "start": start, "num": len(chunk), "nextStart": following, "tasks": chunk}

    return fetch


def tasks(fetch: Fetch, workers: int = 3) -> list[int]:
    return [t for p in iter_pages(fetch, max_workers=workers, operation="list tasks") for t in p["tasks"]]


def refused(fetch: Fetch) -> str:
    with pytest.raises(ListingError) as caught:
        tasks(fetch)
    return str(caught.value)


@pytest.mark.parametrize("count", [0, 1, 10, 35, 250])
@pytest.mark.parametrize("page", [1, 7, 10, 50])
def test_every_task_once_in_order_whatever_the_page_size(count: int, page: int) -> None:
    assert tasks(honest(count, page=page)) == list(range(1, count + 1))


def test_later_pages_follow_the_size_the_portal_sent_not_the_size_asked_for() -> None:
    # A portal that answers 50 per page (the client asks for 100): 101-150 must not be skipped.
    asked: list[int] = []
    assert tasks(honest(250, page=50, asked=asked)) == list(range(1, 251))
    assert sorted(asked) == [1, 51, 101, 151, 201]


def test_pages_are_fetched_ahead_but_never_more_than_the_workers() -> None:
    in_flight: list[int] = []
    peak = [0]
    inner = honest(100, page=10)

    def fetch(start: int) -> dict[str, Any]:
        in_flight.append(start)
        peak[0] = max(peak[0], len(in_flight))
        try:
            return inner(start)
        finally:
            in_flight.remove(start)

    assert tasks(fetch, workers=2) == list(range(1, 101))
    assert peak[0] <= 2


def test_a_page_shorter_than_predicted_is_followed_from_its_own_next_start() -> None:
    inner = honest(30, page=10)

    def fetch(start: int) -> dict[str, Any]:
        page = inner(start)
        if start == 11:  # this page holds 5, and says so
            page.update(tasks=page["tasks"][:5], nextStart=16)
        elif start > 11:
            page = {**honest(30, page=10)(start)}
        return page

    assert tasks(fetch) == list(range(1, 31))


def test_a_total_without_next_start_is_incomplete() -> None:
    def fetch(start: int) -> dict[str, Any]:
        return {"total": 250, "start": 1, "tasks": list(range(1, 101))}

    assert "100 tasks read of the 250 the portal announced" in refused(fetch)


def test_a_next_start_that_does_not_follow_the_page_is_refused() -> None:
    def fetch(start: int) -> dict[str, Any]:  # 50 tasks sent, nextStart as if 100 were
        return {"total": 250, "start": start, "nextStart": start + 100, "tasks": list(range(start, start + 50))}

    assert "the page from 1 held 50 tasks but says the next starts at 101 (expected 51)" in refused(fetch)


def test_a_portal_that_never_ends_stops_at_the_total() -> None:
    asked: list[int] = []

    def fetch(start: int) -> dict[str, Any]:
        asked.append(start)
        return {"total": 250, "start": start, "nextStart": start + 100, "tasks": list(range(start, start + 100))}

    assert "300 tasks read by the page from 201, more than the total of 250" in refused(fetch)
    assert len(asked) <= 6


def test_a_next_start_that_does_not_advance_is_refused() -> None:
    def fetch(start: int) -> dict[str, Any]:
        return {"total": 20, "start": start, "nextStart": 1, "tasks": []}

    assert "the page from 1 is empty but says more tasks follow" in refused(fetch)


def test_a_huge_total_queues_only_a_few_requests() -> None:
    asked: list[int] = []

    def fetch(start: int) -> dict[str, Any]:
        asked.append(start)
        if start > 200:
            return {"total": 10**9, "start": start, "nextStart": -1, "tasks": []}
        return {"total": 10**9, "start": start, "nextStart": start + 100, "tasks": list(range(start, start + 100))}

    assert "200 tasks read of the 1000000000 the portal announced" in refused(fetch)
    assert len(asked) <= 3 + 3


def test_a_total_that_changes_while_reading_is_refused() -> None:
    inner = honest(30, page=10)

    def fetch(start: int) -> dict[str, Any]:
        return {**inner(start), "total": 31} if start == 21 else inner(start)

    assert "the total changed from 30 to 31 while the list was read" in refused(fetch)


def test_a_page_past_the_total_is_refused() -> None:
    inner = honest(20, page=10)

    def fetch(start: int) -> dict[str, Any]:
        page = inner(start)
        return {**page, "nextStart": 21} if start == 11 else page

    assert "the page after 20 tasks starts at 21, past the total of 20" in refused(fetch)


@pytest.mark.parametrize("page", [None, [], "tasks", {"tasks": "abc"}, {"tasks": None}])
def test_an_answer_without_a_list_of_tasks_is_refused(page: Any) -> None:
    assert "the page from 1 has no list of tasks" in refused(lambda start: page)


@pytest.mark.parametrize("total", ["missing", "250", 250.0, None, True, -1])
def test_a_page_without_a_whole_number_total_is_refused(total: Any) -> None:
    # A string "250" without nextStart was read as a whole listing of 100: 150 duplicate creates.
    def fetch(start: int) -> dict[str, Any]:
        page: dict[str, Any] = {"start": 1, "tasks": list(range(1, 101))}
        if total != "missing":
            page["total"] = total
        return page

    assert "the page from 1 says no total" in refused(fetch)
