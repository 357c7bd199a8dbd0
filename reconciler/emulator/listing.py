"""Task listings (a user's `tasks`, the organisation's `allScheduledTasks`): paging, filters, order.

Filters `itemId`, `active`, `types` (docs/portal-api.md §6.1, §6.11) and, from the newest list
page, `status`, `sortField` and `sortOrder` [D-partial]: their value lists are not documented, so
the emulator takes task states for `status` and a plausible set of fields for `sortField` [I], and
refuses any other value (400) rather than ignore it, so a client relying on them is not fooled.
"""

from __future__ import annotations

from typing import Any

from reconciler.emulator import tasks
from reconciler.emulator.context import Context
from reconciler.emulator.store import SORT_FIELDS
from reconciler.emulator.wire import Request, bad_request, bool_param, int_param

DEFAULT_NUM = 10
MAX_NUM = 100  # num above the documented maximum is clamped (§4) [I]
# The states the emulator sets, plus the other two the docs and UI name, which it never sets (§11).
STATES = ("active", "paused", "completed", "disabled", "failed", "inactive")
# sortField values, case-insensitive [D]; which fields is not documented [I]. `modified` is an alias
# of `updated` (items call it modified).
_SORT_NAMES = {**{f.lower(): f for f in SORT_FIELDS}, "modified": "updated"}


def page(req: Request) -> tuple[int, int]:
    """(start, num). A value that is not an integer in range falls back to the default: `start`
    below 1 (or not an integer) -> 1, `num` below 1 (or not an integer, e.g. `1.5`) -> 10, above 100
    -> 100 [I]. The docs only give the default and the maximum; falling back to the default (rather
    than a 400) is the emulator's choice, as with the clamp above 100, and it keeps `nextStart` loops
    (arcgis: `while nextStart != -1`) finite and complete: a page is never empty while tasks remain."""
    start = int_param(req, "start", strict=False)
    num = int_param(req, "num", strict=False)
    return (start if start is not None and start >= 1 else 1,
            min(num, MAX_NUM) if num is not None and num >= 1 else DEFAULT_NUM)


def states(req: Request) -> list[str] | None:
    """`status`: one task state or a comma list, case-insensitive [I]."""
    wanted = [s.strip().lower() for s in (req.param("status") or "").split(",") if s.strip()]
    unknown = [s for s in wanted if s not in STATES]
    if unknown:
        raise bad_request("Invalid value for 'status'.",
                          f"Unknown task status {', '.join(map(repr, unknown))}; use one or more of {', '.join(STATES)}.")
    return wanted or None


def order(req: Request) -> tuple[str, bool] | None:
    """(`sortField` as a stored field or "" for creation order, descending); None: creation order.
    `sortOrder` is `asc` (default [D]) or `desc`, case-insensitive [I]."""
    raw_field = (req.param("sortField") or "").strip()
    raw_order = (req.param("sortOrder") or "").strip().lower()
    if raw_order not in ("", "asc", "desc"):
        raise bad_request("Invalid value for 'sortOrder'.", f"'sortOrder' must be asc or desc, got {raw_order!r}.")
    name = _SORT_NAMES.get(raw_field.lower()) if raw_field else ""
    if name is None:
        raise bad_request("Invalid value for 'sortField'.",
                          f"Cannot sort tasks by {raw_field!r}; use one of {', '.join(_SORT_NAMES)}.")
    if not name and not raw_order:
        return None
    return name, raw_order == "desc"


def listing(ctx: Context, req: Request, *, user_id: str | None) -> dict[str, Any]:
    start, num = page(req)
    num = min(num, ctx.settings.page_size)
    types = [t for t in (req.param("types") or "").split(",") if t]  # comma list accepted [I]
    total, found = ctx.store.tasks(
        user_id=user_id, active=bool_param(req, "active"), types=types or None,
        item_id=req.param("itemId") or None, states=states(req), order=order(req), offset=start - 1, limit=num,
    )
    more = start - 1 + len(found) < total
    # `num` echoes how many tasks this page holds, as in the doc sample (total 1, num 1) [I].
    return {"total": total, "start": start, "num": len(found), "nextStart": start + len(found) if more else -1,
            "tasks": [tasks.task_json(t) for t in found]}
