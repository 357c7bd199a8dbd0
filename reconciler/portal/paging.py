"""Paging through the Sharing API's `start`/`num`/`nextStart` envelope (docs/portal-api.md §4).

The first page says `total`, so the starts of all remaining pages are known: they are fetched
concurrently (at most `max_workers` at once) and yielded in order. If the collection grew while
being read (the last page still has a `nextStart`), reading continues from there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

Page = dict[str, Any]


def remaining_starts(next_start: int, total: Any, page_size: int) -> list[int]:
    if isinstance(total, int) and total >= next_start:
        return list(range(next_start, total + 1, page_size))
    return [next_start]


def _next(page: Page) -> int:
    try:
        return int(page.get("nextStart", -1))
    except (TypeError, ValueError):
        return -1


def iter_pages(fetch: Callable[[int], Page], *, page_size: int, max_workers: int) -> Iterator[Page]:
    """Yield every page: `fetch(start)` returns the page beginning at the 1-based `start`."""
    page = fetch(1)
    yield page
    while _next(page) > 0:
        starts = remaining_starts(_next(page), page.get("total"), page_size)
        with ThreadPoolExecutor(max_workers=max(1, min(max_workers, len(starts)))) as pool:
            for page in pool.map(fetch, starts):
                yield page
        if _next(page) <= starts[-1]:
            break  # no progress: never loop on a confused portal
