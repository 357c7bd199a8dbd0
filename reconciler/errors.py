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


class ConfigError(ReconcilerError):
    """Connection settings that cannot work (missing portal, plain HTTP, a password in a file)."""


class PortalError(ReconcilerError):
    """The portal (or the network to it) refused or failed a request.

    `code` is the ArcGIS error code (usually an HTTP status; None for transport failures), or
    the answer's HTTP status when `http` (no ArcGIS error envelope: a proxy, a redirect),
    `message` and `details` are the portal's words, `hint` says what to do about it. Secrets
    are removed before any of these are stored, so the exception is safe to print.
    """

    def __init__(
        self,
        message: str,
        *,
        code: int | None = None,
        details: tuple[str, ...] = (),
        hint: str | None = None,
        operation: str | None = None,
        http: bool = False,
    ) -> None:
        self.code = code
        self.http = http  # `code` is the HTTP status of the answer, not an ArcGIS error code
        self.message = message
        self.details = details
        self.hint = hint
        self.operation = operation
        super().__init__(self._text())

    def _text(self) -> str:
        head = f"{self.operation}: " if self.operation else ""
        code = f" (ArcGIS error {self.code})" if self.code is not None else ""
        if self.http:  # an HTTP status is named as one, once
            code = "" if self.code is None or f"HTTP {self.code}" in self.message else f" (HTTP {self.code})"
        lines = [f"{head}{self.message}{code}"]
        lines += [f"  {d}" for d in self.details if d and d != self.message]
        if self.hint:
            lines.append(f"  hint: {self.hint}")
        return "\n".join(lines)


class AuthError(PortalError):
    """Bad credentials, a missing token (499) or an invalid/expired one (498)."""


class PermissionDeniedError(PortalError):
    """The signed-in user may not do this (403)."""


class NotFoundError(PortalError):
    """The task, run, user or resource does not exist (404)."""
