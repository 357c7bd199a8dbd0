"""The one exception root. The CLI maps ReconcilerError to exit 1 and anything else to exit 3."""

from __future__ import annotations


class ReconcilerError(Exception):
    """An expected failure the user can fix; its message says how."""


class UsageError(ReconcilerError):
    """Bad command-line input (a flag value, a missing directory)."""


class CronError(ReconcilerError):
    """A cron expression that Quartz (or the portal) would not accept.

    `field` is the Quartz field name ("second", "minute", ..., "year") or None for the
    expression as a whole; `token` is the offending text, so messages can point at it.
    """

    def __init__(self, message: str, *, field: str | None = None, token: str | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.token = token
