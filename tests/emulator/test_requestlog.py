"""The request log says when it let entries go (it keeps the newest MAX_ENTRIES)."""

from __future__ import annotations

import pytest

from reconciler.emulator import requestlog
from reconciler.emulator.wire import Request


def test_the_log_counts_what_it_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(requestlog, "MAX_ENTRIES", 3)
    log = requestlog.RequestLog()
    for i in range(5):
        log.record(Request(method="GET", path=f"/p{i}", query={}, form={}, headers={}, body=b""), at_ms=i)
    assert [e["path"] for e in log.entries()] == ["/p2", "/p3", "/p4"]
    assert (log.seen, log.dropped) == (5, 2)
    log.clear()
    assert (log.seen, log.dropped, log.entries()) == (0, 0, [])
