"""The two JSON forms the project relies on: canonical text, and values normalised for meaning.

Canonical text (sorted keys, no spaces) is what TaskSpec/TaskFields/RemoteTask hold as
`parameters_json` and what fingerprints hash, so equal values give equal text. The normal form
removes differences that do not change a GP parameter's meaning (see `normal_json`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any


def canonical_json(value: Any, *, default: Callable[[Any], Any] | None = None) -> str:
    """Sorted keys, compact separators, ASCII: the same value always gives the same text."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=default)


def normal_json(value: Any) -> Any:
    """A JSON value with meaning-preserving differences removed: keys as strings, a string that
    holds a JSON object or array parsed, and a float with an integral value as an int (250.0 is
    250; true stays true, not 1)."""
    if isinstance(value, dict):
        return {str(k): normal_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normal_json(v) for v in value]
    if isinstance(value, str) and value.lstrip()[:1] in ("{", "["):
        try:
            parsed = json.loads(value)
        except (ValueError, RecursionError):  # RecursionError: nested deeper than the decoder goes
            return value
        # Text nested deeper than MAX_DEPTH stays text: this walk (and those after it) recurse.
        deep = isinstance(parsed, (dict, list)) and depth(parsed) > MAX_DEPTH
        return normal_json(parsed) if isinstance(parsed, (dict, list)) and not deep else value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


MAX_DEPTH = 100  # JSON from the portal nested deeper is refused (every walk here is recursive)


def depth(value: Any, *, limit: int = MAX_DEPTH) -> int:
    """How deep a JSON value nests, found without recursion (and without looking past `limit`)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if level <= limit and isinstance(item, (dict, list)):
            stack.extend((child, level + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest
