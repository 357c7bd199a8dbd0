"""The apply lock on the portal (an item in the signed-in user's content), against the emulator
over HTTP: one holder at a time, a refusal that names the holder, waiting, expiry."""

from __future__ import annotations

import json
import threading
import time

import pytest

from reconciler.applying import lock
from reconciler.emulator.server import Emulator
from tests.conftest import signed_in

PROJECT = "[reconciler] "


def holder(name: str, now_ms: int | None = None, ttl_ms: int = lock.TTL_MS) -> lock.Holder:
    now = int(time.time() * 1000) if now_ms is None else now_ms
    return lock.Holder(user="publisher", host=name, ci_run=None, since_ms=now, until_ms=now + ttl_ms)


def test_a_second_apply_is_refused_naming_the_holder_and_leaves_no_item(emu: Emulator) -> None:
    with signed_in(emu) as a, signed_in(emu) as b:
        with lock.held(a.content(), project=PROJECT, holder=holder("runner-1"), timeout=0):
            with pytest.raises(lock.LockHeld) as refused:
                with lock.held(b.content(), project=PROJECT, holder=holder("runner-2"), timeout=0):
                    pass
            assert "another apply holds the lock of project '[reconciler] ' on this portal: publisher on runner-1" \
                in str(refused.value)
            assert len(a.content().titled(lock.lock_title(PROJECT))) == 1  # the refused one removed its item
        assert a.content().titled(lock.lock_title(PROJECT)) == []  # released


def test_other_projects_do_not_block_each_other(emu: Emulator) -> None:
    with signed_in(emu) as a:
        with lock.held(a.content(), project="[team-a] ", holder=holder("x"), timeout=0):
            with lock.held(a.content(), project="[team-b] ", holder=holder("y"), timeout=0):
                pass


def test_a_waiting_apply_takes_the_lock_when_the_holder_releases_it(emu: Emulator) -> None:
    released = threading.Event()
    with signed_in(emu) as a, signed_in(emu) as b:
        def hold_a_while() -> None:
            with lock.held(a.content(), project=PROJECT, holder=holder("first"), timeout=0):
                started.set()
                time.sleep(0.5)
            released.set()

        started = threading.Event()
        thread = threading.Thread(target=hold_a_while)
        thread.start()
        started.wait(5)
        with lock.held(b.content(), project=PROJECT, holder=holder("second"), timeout=10, sleep=lambda s: time.sleep(0.05)):
            assert released.is_set()
        thread.join()


def test_a_lock_left_by_a_killed_apply_expires(emu: Emulator) -> None:
    with signed_in(emu) as a:
        dead = holder("killed", now_ms=int(time.time() * 1000) - 2 * lock.TTL_MS)
        left = a.content().add(title=lock.lock_title(PROJECT), item_type=lock.ITEM_TYPE,
                               snippet=json.dumps({"user": "publisher", "host": "killed", "ci_run": None,
                                                   "since": "2026-01-01T00:00:00Z", "until": "2026-01-01T01:00:00Z"}))
        assert dead.until_ms < time.time() * 1000
        with lock.held(a.content(), project=PROJECT, holder=holder("next"), timeout=0):
            assert [i.id for i in a.content().titled(lock.lock_title(PROJECT))] != [left]


def test_a_claim_longer_than_the_lifetime_is_capped(emu: Emulator) -> None:
    with signed_in(emu) as a:
        now = int(time.time() * 1000)
        claim = lock.Holder(user="x", host="skewed", ci_run=None, since_ms=now - 2 * 3600_000, until_ms=now + 10**11)
        a.content().add(title=lock.lock_title(PROJECT), item_type=lock.ITEM_TYPE, snippet=lock._snippet(claim))
        with lock.held(a.content(), project=PROJECT, holder=holder("next"), timeout=0):
            pass


def test_the_holder_names_its_ci_run() -> None:
    env = {"GITHUB_RUN_ID": "42", "GITHUB_REPOSITORY": "org/gp-tasks", "GITHUB_SERVER_URL": "https://github.com"}
    who = lock.me("svc_gp", 1767225600000, env)
    assert who.describe() == f"svc_gp on {who.host}, CI run https://github.com/org/gp-tasks/actions/runs/42, " \
                             "since 2026-01-01T00:00:00Z"
