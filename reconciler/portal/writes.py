"""How a write of unknown outcome is resolved, so a flaky network never creates duplicates.

A write is resent blindly only when it certainly never reached the portal (connection refused,
connect timeout) or was refused with 429: the HTTP layer does that. When the outcome is unknown
(dropped connection, read timeout, 5xx) the HTTP layer raises WriteOutcomeUnknown, and here the
client waits (`RetryPolicy.verify_delay`), then looks whether the write took effect:
- createTask: lists the owner's tasks for one with exactly the requested fields (title, type,
  schedule, parameters, item, task URL, dates, occurrences); found -> that is the new task;
- update/enable/disable: re-reads the task; already as requested -> done (they are idempotent
  in effect);
- delete: re-reads the task; gone (404) -> done.
Only when the change is not in place is the write sent once more; if that outcome is unknown
too, the error says so and the next `plan` shows the portal's real state. Titles are unique per
owner among managed tasks (the planner's ownership mark), which is what makes the create lookup
exact; a write that lands only after the lookup (a very slow portal) can still duplicate [I].
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from reconciler.errors import PortalError
from reconciler.portal.http import WriteOutcomeUnknown

T = TypeVar("T")
log = logging.getLogger("reconciler.portal")


def checked(send: Callable[[], dict[str, Any]], *, operation: str, landed: Callable[[], T | None],
            done: Callable[[dict[str, Any]], T], wait: Callable[[], None]) -> T:
    """Send a write; on an unknown outcome, `wait`, then return `landed()` if it finds the change
    in place, else send once more.

    Raises:
        PortalError: the portal refused the write, or its outcome is still unknown after the resend.
    """
    try:
        return done(send())
    except WriteOutcomeUnknown as first:
        log.warning("%s: outcome unknown (%s); checking the portal before sending again", operation, first.message)
    wait()
    found = landed()
    if found is not None:
        return found
    try:
        return done(send())
    except WriteOutcomeUnknown as again:
        raise PortalError(f"{again.message}; the outcome is unknown after one checked retry", code=again.code,
                          operation=operation, hint="run plan again to see what the portal holds now") from None
