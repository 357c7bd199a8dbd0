"""When and how long to wait before trying a request again. Pure apart from the injected RNG.

Policy (why writes are handled so: reconciler/portal/writes.py):
- a request that never reached the server (connection refused, connect timeout) is retried,
  whatever its method;
- 429 is retried whatever the method, waiting what `Retry-After` asks (seconds or an HTTP date,
  read by urllib3 in reconciler.portal.http; rate limiters refuse the request before it is
  processed) [I];
- reads (GET, and generateToken) are retried on dropped connections, read timeouts and 5xx;
- writes are never retried blindly after they may have reached the server: the HTTP layer raises
  WriteOutcomeUnknown and the client first checks whether the write took effect.
Backoff is capped exponential with "equal jitter": base * 2**n, capped, then between half and all
of it, so parallel clients do not retry in lock-step.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True, kw_only=True)
class RetryPolicy:
    """`attempts` counts tries in all (1 = no retry); delays in seconds."""

    attempts: int = 5
    base: float = 0.5
    cap: float = 20.0
    max_retry_after: float = 120.0  # a longer Retry-After gives up with a clear error instead
    verify_delay: float = 2.0  # before checking whether a write of unknown outcome landed
    random: Callable[[], float] = field(default=random.random, repr=False, compare=False)

    def backoff(self, retry: int) -> float:
        """Delay before retry number `retry` (0-based)."""
        full = min(self.cap, self.base * 2.0**retry)
        return full / 2 + self.random() * full / 2

    def delay(self, retry: int, retry_after: float | None) -> float | None:
        """Seconds to wait before retry `retry`, or None when the policy says stop."""
        if retry + 1 >= self.attempts:
            return None
        if retry_after is not None:
            return retry_after if retry_after <= self.max_retry_after else None
        return self.backoff(retry)

