"""What a GitHub API answer means, pure: the JSON shape we need or a one-line error, a rate limit
named as such (with its reset time), GitHub's own reasons for a 422, and whether and how long to
wait before asking again. reconciler.github.api does the HTTP."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from reconciler.errors import ReconcilerError

MAX_WAIT = 60.0  # seconds: a limit that resets later than this fails the step now, saying when
BACKOFF = (2.0, 5.0, 10.0)  # the waits before the 2nd, 3rd and 4th try of a call that may be retried
TRANSIENT = (500, 502, 503, 504)
_HINTS = {
    401: "the token was refused: pass GITHUB_TOKEN (or a token of your own) to the step",
    403: "the token may not do this: give the job `pull-requests: write` (comments) or `issues: write` "
         "(the drift issue) in its `permissions:`",
    404: "not found: check GITHUB_REPOSITORY, or the token cannot see this repository",
}


class GitHubError(ReconcilerError):
    """A GitHub API call failed (the message is safe to print: no token in it)."""


class MaybeLanded(GitHubError):
    """A write that GitHub may have carried out although it failed (a 5xx, a lost connection):
    look before sending it again."""


@dataclass(frozen=True)
class Answer:
    """The parts of an HTTP answer that decide what it means."""

    status: int
    headers: Mapping[str, str]  # case-insensitive (requests' own mapping)
    data: Any  # the JSON, or None when the body is empty or not JSON
    content_type: str = ""
    empty: bool = False  # no body at all (not: a body that is not JSON)
    next: str | None = None  # the Link header's next page


def _said(data: Any) -> str:
    """GitHub's message, and for a 422 the reasons in errors[] (e.g. "body is too long")."""
    if not isinstance(data, dict):
        return ""
    said = str(data.get("message") or "")
    reasons = []
    errors = data.get("errors")
    for error in errors if isinstance(errors, list) else []:
        if isinstance(error, dict):
            reason = error.get("message") or " ".join(str(error[k]) for k in ("resource", "field", "code") if error.get(k))
            reasons.append(str(reason))
        elif isinstance(error, str):
            reasons.append(error)
    return "; ".join(part for part in (said, *reasons) if part)


def is_rate_limit(answer: Answer) -> bool:
    if answer.status == 429:
        return True
    return answer.status == 403 and (answer.headers.get("x-ratelimit-remaining") == "0"
                                     or "rate limit" in _said(answer.data).lower())


def wait_for(answer: Answer, now: float) -> float | None:
    """Seconds until GitHub would take the call again (Retry-After, else the rate limit's reset),
    None when the answer says nothing about it."""
    after = answer.headers.get("retry-after", "")
    if after.strip().isdigit():
        return float(after)
    reset = answer.headers.get("x-ratelimit-reset", "")
    if reset.strip().isdigit() and answer.headers.get("x-ratelimit-remaining") == "0":
        return max(0.0, float(reset) - now)
    return None


def may_retry(answer: Answer, *, attempt: int, safe: bool, now: float) -> float | None:
    """The wait before trying again, or None to fail now. A refused call (a rate limit) never
    landed, so any may be sent again; a 5xx is retried only when `safe` (a read, or a write whose
    repeat changes nothing)."""
    if attempt >= len(BACKOFF):
        return None
    if is_rate_limit(answer):
        wait = wait_for(answer, now)
        wait = BACKOFF[attempt] if wait is None else wait + 1.0
        return wait if wait <= MAX_WAIT else None
    if answer.status in TRANSIENT and safe:
        return BACKOFF[attempt]
    return None


def _when(answer: Answer, now: float) -> str:
    wait = wait_for(answer, now)
    if wait is None:
        return ""
    at = datetime.fromtimestamp(now + wait, tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
    return f"; it resets at {at} (in {max(1, round(wait / 60))} min)" if wait >= 60 else f"; try again in {wait:.0f} s"


def failure(call: str, answer: Answer, *, now: float | None = None) -> GitHubError:
    """The one-line error for a refused call: a rate limit is named as one, not as a permission."""
    now = time.time() if now is None else now
    said = _said(answer.data)
    head = f"{call}: HTTP {answer.status}" + (f": {said}" if said else "")
    if is_rate_limit(answer):
        return GitHubError(f"{head} (GitHub's rate limit for this token{_when(answer, now)}; the token's "
                           "permissions are not the problem)")
    if answer.status in TRANSIENT:
        return MaybeLanded(f"{head} (GitHub failed; it may be down: https://www.githubstatus.com)")
    hint = _HINTS.get(answer.status, "")
    return GitHubError(head + (f" ({hint})" if hint else ""))


def not_json(call: str, answer: Answer) -> GitHubError:
    what = answer.content_type.split(";")[0].strip() or "no content type"
    return GitHubError(f"{call}: the answer is not JSON (HTTP {answer.status}, {what}): is GITHUB_API_URL the API "
                       "(https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server)?")


def expect(call: str, data: Any, kind: type) -> Any:
    """`data` when it is a JSON object (dict) or array (list) as `kind` says, else a clear error."""
    if not isinstance(data, kind):
        shown = "nothing" if data is None else f"a JSON {type(data).__name__}"
        wanted = "an object" if kind is dict else "a list"
        raise GitHubError(f"{call}: expected {wanted} in the answer, got {shown}")
    return data
