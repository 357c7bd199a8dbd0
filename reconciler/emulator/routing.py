"""A tiny route table: (methods, full-path regex) -> handler(ctx, req, groups)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reconciler.emulator.context import Context
from reconciler.emulator.wire import ApiError, Request

Handler = Callable[[Context, Request, dict[str, str]], Any]
READ = frozenset({"GET", "POST"})  # resources: REST JS POSTs everything (docs/portal-api.md §1)
WRITE = frozenset({"POST"})  # operations are POST only (§1)
ANY = frozenset({"GET", "POST", "DELETE"})


@dataclass(frozen=True)
class Route:
    methods: frozenset[str]
    pattern: re.Pattern[str]
    handler: Handler


def route(methods: frozenset[str], prefix: str, pattern: str, handler: Handler) -> Route:
    return Route(methods, re.compile(re.escape(prefix) + pattern + r"/?"), handler)


def dispatch(routes: list[Route], ctx: Context, req: Request) -> Any:
    for r in routes:
        m = r.pattern.fullmatch(req.path)
        if m is None:
            continue
        if req.method not in r.methods:
            # Operations answer GET with an envelope, never a bare 405 [I].
            raise ApiError(405, f"Method {req.method} not supported for this resource or operation.")
        return r.handler(ctx, req, m.groupdict())
    raise ApiError(404, "Resource not found.", [f"{req.path} does not exist on this emulator."])
