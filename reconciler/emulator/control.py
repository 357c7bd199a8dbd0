"""The `/_emulator/` control API: virtual clock, fault injection, token expiry, request log.

It lives at the server's origin, outside every ArcGIS context path, so it cannot clash with them,
and is served only on loopback unless explicitly enabled (see README.md).
"""

from __future__ import annotations

import json
import math
from typing import Any

from reconciler.emulator.clock import MAX_MS, MIN_MS
from reconciler.emulator.context import Context
from reconciler.emulator.faults import FaultError
from reconciler.emulator.routing import ANY, READ, Route, route
from reconciler.emulator.scheduler import Scheduler
from reconciler.emulator.wire import ApiError, Request, bad_request, int_param

PREFIX = "/_emulator"


def _float_param(req: Request, name: str) -> float | None:
    raw = req.param(name)
    if raw is None or raw.strip() == "":
        return None
    try:
        value = float(raw)
    except ValueError:
        raise bad_request(f"Invalid value for '{name}'.", f"'{name}' must be a number.") from None
    if not math.isfinite(value):
        raise bad_request(f"Invalid value for '{name}'.", f"'{name}' must be a finite number.")
    return value


def routes(scheduler: Scheduler) -> list[Route]:
    def clock(ctx: Context, req: Request, g: dict[str, str]) -> dict[str, Any]:
        events = 0
        if req.method == "POST":
            advance, target = _float_param(req, "advance"), int_param(req, "set", lo=MIN_MS, hi=MAX_MS)
            if (advance is None) == (target is None):
                raise bad_request("Send exactly one of 'advance' (seconds) or 'set' (epoch ms).")
            if target is None:
                target = ctx.clock.now_ms() + int(round((advance or 0) * 1000))
                if not MIN_MS <= target <= MAX_MS:
                    raise bad_request("Invalid value for 'advance'.", "The clock would leave 1970..9999.")
            if not ctx.clock.virtual:
                ctx.clock.set_ms(ctx.clock.now_ms())  # freeze: from now on time moves only when told
            events = scheduler.advance(target)
        return {"now": ctx.clock.now_ms(), "virtual": ctx.clock.virtual, "events": events}

    def faults(ctx: Context, req: Request, g: dict[str, str]) -> dict[str, Any]:
        if req.method == "DELETE":
            ctx.faults.clear()
        elif req.method == "POST":
            try:
                spec = json.loads(req.body or b"{}") if req.body.strip().startswith(b"{") else dict(req.params)
                ctx.faults.add(spec)
            except (ValueError, FaultError) as e:
                raise bad_request("Invalid fault.", str(e)) from None
        return {"faults": ctx.faults.pending()}

    def expire_tokens(ctx: Context, req: Request, g: dict[str, str]) -> dict[str, Any]:
        if req.method != "POST":
            raise ApiError(405, "Use POST.")
        return {"success": True, "expired": ctx.store.delete_tokens()}

    def requests(ctx: Context, req: Request, g: dict[str, str]) -> dict[str, Any]:
        if req.method == "DELETE":
            ctx.log.clear()
        # `dropped`: the oldest entries the log let go (it keeps the newest 10,000); `count`: every one.
        return {"requests": ctx.log.entries(), "count": ctx.log.seen, "dropped": ctx.log.dropped}

    return [
        route(READ, PREFIX, "/clock", clock),
        route(ANY, PREFIX, "/faults", faults),
        route(READ, PREFIX, "/expire-tokens", expire_tokens),
        route(ANY, PREFIX, "/requests", requests),
    ]
