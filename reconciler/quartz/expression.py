"""Quartz cron expressions: a strict validator and exact next fire times over croniter.

The portal stores five Quartz fields and its scheduler runs `"0 <m> <h> <dom> <mon> <dow>"`
(docs/quartz.md §1). croniter alone computes wrong days for Quartz input (numeric day-of-week,
`#`, `L` forms, `a-a` ranges, years past 2099; docs/quartz.md §4), so this module validates with
its own grammar (quartz.fields), resolves the day fields per month itself (quartz.days)
and lets croniter step through the time of day only, with explicit value lists.

    parse(text) -> QuartzExpression          full Quartz syntax, 6 or 7 fields; raises CronError
    from_fields(CronFields) -> QuartzExpression
    QuartzExpression.portal_fields() -> CronFields   raises CronError when not storable
    next_fire_times(expr, *, after, count, tz=UTC) -> list[datetime]
    describe(expr) -> str
    unix_to_quartz(text) -> str | None
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone, tzinfo

from croniter import CroniterBadDateError, croniter  # type: ignore[import-untyped]

from reconciler.errors import CronError
from reconciler.model import CronFields
from reconciler.quartz import text as quartz_text
from reconciler.quartz.days import month_days
from reconciler.quartz.fields import HOUR, MINUTE, SECOND, FieldSpec, ParsedFields, YearItem, parse_fields

FIELD_NAMES = ("second", "minute", "hour", "day_of_month", "month", "day_of_week", "year")
YEARS_AHEAD = 100  # Quartz MAX_YEAR = current year + 100: no fire times later than that
_LAST_SUPPORTED_YEAR = 9998  # datetime's range, with a year of margin for tz conversion
_NEVER_FIRES_SAMPLE = range(2024, 2052)  # one 28-year weekday/leap-year cycle


@dataclass(frozen=True, kw_only=True)
class QuartzExpression:
    """A valid Quartz expression; fields are upper-case text, `year` None when absent.

    Constructing one validates it (CronError otherwise); equality compares the text, use
    `canonical()` to compare meaning.
    """

    second: str
    minute: str
    hour: str
    day_of_month: str
    month: str
    day_of_week: str
    year: str | None = None
    _parsed: ParsedFields | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in FIELD_NAMES:
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, _field_text(name, value))
        if self._parsed is None:
            texts = (getattr(self, name) for name in FIELD_NAMES)
            object.__setattr__(self, "_parsed", parse_fields(*texts))

    @property
    def parsed(self) -> ParsedFields:
        assert self._parsed is not None  # set in __post_init__
        return self._parsed

    def __str__(self) -> str:
        return " ".join(getattr(self, name) for name in FIELD_NAMES if getattr(self, name) is not None)

    def portal_fields(self) -> CronFields:
        """The five fields `createTask` takes; the portal has no seconds or year field."""
        problems = self._storable_problems()
        if problems:
            name, message = problems[0]
            raise CronError(message, field=name, token=getattr(self, name))
        return CronFields(
            minute=self.minute,
            hour=self.hour,
            day_of_month=self.day_of_month,
            month=self.month,
            day_of_week=self.day_of_week,
        )

    def storable_problems(self) -> tuple[str, ...]:
        return tuple(message for _, message in self._storable_problems())

    def _storable_problems(self) -> list[tuple[str, str]]:
        problems = []
        if self.parsed.seconds != frozenset({0}):
            problems.append(
                ("second", f"the portal has no seconds field; it always fires at second 0 (got {self.second!r})")
            )
        if quartz_text.canonical_years(self.parsed.years) is not None:
            problems.append(("year", f"the portal has no year field; it cannot limit a schedule to {self.year!r}"))
        return problems

    def warnings(self) -> tuple[str, ...]:
        """Valid but doubtful: Quartz-version-dependent forms, schedules that never fire."""
        notes = list(_dom_warnings(self))
        if not _fires_in_some_sample_month(self.parsed):
            notes.append("never fires: no month it selects has a matching day")
        return tuple(notes)

    def canonical(self) -> str:
        """Same text for the same schedule (names, steps, ranges, `?`/`*` placement normalised)."""
        return quartz_text.canonical(self.parsed)


def _dom_warnings(expr: QuartzExpression) -> Iterator[str]:
    dom = expr.parsed.dom
    if dom is None:
        return
    if not dom.is_plain and "," in expr.day_of_month:
        yield (
            f"day-of-month {expr.day_of_month!r}: L or W in a list needs Quartz 2.5 or later "
            "(2.3.x rejects it); the portal's Quartz version is unknown"
        )
    for n in sorted(d for d in dom.nearest_weekdays if d > 28):
        yield (
            f"day-of-month '{n}W': in months shorter than {n} days Quartz versions differ "
            "(2.5 skips the month, 2.3.2 may fire on the last day); this tool skips the month"
        )


def _fires_in_some_sample_month(p: ParsedFields) -> bool:
    return any(month_days(p.dom, p.dow, y, m) for y in _sample_years(p.years) for m in p.months)


def _sample_years(items: tuple[YearItem, ...]) -> list[int]:
    """Enough years to see every weekday/leap combination each year item can reach."""
    if not items:
        return list(_NEVER_FIRES_SAMPLE)
    years: set[int] = set()
    for item in items:
        stop = item.start + 28 * item.step if item.stop is None else min(item.stop, item.start + 400)
        years.update(range(item.start, stop + 1, item.step))
    return sorted(years)


def parse(text: str) -> QuartzExpression:
    """Strict Quartz: `sec min hour day-of-month month day-of-week [year]`.

    Raises:
        CronError: naming the field and the offending token.
    """
    tokens = text.split()  # upper-cased per field, after the ASCII check (str.upper maps 'ſ' to 'S')
    if len(tokens) in (6, 7):
        second, minute, hour, dom, month, dow = tokens[:6]
        year = tokens[6] if len(tokens) == 7 else None
        return QuartzExpression(
            second=second, minute=minute, hour=hour, day_of_month=dom, month=month, day_of_week=dow, year=year
        )
    raise CronError(_count_message(text, len(tokens)), field=None, token=text.strip())


def _count_message(text: str, count: int) -> str:
    expected = "expected 6 or 7 fields (second minute hour day-of-month month day-of-week [year])"
    equivalent = unix_to_quartz(text) if count == 5 else None
    if equivalent is not None:
        return f"{expected}, got {count}: {text.strip()!r} looks like Unix cron; in Quartz that is {equivalent!r}"
    return f"{expected}, got {count} in {text.strip()!r}"


@functools.lru_cache(maxsize=4096)  # pure; thousands of tasks share a few schedules
def from_fields(fields: CronFields) -> QuartzExpression:
    """The expression the portal's scheduler builds from its five stored fields.

    Built field by field, not by joining and re-splitting text: a field holding a space
    ("? *") must be an error, not shift its neighbours.
    """
    return QuartzExpression(
        second="0",
        minute=fields.minute,
        hour=fields.hour,
        day_of_month=fields.day_of_month,
        month=fields.month,
        day_of_week=fields.day_of_week,
    )


def _field_text(name: str, value: str) -> str:
    """One field, checked for what the grammar's regular expressions would not see."""
    label = name.replace("_", "-")
    text = value.strip(" \t")
    if not text.isascii():
        raise CronError(f"{label} {text!r}: only ASCII characters are allowed", field=name, token=text)
    if not text or any(c.isspace() for c in text):
        raise CronError(f"{label} {text!r}: a field is one token, without spaces", field=name, token=text)
    return text.upper()


def unix_to_quartz(text: str) -> str | None:
    """The Quartz equivalent of a 5-field Unix expression (or @daily etc.), if Quartz can say it.

    Unix day-of-week 0/7 = SUN, 1 = MON; Quartz 1 = SUN. Unix ORs restricted day fields,
    which Quartz cannot express, so those give None.
    """
    result = quartz_text.unix_to_quartz_text(text)
    if result is None:
        return None
    try:
        return str(parse(result))
    except CronError:
        return None


def describe(expr: QuartzExpression) -> str:
    return quartz_text.describe(expr.parsed)


def next_fire_times(
    expr: QuartzExpression, *, after: datetime, count: int, tz: tzinfo = timezone.utc, until: datetime | None = None
) -> list[datetime]:
    """The next `count` fire times strictly after `after`, as Quartz 2.3.2 computes them; none
    after `until` (when given: counting a window stops at its end, not `count` fires later).

    Evaluated in `tz` and returned as aware datetimes in `tz`; fewer than `count` when the
    schedule stops firing (years exhausted, impossible dates such as Feb 30, or past Quartz's
    MAX_YEAR = after's year + 100). Like Quartz, sub-second parts of `after` are dropped.

    DST as in Quartz 2.3.2 (docs/quartz.md §2): the search runs over wall times after `after`'s;
    one that does not exist that day is skipped, a repeated one fires once, at its later
    (standard-time) pass, so a search inside the repeated hour never goes back.
    """
    if after.tzinfo is None:
        raise ValueError("after must be an aware datetime")
    # Quartz knows no year before 1970; starting there also keeps month arithmetic in range.
    # Naive wall times: aware datetimes of one zone compare ignoring `fold`.
    start = max(after.astimezone(tz).replace(microsecond=0, tzinfo=None), datetime(1970, 1, 1))
    max_year = min(start.year + YEARS_AHEAD, _LAST_SUPPORTED_YEAR)
    # `until` as a wall time, with a day to spare for any offset: no month after it is searched.
    last = None if until is None else until.astimezone(tz).replace(tzinfo=None) + timedelta(days=1)
    found: list[datetime] = []
    for year, month in _candidate_months(expr.parsed, start, max_year):
        if len(found) >= count or (last is not None and datetime(year, month, 1) > last):
            break
        days = month_days(expr.parsed.dom, expr.parsed.dow, year, month)
        if days:
            month_start = datetime(year, month, 1) - timedelta(seconds=1)
            walls = _times_in_month(expr.parsed, year, month, days, max(start, month_start))
            instants = _instants(walls, tz, after)
            if until is not None:
                instants = itertools.takewhile(lambda t: t <= until, instants)
            found += itertools.islice(instants, count - len(found))
    return found


def _instants(walls: Iterator[datetime], tz: tzinfo, after: datetime) -> Iterator[datetime]:
    """Wall times as instants in `tz`: none for a time in a gap, the later one for a repeated time."""
    for wall in walls:
        instant = wall.replace(tzinfo=tz, fold=1).astimezone(timezone.utc)
        if instant.astimezone(tz).replace(tzinfo=None) == wall and instant > after:
            yield instant.astimezone(tz)


def _candidate_months(p: ParsedFields, start: datetime, max_year: int) -> Iterator[tuple[int, int]]:
    for year in range(start.year, max_year + 1):
        if p.years and not any(item.contains(year, max_year) for item in p.years):
            continue
        for month in sorted(p.months):
            if (year, month) >= (start.year, start.month):
                yield year, month


def _times_in_month(p: ParsedFields, year: int, month: int, days: frozenset[int], begin: datetime) -> Iterator[datetime]:
    """Naive wall times after `begin`; croniter steps through the time of day and only ever
    sees explicit lists (no `a-a` bug)."""
    fields = [_cron_list(p.seconds, SECOND), _cron_list(p.minutes, MINUTE), _cron_list(p.hours, HOUR)]
    spec = " ".join([*fields, ",".join(str(d) for d in sorted(days)), str(month), "*"])
    it = croniter(spec, begin, second_at_beginning=True, max_years_between_matches=9, expand_from_start_time=False)
    while True:
        try:
            t = it.get_next(datetime)
        except CroniterBadDateError:
            return
        if (t.year, t.month) != (year, month):
            return
        yield t


def _cron_list(values: frozenset[int], spec: FieldSpec) -> str:
    return "*" if len(values) == spec.hi - spec.lo + 1 else ",".join(str(v) for v in sorted(values))


def run_interval_seconds(expr: QuartzExpression, *, after: datetime) -> int | None:
    """Seconds between the next two fire times, as the portal's `runIntervalSeconds`."""
    times = next_fire_times(expr, after=after, count=2)
    return int((times[1] - times[0]).total_seconds()) if len(times) == 2 else None


def is_satisfied_by(expr: QuartzExpression, t: datetime, *, tz: tzinfo = timezone.utc) -> bool:
    """Whether Quartz fires at `t` (sub-second part ignored), evaluated in `tz`."""
    local = t.astimezone(tz)
    p = expr.parsed
    max_year = local.year + YEARS_AHEAD
    return (
        local.second in p.seconds
        and local.minute in p.minutes
        and local.hour in p.hours
        and local.month in p.months
        and (not p.years or any(item.contains(local.year, max_year) for item in p.years))
        and local.day in month_days(p.dom, p.dow, local.year, local.month)
    )
