"""The ArcGIS error envelope -> the exception tree, with a hint for the common cases. Pure.

ArcGIS answers failures with HTTP 200 and `{"error": {"code", "message", "details",
"messageCode"?}}` (docs/portal-api.md §3); both Esri clients treat any body with "error" as a
failure, and so does this module.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from reconciler.errors import AuthError, NotFoundError, PermissionDeniedError, PortalError
from reconciler.masking import mask_credentials

HINTS = {
    401: "the portal refused the credentials: check RECONCILER_USERNAME/RECONCILER_PASSWORD or RECONCILER_TOKEN",
    498: "the token is invalid or expired: sign in again with RECONCILER_USERNAME/RECONCILER_PASSWORD, "
         "or set a fresh RECONCILER_TOKEN",
    499: "the portal wants a token: set RECONCILER_USERNAME and RECONCILER_PASSWORD, or RECONCILER_TOKEN",
    403: "the signed-in user lacks a privilege for this, or the tasks belong to someone else: sign in as the "
         "owner (the project file's owner, or --owner) or as an administrator, and check the user's role",
    404: "it does not exist (any more): check the ID and --owner; it may have been deleted on the portal",
    429: "the portal is rate-limiting requests: wait a little and run again",
    500: "the portal failed internally: try again later; if it persists, check the portal's logs",
}
BAD_CREDENTIALS = "check RECONCILER_USERNAME and RECONCILER_PASSWORD (usernames are case-sensitive)"
WRONG_PORTAL = "check --portal: give the portal root (https://host/portal) or its .../sharing/rest URL"
CLASSES: dict[int, type[PortalError]] = {
    401: AuthError, 498: AuthError, 499: AuthError, 403: PermissionDeniedError, 404: NotFoundError,
}


def hint_for(code: int | None) -> str | None:
    if code is None:
        return None
    if code in HINTS:
        return HINTS[code]
    return HINTS[500] if 500 <= code < 600 else None


def error_of(body: Any) -> Mapping[str, Any] | None:
    """The error object of a decoded body, or None when the body reports success."""
    if not isinstance(body, Mapping):
        return None
    error = body.get("error")
    if isinstance(error, Mapping):
        return error
    if "error" in body:
        return {"message": str(body["error"])}
    # Admin-API failures are {"status": "error", "messages": [...]} (§3). REST JS also treats
    # "failed"/"failure" as errors, but a Sharing API run's own `status` can be "failed" (§8), so
    # only "error" (never a run status) is read that way here.
    if body.get("status") == "error":
        messages = body.get("messages") or [body.get("statusMessage") or "The operation failed."]
        return {"code": body.get("code"), "message": "; ".join(map(str, messages))}
    if body.get("success") is False:
        return {"message": "The portal reported the operation as not successful."}
    return None


def _code(error: Mapping[str, Any]) -> int | None:
    try:
        return int(error["code"]) if error.get("code") is not None else None
    except (TypeError, ValueError):
        return None


def _details(error: Mapping[str, Any]) -> tuple[str, ...]:
    raw = error.get("details")
    if isinstance(raw, str):  # arcgis copes with a plain string (§3)
        raw = [raw]
    items = [str(d) for d in raw or () if d]
    if error.get("description"):
        items.append(str(error["description"]))
    return tuple(items)


def to_exception(error: Mapping[str, Any], *, operation: str, secrets: Iterable[str] = (),
                 credentials_check: bool = False) -> PortalError:
    """The PortalError subclass for an error object, secrets removed, with a hint.

    `credentials_check` marks a generateToken call, where any refusal means bad credentials
    (the portal says 400 "Unable to generate token." [I from the emulator; undocumented]).
    """
    secrets = tuple(secrets)
    code = _code(error)
    message = mask_credentials(str(error.get("message") or "The portal reported an error."), secrets)
    details = tuple(mask_credentials(d, secrets) for d in _details(error))
    if credentials_check and code in (400, 401, 403, None):
        return AuthError(message, code=code, details=details, hint=BAD_CREDENTIALS, operation=operation)
    if credentials_check and code == 404:
        return NotFoundError(message, code=code, details=details, hint=WRONG_PORTAL, operation=operation)
    cls = CLASSES.get(code or 0, PortalError)
    return cls(message, code=code, details=details, hint=hint_for(code), operation=operation)
