"""The ArcGIS wire conventions: parsed requests, the error envelope, typed parameter reading.

ArcGIS answers every failure with HTTP 200 and `{"error": {...}}` (docs/portal-api.md §3), and
clients JSON-encode objects, lists and booleans into form fields (§1), so both live here once.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, kw_only=True)
class Request:
    """One HTTP request: the query string and the form body apart, `params` both (the body wins);
    `headers` keys are lower-case."""

    method: str
    path: str
    query: Mapping[str, str] = field(default_factory=dict)
    form: Mapping[str, str] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""

    @functools.cached_property
    def params(self) -> Mapping[str, str]:
        return {**self.query, **self.form}

    def param(self, name: str) -> str | None:
        return self.params.get(name)

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    @property
    def pretty(self) -> bool:
        return self.params.get("f") == "pjson"


@dataclass(frozen=True, kw_only=True)
class Response:
    """A raw answer for the few places that are not an ArcGIS JSON body (redirects, HTML, faults)."""

    status: int = 200
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)


class ApiError(Exception):
    """An ArcGIS error: becomes `{"error": {"code", "message", "details"}}` with HTTP 200."""

    def __init__(self, code: int, message: str, details: list[str] | None = None, *, message_code: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details or []
        self.message_code = message_code

    def envelope(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message, "details": list(self.details)}
        if self.message_code:
            error["messageCode"] = self.message_code
        return {"error": error}


def bad_request(message: str, *details: str) -> ApiError:
    return ApiError(400, message, list(details))


def forbidden(*details: str) -> ApiError:
    # General ArcGIS wording; task-specific messages are undocumented (docs/portal-api.md §3) [I].
    return ApiError(403, "You do not have permissions to access this resource or perform this operation.", list(details))


def not_found(message: str) -> ApiError:
    return ApiError(404, message)


def render_json(data: Any, *, pretty: bool) -> bytes:
    if pretty:
        return json.dumps(data, indent=2).encode()
    return json.dumps(data, separators=(",", ":")).encode()


JAVA_INT_MIN, JAVA_INT_MAX = -(2**31), 2**31 - 1
ASCII_SPACE = " \t\r\n\f\v"
_INTEGER = re.compile(r"[+-]?[0-9]+")


def parse_int(raw: str) -> int | None:
    """The integer an ArcGIS (Java) server would parse: ASCII digits with an optional sign, nothing
    else. Python's int() is looser (`1_000`, Unicode digits, `1e3` via float): those are refused [I].
    Surrounding ASCII whitespace is tolerated, as the emulator always has."""
    text = raw.strip(ASCII_SPACE)
    return int(text) if _INTEGER.fullmatch(text) else None


def int_param(req: Request, name: str, *, lo: int = JAVA_INT_MIN, hi: int = JAVA_INT_MAX,
              strict: bool = True) -> int | None:
    """An integer field in [lo, hi] (default: a Java int, as the portal's own fields are [I]); absent
    or empty means None; anything else (a fraction, an exponent, an out-of-range value) is a 400,
    or None too when not `strict` (paging falls back to its defaults)."""
    raw = req.param(name)
    if raw is None or raw.strip(ASCII_SPACE) == "":
        return None
    value = parse_int(raw)
    if value is not None and lo <= value <= hi:
        return value
    if not strict:
        return None
    if value is None:
        raise bad_request(f"Invalid value for '{name}'.", f"'{name}' must be an integer, got {raw!r}.")
    raise bad_request(f"Invalid value for '{name}'.", f"'{name}' must be between {lo} and {hi}, got {raw!r}.")


def bool_param(req: Request, name: str) -> bool | None:
    """`true`/`false` as `arcgis` json.dumps-es booleans (§1); absent or empty means None."""
    raw = req.param(name)
    if raw is None or raw.strip() == "":
        return None
    lowered = raw.strip().lower()
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0"):
        return False
    raise bad_request(f"Invalid value for '{name}'.", f"'{name}' must be true or false, got {raw!r}.")


def json_object_param(req: Request, name: str) -> dict[str, Any] | None:
    """A JSON object sent as form text (e.g. `parameters`); absent means None, empty means {}."""
    raw = req.param(name)
    if raw is None:
        return None
    if raw.strip() == "":
        return {}
    try:
        value = json.loads(raw)
    except ValueError as e:
        raise bad_request(f"Invalid value for '{name}'.", f"'{name}' must be a JSON object: {e}.") from None
    if not isinstance(value, dict):
        raise bad_request(f"Invalid value for '{name}'.", f"'{name}' must be a JSON object.")
    return value
