"""How a write of unknown outcome is resolved, so a flaky network never creates duplicates.

A write is resent blindly only when it certainly never reached the portal (connection refused,
connect timeout) or was refused with 429: the HTTP layer does that. When the outcome is unknown
(dropped connection, read timeout, 5xx) the HTTP layer raises WriteOutcomeUnknown, and here the
client waits (`RetryPolicy.verify_delay`), then looks whether the write took effect:
- createTask: lists the owner's tasks for one with exactly the requested fields (title, type,
  schedule, parameters, item, task URL, dates, occurrences); found -> that is the new task. Not
  found proves nothing: the portal may still be processing it and land it later, so a create
  is NEVER resent. The error says the outcome is unknown; the next plan sees whether it landed
  (and creates it then if it did not), so a slow portal costs one more apply, never a duplicate.
- update/enable/disable: re-reads the task; already as requested -> done; else sent once more
  (they set the same values, so one landing late does no harm);
- delete: re-reads the task; gone (404) -> done; else sent once more, and a 404 to that means
  the first one landed meanwhile.
If the resend's outcome is unknown too, the error says so and the next `plan` shows the real state.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from reconciler.errors import NotFoundError, PortalError
from reconciler.portal.http import WriteOutcomeUnknown

T = TypeVar("T")
log = logging.getLogger("reconciler.portal")


def checked(send: Callable[[], dict[str, Any]], *, operation: str, landed: Callable[[], T | None],
            done: Callable[[dict[str, Any]], T], wait: Callable[[], None], resend: bool = True,
            gone: T | None = None) -> T:
    """Send a write; on an unknown outcome, `wait`, then return `landed()` if it finds the change
    in place, else (only if `resend`) send once more. `gone`: what a NotFoundError answer to the
    resend means (the first send landed meanwhile), for deletes.

    Raises:
        PortalError: the portal refused the write, or its outcome is still unknown (after the
            check, for a write never resent; after the resend for the others).
    """
    try:
        return done(send())
    except WriteOutcomeUnknown as first:
        unknown = first
        log.warning("%s: outcome unknown (%s); checking the portal", operation, first.message)
    wait()
    found = landed()
    if found is not None:
        return found
    if not resend:
        raise PortalError(f"{unknown.message}; the outcome is unknown: the portal did not show the change when "
                          "checked, but may still make it, so it was not sent again", code=unknown.code,
                          operation=operation, hint="run plan again: it shows whether it landed")
    try:
        return done(send())
    except NotFoundError:
        if gone is None:
            raise
        return gone
    except WriteOutcomeUnknown as again:
        raise PortalError(f"{again.message}; the outcome is unknown after one checked retry", code=again.code,
                          operation=operation, hint="run plan again to see what the portal holds now") from None
