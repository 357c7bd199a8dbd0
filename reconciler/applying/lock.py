"""The apply lock: two applies of one project on one portal never write at the same time.

It must hold across machines (two CI runners), so it lives on the portal, as an item in the
signed-in user's own content (docs/portal-api.md §16) titled for the project:
1. add an item with that title, its snippet saying who holds it (user, host, CI run, since,
   until when);
2. list the user's items with that title: the oldest live one holds the lock. Items added in
   the same millisecond cannot be ordered, so their adders step back (remove theirs, wait a
   random moment, add again): an apply proceeds only when no other live item is as old as its
   own. A holder past its `until` was left by a killed apply: it is removed;
3. if ours is the holder, apply; else wait (`timeout`) or refuse, naming the holder, and remove
   ours either way; when done, remove ours.

Guarantees and limits (also in the README): two applies that sign in as the same account and
manage the same project exclude each other as long as the portal lists an added item at once
(its own content listing does [I]). Applies signing in as different accounts do not see each
other's lock. A lock lives `TTL` at most: an apply that runs longer may be joined by another
(apply reads the portal back and removes duplicates either way). A lock whose add had an
unknown outcome is refused, never retried blind.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from reconciler.errors import PortalError, ReconcilerError
from reconciler.instants import iso_ms, parse_instant, to_ms
from reconciler.portal.content import Item, UserContent
from reconciler.portal.http import WriteOutcomeUnknown

TTL_MS = 60 * 60 * 1000  # a lock no apply refreshes; one left by a killed apply expires after this
ITEM_TYPE = "Document Link"  # a URL item needs no file [I]
POLL_SECONDS = 2.0
RELEASE_ATTEMPTS = 5


class LockHeld(ReconcilerError):
    """Another apply holds the lock."""


@dataclass(frozen=True, kw_only=True)
class Holder:
    """Who holds (or wants) the lock, as the lock item's snippet says."""

    user: str
    host: str
    ci_run: str | None
    since_ms: int
    until_ms: int

    def describe(self) -> str:
        run = f", CI run {self.ci_run}" if self.ci_run else ""
        return f"{self.user} on {self.host}{run}, since {iso_ms(self.since_ms)}"


def lock_title(project: str) -> str:
    return f"reconciler apply lock: {project}"


def me(user: str, now_ms: int, environ: dict[str, str] | None = None) -> Holder:
    """This apply, with the CI run it belongs to when the environment says (GitHub Actions)."""
    env = os.environ if environ is None else environ
    run = None
    if env.get("GITHUB_RUN_ID"):
        run = f"{env.get('GITHUB_SERVER_URL', 'https://github.com')}/{env.get('GITHUB_REPOSITORY', '')}" \
              f"/actions/runs/{env['GITHUB_RUN_ID']}"
    return Holder(user=user, host=platform.node() or "unknown host", ci_run=run, since_ms=now_ms,
                  until_ms=now_ms + TTL_MS)


def _snippet(holder: Holder) -> str:
    return json.dumps({"user": holder.user, "host": holder.host, "ci_run": holder.ci_run,
                       "since": iso_ms(holder.since_ms), "until": iso_ms(holder.until_ms)})


def _holder(item: Item) -> Holder | None:
    """The holder an item's snippet describes; None when it cannot be read (then `created` +
    TTL bounds it)."""
    try:
        data = json.loads(item.snippet)
        since, until = data["since"], data["until"]
        return Holder(user=str(data["user"]), host=str(data["host"]), ci_run=data.get("ci_run"),
                      since_ms=_ms(since), until_ms=_ms(until))
    except (ValueError, KeyError, TypeError, RecursionError):  # RecursionError: nested deeper than the decoder goes
        return None


def _ms(text: str) -> int:
    value = to_ms(parse_instant(text))
    if value is None:
        raise ValueError(text)
    return value


@contextlib.contextmanager
def held(content: UserContent, *, project: str, holder: Holder, timeout: float,
         clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep,
         now_ms: Callable[[], int] = lambda: int(time.time() * 1000)) -> Iterator[None]:
    """Hold the project's lock on the portal for the duration of the block.

    Raises:
        LockHeld: another apply holds it (after waiting up to `timeout` seconds).
        PortalError: the lock item could not be added, listed or removed.
    """
    title, snippet = lock_title(project), _snippet(holder)
    mine = _add(content, title, snippet)
    try:
        deadline = clock() + timeout
        while True:
            live = _live(content, title, now_ms(), mine)
            ours = next((i for i in live if i.id == mine), None)
            if ours is None:  # removed behind our back: take a new place in the queue
                mine = _add(content, title, snippet)
                continue
            older = [i for i in live if i.id != mine and _created(i) < _created(ours)]
            if not older and not any(i.id != mine and _created(i) == _created(ours) for i in live):
                break
            if not older:  # added in the same millisecond: both step back, the first to return wins
                content.delete(mine)
                sleep(random.uniform(0.05, 0.5))
                mine = _add(content, title, snippet)
                continue
            if clock() >= deadline:
                who = _holder(older[0])
                raise LockHeld(
                    f"another apply holds the lock of project {project!r} on this portal: "
                    f"{who.describe() if who else f'item {older[0].id}'}\n"
                    "  hint: wait for it (--lock-timeout SECONDS waits), or, if that apply was killed, "
                    f"delete the item {older[0].id} from that user's content (it expires by itself an hour "
                    "after it was taken)",
                ) from None
            sleep(min(POLL_SECONDS, max(0.0, deadline - clock())))
        yield
    finally:
        _release(content, title, mine, sleep)


def _release(content: UserContent, title: str, mine: str, sleep: Callable[[float], None]) -> None:
    """Remove our lock item, trying again after a failure (a lock left behind blocks every apply
    of the project for an hour) until the listing no longer shows it."""
    for attempt in range(RELEASE_ATTEMPTS):
        try:
            content.delete(mine)
            return
        except PortalError:  # refused, failed or of unknown outcome: gone after all?
            with contextlib.suppress(PortalError):
                if all(i.id != mine for i in content.titled(title)):
                    return
        sleep(0.2 * 2**attempt)


def _created(item: Item) -> int:
    return item.created or 0


def _add(content: UserContent, title: str, snippet: str) -> str:
    """Our lock item's id; after an add of unknown outcome, the item with our exact snippet (it
    names this host and the millisecond we asked), never a second add."""
    try:
        return content.add(title=title, item_type=ITEM_TYPE, snippet=snippet)
    except WriteOutcomeUnknown:
        ours = [i for i in content.titled(title) if i.snippet == snippet]
        if not ours:
            raise PortalError("the lock item's creation has an unknown outcome and it is not listed",
                              hint=f"if it appears later, it blocks applies of this project for an hour: delete "
                                   f"the item titled {title!r} from your content, or wait") from None
        return ours[0].id


def _live(content: UserContent, title: str, now: int, mine: str) -> list[Item]:
    """The lock items still live, oldest first; items past their time are removed on the way."""
    live = []
    for item in sorted(content.titled(title), key=lambda i: (_created(i), i.id)):
        who = _holder(item)
        # A claim is capped at TTL from its own start (a hand-made item claiming a year); the
        # portal's `created` is not compared with this clock, which may differ from the portal's.
        until = min(who.until_ms, who.since_ms + TTL_MS) if who is not None else _created(item) + TTL_MS
        if until > now or item.id == mine:
            live.append(item)
        else:
            with contextlib.suppress(PortalError):
                content.delete(item.id)  # left by a killed apply
    return live
