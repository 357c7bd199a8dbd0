"""The Quartz schedule engine: strict parsing, exact fire times, canonical text and descriptions.

This face is all the rest of the project uses; `fields` (the grammar of one field), `days`
(which days of a month the day fields select), `text` (canonical spelling, English, Unix
conversion) and `unixdays` (day-of-week numbers, which Unix counts differently) are its private rooms.
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
from reconciler.quartz.unixdays import day_numbers_note, day_numbers_warning

__all__ = [
    "FIELD_NAMES",
    "YEARS_AHEAD",
    "QuartzExpression",
    "day_numbers_note",
    "day_numbers_warning",
    "describe",
    "from_fields",
    "is_satisfied_by",
    "next_fire_times",
    "parse",
    "run_interval_seconds",
    "unix_to_quartz",
]
