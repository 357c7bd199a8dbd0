"""Paging logic on its own (pure: pages are plain dicts here; the HTTP path is in test_tasks.py)."""

from __future__ import annotations

from reconciler.portal.paging import iter_pages, remaining_starts


def pages_of(items: list[int], total_after_first: int | None = None):
    asked: list[int] = []

    def fetch(start: int) -> dict:
        asked.append(start)
        size = len(items) if total_after_first is None or start == 1 else total_after_first
        chunk = list(range(start, min(start + 10, size + 1)))
        nxt = start + 10 if start + 10 <= size else -1
        return {"total": len(items) if start == 1 else size, "start": start, "nextStart": nxt, "tasks": chunk}

    return fetch, asked


def test_remaining_starts() -> None:
    assert remaining_starts(101, 250, 100) == [101, 201]
    assert remaining_starts(101, None, 100) == [101]


def test_all_pages_in_order() -> None:
    fetch, asked = pages_of(list(range(35)))
    pages = list(iter_pages(fetch, page_size=10, max_workers=3))
    assert [p["start"] for p in pages] == [1, 11, 21, 31] and sorted(asked) == [1, 11, 21, 31]


def test_collection_that_grew_while_read_is_followed() -> None:
    fetch, asked = pages_of(list(range(25)), total_after_first=45)
    pages = list(iter_pages(fetch, page_size=10, max_workers=2))
    assert [p["start"] for p in pages] == [1, 11, 21, 31, 41]


def test_a_portal_that_makes_no_progress_does_not_loop() -> None:
    def fetch(start: int) -> dict:
        return {"total": 20, "start": start, "nextStart": 11, "tasks": [start]}

    assert [p["start"] for p in iter_pages(fetch, page_size=10, max_workers=2)] == [1, 11]
