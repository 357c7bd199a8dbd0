"""Paging through the Sharing API's `start`/`num`/`nextStart`/`total` envelope (docs/portal-api.md §4),
trusting only what the portal sent.

A missed task would be planned as a create (a duplicate that runs twice), so a listing either
reads exactly the `total` tasks the portal announced, page after page, or fails with
ListingError. Every page must say the `total` (documented, §4; without it a short listing looks
whole) and continue where the previous one ended: its `nextStart` is its
`start` plus the number of tasks it actually holds (the portal may send fewer than asked), or
absent/-1 on the last page. Pages whose `total` disagrees (the list changed while it was read),
a `nextStart` that does not follow, more tasks than `total`, or fewer at the end are all
failures. Once the first page gives the page size and `total`, the next pages are fetched ahead
(at most `max_workers` in flight); a page that breaks the prediction makes the reader drop the
prefetched ones and go on from that page's `nextStart`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from reconciler.errors import PortalError

Page = dict[str, Any]


class ListingError(PortalError):
    """The portal's listing cannot be trusted to be complete; `detail` says why, with numbers."""

    def __init__(self, detail: str, *, operation: str | None = None) -> None:
        super().__init__(f"the listing is incomplete: {detail}", operation=operation,
                         hint="run plan again; if it persists, the portal's paging is inconsistent "
                              "(nothing is created or deleted on an incomplete listing)")
        self.detail = detail


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


class _Chain:
    """The running checks of one listing: continuity, totals, counts."""

    def __init__(self, operation: str, key: str) -> None:
        self.operation, self.key = operation, key
        self.total = 0  # set by the first page (every page must state it)
        self.read = 0
        self.next = 1

    def fail(self, message: str) -> ListingError:
        return ListingError(message, operation=self.operation)

    def add(self, start: int, page: Any) -> Page:
        if not isinstance(page, dict) or not isinstance(page.get(self.key), list):
            raise self.fail(f"the page from {start} has no list of {self.key}")
        count = len(page[self.key])
        total = _int(page.get("total"))
        if total is None or total < 0:  # without it nothing tells a short listing from a whole one
            raise self.fail(f"the page from {start} says no total (got {page.get('total')!r}), so it cannot be "
                            "checked")
        if start == 1:
            self.total = total
        elif total != self.total:
            raise self.fail(f"the total changed from {self.total} to {total} while the list was read")
        self.read += count
        if self.read > self.total:
            raise self.fail(f"{self.read} tasks read by the page from {start}, more than the total of {self.total}")
        following = _int(page.get("nextStart"))
        if following is None or following <= 0:
            self.next = -1
        elif count == 0:
            raise self.fail(f"the page from {start} is empty but says more tasks follow")
        elif following != start + count:
            raise self.fail(f"the page from {start} held {count} tasks but says the next starts at {following}"
                            f" (expected {start + count})")
        else:
            self.next = following
        return page

    def finish(self) -> None:
        if self.read != self.total:
            raise self.fail(f"{self.read} tasks read of the {self.total} the portal announced")


def iter_pages(fetch: Callable[[int], Any], *, max_workers: int, operation: str, key: str = "tasks") -> Iterator[Page]:
    """Yield every page: `fetch(start)` returns the page beginning at the 1-based `start`.

    Raises:
        ListingError: the pages do not add up to one complete listing (raised at the point the
            inconsistency shows, which may be after the last page was yielded).
    """
    chain = _Chain(operation, key)
    first = chain.add(1, fetch(1))
    yield first
    size = len(first[key])
    with ThreadPoolExecutor(max_workers=max(1, max_workers)) as pool:
        ahead: deque[tuple[int, Future[Any]]] = deque()
        predicted = chain.next
        while chain.next > 0:
            while 0 < predicted <= chain.total and len(ahead) < max_workers:
                ahead.append((predicted, pool.submit(fetch, predicted)))
                predicted += size  # > 0: an empty page with more to follow is refused
            if not ahead or ahead[0][0] != chain.next:
                for _, future in ahead:  # the prediction broke: drop the pages fetched ahead
                    future.cancel()
                ahead.clear()
                predicted = chain.next
                if chain.next > chain.total:
                    raise chain.fail(f"the page after {chain.read} tasks starts at {chain.next}, "
                                     f"past the total of {chain.total}")
                continue
            start, future = ahead.popleft()
            yield chain.add(start, future.result())
    chain.finish()
