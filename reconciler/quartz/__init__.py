"""The Quartz schedule engine: strict parsing, exact fire times, canonical text and descriptions.

This face is all the rest of the project uses; `fields` (the grammar of one field), `days`
(which days of a month the day fields select) and `text` (canonical spelling, English, Unix
conversion) are its private rooms.
"""

from __future__ import annotations

from reconciler.quartz.expression import (
    FIELD_NAMES,
    YEARS_AHEAD,
    QuartzExpression,
    describe,
    from_fields,
    is_satisfied_by,
    next_fire_times,
    parse,
    run_interval_seconds,
    unix_to_quartz,
)

__all__ = [
    "FIELD_NAMES",
    "YEARS_AHEAD",
    "QuartzExpression",
    "describe",
    "from_fields",
    "is_satisfied_by",
    "next_fire_times",
    "parse",
    "run_interval_seconds",
    "unix_to_quartz",
]
