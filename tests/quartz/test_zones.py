"""The local-time compiler (quartz.zones): exact or refused, checked against the engine itself.

The property: wherever `compile_at` answers, the local schedule's fire times (Quartz DST rules,
in the local zone) equal the compiled schedule's fire times (in the scheduler's zone) over the
compiled expression's validity period, leaving out the days of a transition.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconciler.quartz import next_fire_times, parse
from reconciler.quartz.days import month_days
from reconciler.quartz.transitions import between, dst_notes
from reconciler.quartz.zones import HORIZON, NotExact, compile_at, difference, shift

UTC = timezone.utc
ZONES = ("Europe/Berlin", "America/New_York", "Australia/Sydney", "Australia/Adelaide", "Asia/Kolkata",
         "Pacific/Auckland", "UTC")
WINDOW = timedelta(days=45)


def compiled(expr: str, zone: str, at: str, scheduler: str = "UTC") -> str:
    when = datetime.fromisoformat(at).replace(tzinfo=UTC)
    return str(compile_at(parse(expr), ZoneInfo(zone), ZoneInfo(scheduler), when).expression)


@pytest.mark.parametrize(("expr", "zone", "at", "expected"), [
    ("0 30 2 * * ?", "Europe/Berlin", "2026-01-15T00:00", "0 30 1 * * ?"),  # CET +1
    ("0 30 2 * * ?", "Europe/Berlin", "2026-07-15T00:00", "0 30 0 * * ?"),  # CEST +2
    ("0 0 7 ? * MON-FRI", "America/New_York", "2026-01-15T00:00", "0 0 12 ? * MON-FRI"),
    ("0 0 20 ? * MON-FRI", "America/New_York", "2026-07-15T00:00", "0 0 0 ? * TUE-SAT"),  # all hours cross
    ("0 30 0 ? * MON", "Europe/Berlin", "2026-01-15T00:00", "0 30 23 ? * SUN"),
    ("0 0 2 * * ?", "Asia/Kolkata", "2026-01-15T00:00", "0 30 20 * * ?"),  # 30-minute offset, one minute value
    ("0 0 9 15 * ?", "Australia/Sydney", "2026-01-15T00:00", "0 0 22 14 * ?"),  # south: AEDT +11 in January
    ("0 0 9 15 * ?", "Australia/Sydney", "2026-07-15T00:00", "0 0 23 14 * ?"),
    ("0 0 * * * ?", "Europe/Berlin", "2026-01-15T00:00", "0 0 * * * ?"),
    ("0 0 12 L * ?", "Europe/Berlin", "2026-01-15T00:00", "0 0 11 L * ?"),  # no midnight crossing: L kept
    ("0 0,30 * * * ?", "Asia/Kolkata", "2026-01-15T00:00", "0 0,30 * * * ?"),  # every hour of every day
    ("0 0/15 * * * ?", "Asia/Kolkata", "2026-01-15T00:00", "0 */15 * * * ?"),
    ("0 10,40 * * * ?", "Asia/Kolkata", "2026-01-15T00:00", "0 10,40 * * * ?"),
    ("0 0 0 L * ?", "Europe/Berlin", "2026-01-15T00:00", "0 0 23 L-1 * ?"),  # the day before the last
    ("0 0 23 L-3 * ?", "America/New_York", "2026-01-15T00:00", "0 0 4 L-2 * ?"),
    ("0 0 0 L 4,6 ?", "Europe/Berlin", "2026-01-15T00:00", "0 0 23 L-1 4,6 ?"),
])
def test_compiles_to_the_scheduler_zone(expr: str, zone: str, at: str, expected: str) -> None:
    assert compiled(expr, zone, at) == expected


@pytest.mark.parametrize(("expr", "zone", "reason"), [
    ("0 0,30 2 * * ?", "Asia/Kolkata", "the minutes 0,30 would land in different hours"),
    ("0 0,30 * ? * MON-FRI", "Asia/Kolkata", "the minutes 0,30 would land in different hours"),
    ("0 0 0,12 ? * MON", "Europe/Berlin", "some cross midnight"),
    ("0 0 0 LW * ?", "Europe/Berlin", "day-of-month 'LW' cannot move"),
    ("0 0 23 L * ?", "America/New_York", "day-of-month 'L' cannot move to a later day"),
    ("0 0 0 15W * ?", "Europe/Berlin", "day-of-month '15W' cannot move"),
    ("0 0 0 1 * ?", "Europe/Berlin", "would move to an earlier day in another month"),
    ("0 0 0 28-31 * ?", "Europe/Berlin", "would move to an earlier day in another month"),  # Feb has no 29th
    ("0 0 20 28 2 ?", "America/Los_Angeles", "would move to a later day in another month"),
    ("0 0 0 ? * 6L", "Europe/Berlin", "counted within the month"),
    ("0 0 0 ? 3 MON", "Europe/Berlin", "with month '3'"),
])
def test_refuses_what_cannot_be_compiled_exactly(expr: str, zone: str, reason: str) -> None:
    with pytest.raises(NotExact, match=reason):
        compiled(expr, zone, "2026-01-15T00:00")


def test_an_inexact_period_after_the_next_transition_is_refused_too() -> None:
    # 00:30 in London is 00:30 UTC in winter (no shift) and 23:30 UTC the day before in summer
    assert str(shift(parse("0 30 0 1 * ?"), 0)) == "0 30 0 1 * ?"
    with pytest.raises(NotExact, match=r"from 2026-03-29 02:00 BST, when Europe/London is \+01:00 from UTC"):
        compile_at(parse("0 30 0 1 * ?"), ZoneInfo("Europe/London"), ZoneInfo("UTC"),
                   datetime(2026, 3, 1, tzinfo=UTC))


def test_next_change_and_previous_form() -> None:
    result = compile_at(parse("0 30 2 * * ?"), ZoneInfo("Europe/Berlin"), ZoneInfo("UTC"),
                        datetime(2026, 3, 1, tzinfo=UTC))
    assert result.next_change == datetime(2026, 3, 29, 1, tzinfo=UTC)
    assert str(result.next_expression) == "0 30 0 * * ?"
    assert str(result.previous) == "0 30 0 * * ?"  # summer time 2025


def test_same_zone_passes_the_schedule_through() -> None:
    result = compile_at(parse("0 30 2 * * ?"), ZoneInfo("Europe/Berlin"), ZoneInfo("Europe/Berlin"),
                        datetime(2026, 3, 1, tzinfo=UTC))
    assert (str(result.expression), result.next_change) == ("0 30 2 * * ?", None)


def test_shift_by_zero_is_identity() -> None:
    assert str(shift(parse("0 0 0 L * ?"), 0)) == "0 0 0 L * ?"


def test_dst_notes_name_the_skipped_and_repeated_dates() -> None:
    notes = dst_notes(parse("0 30 2 * * ?"), ZoneInfo("Australia/Sydney"), after=datetime(2026, 1, 1, tzinfo=UTC),
                      until=datetime(2027, 1, 1, tzinfo=UTC))
    assert notes == [
        "02:30 happens twice on 2026-04-05 in Australia/Sydney (clocks go back): Quartz fires it once, at the later "
        "(standard-time) pass",
        "02:30 does not exist on 2026-10-04 in Australia/Sydney (clocks go forward): Quartz skips it that day",
    ]
    assert dst_notes(parse("0 30 4 * * ?"), ZoneInfo("Australia/Sydney"), after=datetime(2026, 1, 1, tzinfo=UTC),
                     until=datetime(2027, 1, 1, tzinfo=UTC)) == []


def _sets(draw: st.DrawFn, lo: int, hi: int, most: int) -> str:
    values = draw(st.sets(st.integers(lo, hi), min_size=1, max_size=most))
    return ",".join(str(v) for v in sorted(values))


@st.composite
def expressions(draw: st.DrawFn) -> str:
    minutes = _sets(draw, 0, 59, 3)
    hours = draw(st.one_of(st.just("*"), st.builds(str, st.integers(0, 23)), st.just("22-23,0-1")))
    if hours not in ("*", "22-23,0-1"):
        hours = _sets(draw, 0, 23, 3)
    months = draw(st.sampled_from(["*", "1-6", "3,10", "*"]))
    days = draw(st.sampled_from(["dom", "dow", "special"]))
    if days == "dom":
        return f"0 {minutes} {hours} {draw(st.sampled_from(['*', '2-27', '1', '15', '28-31', '*/3']))} {months} ?"
    if days == "dow":
        return f"0 {minutes} {hours} ? {months} {draw(st.sampled_from(['*', 'MON-FRI', 'SUN', 'SAT,SUN']))}"
    return f"0 {minutes} {hours} {draw(st.sampled_from(['L', 'LW', '15W', 'L-3']))} {months} ?"


OVER_DAYS = 14 * 365


def _wall_fires(expr: str, minutes: int) -> set[datetime]:
    """The expression's wall times over OVER_DAYS from 2027 (every weekday falls on every day of
    every month), moved by `minutes` (naive: no zone)."""
    p = parse(expr).parsed
    found = set()
    for day in (date(2027, 1, 1) + timedelta(days=n) for n in range(OVER_DAYS)):
        if day.month in p.months and day.day in month_days(p.dom, p.dow, day.year, day.month):
            found |= {datetime(day.year, day.month, day.day, h, m) + timedelta(minutes=minutes)
                      for h in p.hours for m in p.minutes}
    return found


def _plain_equivalent_exists(wall: set[datetime]) -> bool:
    """Whether some expression with plain fields (minute, hour and day lists, month list) fires at
    exactly `wall` away from the window's edges: the times must be a product of minutes, hours and
    one set of dates, and those dates all the days of some days-of-month or weekdays in their months."""
    inner = [date(2027, 1, 3) + timedelta(days=n) for n in range(OVER_DAYS - 4)]
    inside = {t for t in wall if inner[0] <= t.date() <= inner[-1]}
    pairs: dict[tuple[int, int], set[date]] = {}
    for t in inside:
        pairs.setdefault((t.hour, t.minute), set()).add(t.date())
    hours, minutes = {h for h, _ in pairs}, {m for _, m in pairs}
    dates = set().union(*pairs.values()) if pairs else set()
    if len(pairs) != len(hours) * len(minutes) or any(d != dates for d in pairs.values()):
        return False
    months = {d.month for d in dates}
    by_dom = {d for d in inner if d.month in months and d.day in {x.day for x in dates}}
    by_dow = {d for d in inner if d.month in months and d.weekday() in {x.weekday() for x in dates}}
    return dates in (by_dom, by_dow)


def _differences(local: ZoneInfo, scheduler: ZoneInfo, at: datetime) -> set[int]:
    changes = [c.at for z in (local, scheduler) for c in between(z, at, at + HORIZON)]
    return {difference(local, scheduler, t) for t in (at, *changes)}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expr=expressions(), local=st.sampled_from(ZONES),
       scheduler=st.sampled_from(("UTC", "America/New_York", "Europe/Berlin", "Asia/Kolkata", "Australia/Sydney")),
       day=st.integers(0, 364))
def test_compiled_fires_equal_local_fires_between_transitions(expr: str, local: str, scheduler: str, day: int) -> None:
    """Accepted: the compiled form fires when the local schedule does. Refused: at some offset of
    the coming year the moved wall times have no plain equivalent (the check knows no `L`/`W`
    forms, so it cannot catch a refusal whose only equivalent uses them)."""
    at = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=day)
    lz, sz = ZoneInfo(local), ZoneInfo(scheduler)
    try:
        result = compile_at(parse(expr), lz, sz, at)
    except NotExact:
        refused = [d for d in _differences(lz, sz, at) if not _shifts(expr, d)]
        assert refused, "refused although every offset of the year shifts"
        assert not _plain_equivalent_exists(_wall_fires(expr, refused[0])), f"{expr} moved by {refused[0]} min"
        return
    end = min(result.next_change or at + WINDOW, at + WINDOW)
    changes = [*between(lz, at - WINDOW, end + WINDOW), *between(sz, at - WINDOW, end + WINDOW)]
    skip = {(c.at + timedelta(days=d)).astimezone(lz).date() for c in changes for d in (-1, 0, 1)}

    def fires(e: str, zone: ZoneInfo) -> list[datetime]:
        times = next_fire_times(parse(e), after=at, count=400, tz=zone)
        return [t.astimezone(UTC) for t in times if t < end and t.astimezone(lz).date() not in skip]

    assert fires(expr, lz) == fires(str(result.expression), sz)


def test_every_offset_of_the_coming_year_is_checked_not_only_the_next() -> None:
    """Sydney -> Berlin: -10 h now, -9 h from 2027-03-28, -8 h from 2027-04-04: inexact only at the
    third, which must be said now (at validate time), not once the portal's clock reaches it."""
    expr = parse("0 0 7,8 ? * MON")
    sydney, berlin = ZoneInfo("Australia/Sydney"), ZoneInfo("Europe/Berlin")
    assert str(shift(expr, -10 * 60)) == "0 0 21,22 ? * SUN" and str(shift(expr, -9 * 60)) == "0 0 22,23 ? * SUN"
    with pytest.raises(NotExact, match=r"from 2027-04-04 02:00 AEST"):
        compile_at(expr, sydney, berlin, datetime(2026, 12, 2, tzinfo=UTC))


def _shifts(expr: str, minutes: int) -> bool:
    try:
        shift(parse(expr), minutes)
    except NotExact:
        return False
    return True
