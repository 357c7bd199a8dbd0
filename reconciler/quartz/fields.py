"""Strict Quartz field grammar: one field's text -> the values it denotes.

Private helper of reconciler.quartz. The grammar is Quartz 2.3.2/2.5.x `CronExpression`
minus its silent quirks (trailing junk, `C`, `2-4#2`, empty list items), which are errors
here because Quartz would run something other than what the user wrote (docs/quartz.md §2).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from reconciler.errors import CronError

MONTH_NAMES: Mapping[str, int] = {
    name: i + 1 for i, name in enumerate("JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split())
}
DAY_NAMES: Mapping[str, int] = {name: i + 1 for i, name in enumerate("SUN MON TUE WED THU FRI SAT".split())}
FIRST_YEAR = 1970
LAST_YEAR = 9999  # literal years past Quartz's MAX_YEAR parse but never fire (docs/quartz.md §2)


@dataclass(frozen=True)
class FieldSpec:
    """Range, names and increment limit of one Quartz field (`name` is the QuartzExpression attribute)."""

    name: str
    label: str
    lo: int
    hi: int
    names: Mapping[str, int]
    max_step: int
    hint: str


SECOND = FieldSpec("second", "seconds", 0, 59, {}, 59, "0-59")
MINUTE = FieldSpec("minute", "minutes", 0, 59, {}, 59, "0-59")
HOUR = FieldSpec("hour", "hours", 0, 23, {}, 23, "0-23")
DAY_OF_MONTH = FieldSpec("day_of_month", "day-of-month", 1, 31, {}, 31, "1-31, L, L-n, LW, nW or ?")
MONTH = FieldSpec("month", "month", 1, 12, MONTH_NAMES, 12, "1-12 or JAN-DEC")
DAY_OF_WEEK = FieldSpec("day_of_week", "day-of-week", 1, 7, DAY_NAMES, 7, "1-7 (1 = SUN, 7 = SAT), SUN-SAT, nL, n#k or ?")
YEAR = FieldSpec("year", "year", FIRST_YEAR, LAST_YEAR, {}, 10**6, "a year from 1970")


@dataclass(frozen=True)
class DomSpec:
    """Day-of-month: plain days plus the special forms, each resolved per month in quartz.days.

    `last_offsets` holds n of `L-n` (`L` = 0), `last_weekday_offsets` n of `L-nW` (`LW` = 0),
    `nearest_weekdays` n of `nW`.
    """

    days: frozenset[int]
    last_offsets: frozenset[int] = frozenset()
    last_weekday_offsets: frozenset[int] = frozenset()
    nearest_weekdays: frozenset[int] = frozenset()

    @property
    def is_plain(self) -> bool:
        return not (self.last_offsets or self.last_weekday_offsets or self.nearest_weekdays)


@dataclass(frozen=True)
class DowSpec:
    """Day-of-week, Quartz numbering (1 = SUN). `last_of` is n of `nL`, `nth` is (n, k) of `n#k`."""

    days: frozenset[int]
    last_of: int | None = None
    nth: tuple[int, int] | None = None


@dataclass(frozen=True)
class YearItem:
    """`start[-stop][/step]`; stop None = up to Quartz's MAX_YEAR, known only when evaluating."""

    start: int
    stop: int | None
    step: int

    def contains(self, year: int, max_year: int) -> bool:
        stop = max_year if self.stop is None else min(self.stop, max_year)
        return self.start <= year <= stop and (year - self.start) % self.step == 0


_STAR_STEP = re.compile(r"\*?/(\d+)", re.ASCII)
_NUMERIC = re.compile(r"(\d+)(?:-(\d+))?(?:/(\d+))?", re.ASCII)
_NAMED = re.compile(r"([A-Z]{3})(?:-([A-Z]{3}))?")
_DOM_LAST = re.compile(r"L(?:-(\d+))?(W?)", re.ASCII)
_DOM_NEAREST = re.compile(r"(\d+)W", re.ASCII)
_DOW_LAST = re.compile(r"(\d+|[A-Z]{3})L", re.ASCII)
_DOW_NTH = re.compile(r"(\d+|[A-Z]{3})#(\d+)", re.ASCII)


def fail(spec: FieldSpec, token: str, reason: str) -> CronError:
    return CronError(f"{spec.label} {token!r}: {reason}", field=spec.name, token=token)


def split_items(spec: FieldSpec, text: str) -> list[str]:
    items = text.split(",")
    if any(not item for item in items):
        raise fail(spec, text, "empty list item (stray comma)")
    return items


def parse_values(spec: FieldSpec, text: str) -> frozenset[int]:
    """A plain field (no L/W/#/?): the union of its comma-separated items."""
    values: set[int] = set()
    for item in split_items(spec, text):
        values |= _item_values(spec, item)
    return frozenset(values)


def _item_values(spec: FieldSpec, item: str) -> set[int]:
    if item == "*":
        return set(range(spec.lo, spec.hi + 1))
    if m := _STAR_STEP.fullmatch(item):
        return _stepped(spec, item, spec.lo, spec.hi, _step(spec, item, m.group(1)))
    if m := _NUMERIC.fullmatch(item):
        start = _number(spec, item, m.group(1))
        stop = _number(spec, item, m.group(2)) if m.group(2) else None
        step = _step(spec, item, m.group(3)) if m.group(3) else None
        if stop is None:
            return {start} if step is None else _stepped(spec, item, start, spec.hi, step)
        return _stepped(spec, item, start, stop, step or 1)
    if spec.names and (m := _NAMED.fullmatch(item)):
        start = _name(spec, item, m.group(1))
        stop = _name(spec, item, m.group(2)) if m.group(2) else start
        return _stepped(spec, item, start, stop, 1)
    raise fail(spec, item, _why_invalid(spec, item))


def _why_invalid(spec: FieldSpec, item: str) -> str:
    if "?" in item:
        if spec in (DAY_OF_MONTH, DAY_OF_WEEK):
            return "'?' must be the whole field"
        return "'?' is only allowed in day-of-month or day-of-week"
    if "C" in item and spec in (DAY_OF_MONTH, DAY_OF_WEEK):
        return "'C' is not supported (Quartz silently ignores it)"
    if spec.names and re.search(r"[A-Z]{3}", item) and "/" in item:
        return "a step cannot follow a name (Quartz would silently drop it); use numbers"
    if spec is DAY_OF_WEEK and ("#" in item or "L" in item):
        return "'#' and 'L' must be the whole day-of-week field (no lists or ranges)"
    if spec is DAY_OF_MONTH and ("L" in item or "W" in item):
        return "'W' needs a single day (nW), 'L' is only L, L-n, LW or L-nW"
    return f"not valid here; expected {spec.hint}"


def _number(spec: FieldSpec, token: str, digits: str) -> int:
    value = int(digits)
    if not spec.lo <= value <= spec.hi:
        raise fail(spec, token, f"{value} is out of range; expected {spec.hint}")
    return value


def _name(spec: FieldSpec, token: str, name: str) -> int:
    if name not in spec.names:
        raise fail(spec, token, f"unknown name {name!r}; expected {spec.hint}")
    return spec.names[name]


def _step(spec: FieldSpec, token: str, digits: str) -> int:
    step = int(digits)
    if not 1 <= step <= spec.max_step:
        raise fail(spec, token, f"increment {step} is out of range 1-{spec.max_step}")
    return step


def _stepped(spec: FieldSpec, token: str, start: int, stop: int, step: int) -> set[int]:
    """Quartz's addToSet: a reversed range wraps around the field (22-2, FRI-MON, NOV-FEB)."""
    cycle = spec.hi - spec.lo + 1
    if stop < start:
        stop += cycle
    return {spec.lo + (i - spec.lo) % cycle for i in range(start, stop + 1, step)}


def parse_day_of_month(text: str) -> DomSpec:
    spec = DAY_OF_MONTH
    days: set[int] = set()
    last: set[int] = set()
    last_weekday: set[int] = set()
    nearest: set[int] = set()
    for item in split_items(spec, text):
        if m := _DOM_LAST.fullmatch(item):
            offset = int(m.group(1)) if m.group(1) else 0
            if offset > 30:
                raise fail(spec, item, "the offset from the last day must be 0-30")
            (last_weekday if m.group(2) else last).add(offset)
        elif m := _DOM_NEAREST.fullmatch(item):
            nearest.add(_number(spec, item, m.group(1)))
        else:
            days |= _item_values(spec, item)
    return DomSpec(frozenset(days), frozenset(last), frozenset(last_weekday), frozenset(nearest))


def parse_day_of_week(text: str) -> DowSpec:
    spec = DAY_OF_WEEK
    if text == "L":  # Quartz: `L` alone in day-of-week is 7 = SAT
        return DowSpec(frozenset({7}))
    if m := _DOW_LAST.fullmatch(text):
        return DowSpec(frozenset(), last_of=_day(m.group(1), text))
    if m := _DOW_NTH.fullmatch(text):
        k = int(m.group(2))
        if not 1 <= k <= 5:
            raise fail(spec, text, "the number after '#' must be 1-5")
        return DowSpec(frozenset(), nth=(_day(m.group(1), text), k))
    return DowSpec(parse_values(spec, text))


def _day(token: str, item: str) -> int:
    if token.isascii() and token.isdigit():
        return _number(DAY_OF_WEEK, item, token)
    return _name(DAY_OF_WEEK, item, token)


def parse_years(text: str) -> tuple[YearItem, ...]:
    return tuple(_year_item(item) for item in split_items(YEAR, text))


def _year_item(item: str) -> YearItem:
    if item == "*":
        return YearItem(FIRST_YEAR, None, 1)
    if m := _STAR_STEP.fullmatch(item):
        return YearItem(FIRST_YEAR, None, _step(YEAR, item, m.group(1)))
    if m := _NUMERIC.fullmatch(item):
        start = _number(YEAR, item, m.group(1))
        stop = _number(YEAR, item, m.group(2)) if m.group(2) else None
        step = _step(YEAR, item, m.group(3)) if m.group(3) else None
        if stop is not None and stop < start:
            raise fail(YEAR, item, "a year range must not run backwards")
        if stop is None and step is None:
            stop = start
        return YearItem(start, stop, step or 1)
    raise fail(YEAR, item, _why_invalid(YEAR, item))


@dataclass(frozen=True)
class ParsedFields:
    """The value sets of a valid expression. `dom`/`dow` is None for the `?` field; no years = every year."""

    seconds: frozenset[int]
    minutes: frozenset[int]
    hours: frozenset[int]
    dom: DomSpec | None
    months: frozenset[int]
    dow: DowSpec | None
    years: tuple[YearItem, ...]


def parse_fields(
    second: str, minute: str, hour: str, day_of_month: str, month: str, day_of_week: str, year: str | None
) -> ParsedFields:
    seconds, minutes, hours = parse_values(SECOND, second), parse_values(MINUTE, minute), parse_values(HOUR, hour)
    _check_question_marks(day_of_month, day_of_week)
    return ParsedFields(
        seconds=seconds,
        minutes=minutes,
        hours=hours,
        dom=None if day_of_month == "?" else parse_day_of_month(day_of_month),
        months=parse_values(MONTH, month),
        dow=None if day_of_week == "?" else parse_day_of_week(day_of_week),
        years=() if year is None else parse_years(year),
    )


def _check_question_marks(day_of_month: str, day_of_week: str) -> None:
    """Quartz: exactly one day field is `?` (testQuartz621); there is no Unix-style DOM-or-DOW."""
    for spec, text in ((DAY_OF_MONTH, day_of_month), (DAY_OF_WEEK, day_of_week)):
        if "?" in text and text != "?":
            raise fail(spec, text, "'?' must be the whole field")
    if day_of_month == "?" and day_of_week == "?":
        raise fail(DAY_OF_WEEK, day_of_week, "only one of day-of-month and day-of-week may be '?'")
    if day_of_month != "?" and day_of_week != "?":
        raise fail(
            DAY_OF_WEEK,
            day_of_week,
            f"one of day-of-month ({day_of_month!r}) and day-of-week must be '?'; "
            "Quartz cannot combine both, e.g. write '* * ?' for every day or '? * MON' for Mondays",
        )
