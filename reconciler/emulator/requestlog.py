"""The log of requests received, for tests that count and inspect calls. Secrets are redacted."""

from __future__ import annotations

import threading
from collections import deque
from typing import Any

from reconciler.emulator.wire import Request

REDACTED = "<redacted>"
SECRET_KEYS = frozenset({"token", "password", "client_secret", "refresh_token", "code", "oauth_state", "access_token"})
MAX_ENTRIES = 10_000


class RequestLog:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: deque[dict[str, Any]] = deque(maxlen=MAX_ENTRIES)
        self.dropped = 0  # the oldest entries let go since the last clear (the log keeps MAX_ENTRIES)
        self.seen = 0  # requests recorded since the last clear, kept or not

    def record(self, req: Request, *, at_ms: int, fault: str | None = None, source: str = "http") -> None:
        entry = {
            "method": req.method,
            "path": req.path,
            "query": _redact(dict(req.query)),
            "form": _redact(dict(req.form)),
            "tokenIn": _token_location(req),
            "time": at_ms,
            "fault": fault,
            "source": source,  # "scheduler" for the submitJob calls it makes in-process
        }
        with self._lock:
            if len(self._entries) == MAX_ENTRIES:
                self.dropped += 1
            self._entries.append(entry)
            self.seen += 1

    def entries(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.dropped = self.seen = 0


def _redact(values: dict[str, str]) -> dict[str, str]:
    return {k: (REDACTED if k.lower() in SECRET_KEYS else v) for k, v in values.items()}


def _token_location(req: Request) -> str | None:
    if req.header("X-Esri-Authorization"):
        return "X-Esri-Authorization"
    if req.header("Authorization"):
        return "Authorization"
    return "param" if "token" in req.params else None
