"""What a failed request tells: whether it certainly never reached the server (safe to resend
any method), whether the server speaks plain HTTP where TLS was expected, the words for it, and
how long a Retry-After asks to wait. Used by the one choke-point, reconciler.portal.http."""

from __future__ import annotations

import requests
import urllib3


def plain_http(e: requests.RequestException) -> bool:
    """The TLS handshake got an answer that is no TLS record: a server speaking plain HTTP."""
    text = str(e).upper()
    return "WRONG_VERSION_NUMBER" in text or "RECORD_LAYER_FAILURE" in text or "HTTP_REQUEST" in text


def never_sent(e: requests.RequestException) -> bool:
    """True when the request certainly never reached the server (safe to resend any method)."""
    if isinstance(e, requests.exceptions.ConnectTimeout):
        return True
    reason = getattr(e.args[0], "reason", None) if e.args else None
    return isinstance(e, requests.ConnectionError) and isinstance(
        reason, (urllib3.exceptions.NewConnectionError, urllib3.exceptions.ConnectTimeoutError))


def describe(e: requests.RequestException) -> str:
    if isinstance(e, requests.exceptions.ReadTimeout):
        return "no answer within the timeout (--timeout)"
    if never_sent(e):
        return "connection failed"
    return "the connection was dropped"


def retry_after(value: str | None) -> float | None:
    """Seconds a Retry-After header asks for (delta-seconds or an HTTP date); None if absent or unreadable."""
    if not value:
        return None
    try:
        return float(urllib3.util.Retry().parse_retry_after(value))
    except urllib3.exceptions.InvalidHeader:
        return None
