"""The emulator's notion of "now": wall time until a test or demo takes control of it.

Once `set_ms` is called the clock is virtual and only moves when told (`/_emulator/clock`), which
makes the scheduler deterministic: nothing fires between two clock moves.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timezone

# Instants the emulator accepts for dates and clock moves: 1970-01-01T00:00:00Z through
# 9999-12-31T23:59:59.999Z. The portal stores Java longs; beyond this range Python's datetime
# cannot represent the instant (and Quartz never fires before 1970), so such values are a 400 [I].
MIN_MS = 0
MAX_MS = 253_402_300_799_999


class Clock:
    def __init__(self, virtual_ms: int | None = None) -> None:
        self._lock = threading.Lock()
        self._virtual_ms = virtual_ms

    @property
    def virtual(self) -> bool:
        return self._virtual_ms is not None

    def now_ms(self) -> int:
        with self._lock:
            if self._virtual_ms is not None:
                return self._virtual_ms
        return int(time.time() * 1000)

    def set_ms(self, value: int) -> None:
        with self._lock:
            self._virtual_ms = value


def to_datetime(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc)


def to_ms(value: datetime) -> int:
    return int(value.timestamp() * 1000)
