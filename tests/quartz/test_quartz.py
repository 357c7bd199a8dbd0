"""Quartz engine: fire times from the Quartz docs and docs/quartz.md pitfalls, strict parsing, canonical text.

Expected dates were worked out by hand with Python's calendar module, never with this engine.
Facts used: 2026-01-01 is a Thursday, 2026-03-01 a Sunday, 2026-08-01 a Saturday, 2026-05-31 a
Sunday, 2027-02-28 a Sunday, 2021-10-23 a Saturday, 2100-01-04 a Monday; 2028 is a leap year,
2100 is not.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.errors import CronError
from reconciler.model import CronFields
from reconciler.quartz import (
    QuartzExpression,
    describe,
    from_fields,
    is_satisfied_by,
    next_fire_times,
    parse,
    run_interval_seconds,
    unix_to_quartz,
)

UTC = timezone.utc
NEW_YEAR_2026 = "2026-01-01T00:00:00"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def fires(expression: str, after: str, count: int) -> list[str]:
    times = next_fire_times(parse(expression), after=at(after), count=count)
    return [t.strftime("%Y-%m-%dT%H:%M:%S") for t in times]


# (expression, after (UTC), expected fire times (UTC)); each row asks for len(expected) results.
FIRE_TIMES = [
    # --- Quartz CronTrigger tutorial examples ---
    ("0 0 12 * * ?", NEW_YEAR_2026, ["2026-01-01T12:00:00", "2026-01-02T12:00:00", "2026-01-03T12:00:00"]),
    ("0 15 10 ? * *", NEW_YEAR_2026, ["2026-01-01T10:15:00", "2026-01-02T10:15:00", "2026-01-03T10:15:00"]),
    ("0 15 10 * * ?", NEW_YEAR_2026, ["2026-01-01T10:15:00", "2026-01-02T10:15:00"]),
    ("0 15 10 * * ? *", NEW_YEAR_2026, ["2026-01-01T10:15:00", "2026-01-02T10:15:00"]),
    ("0 15 10 * * ? 2027", NEW_YEAR_2026, ["2027-01-01T10:15:00", "2027-01-02T10:15:00"]),
    ("0 * 14 * * ?", "2026-01-01T14:58:30", ["2026-01-01T14:59:00", "2026-01-02T14:00:00", "2026-01-02T14:01:00"]),
    ("0 0/5 14 * * ?", "2026-01-01T14:52:00", ["2026-01-01T14:55:00", "2026-01-02T14:00:00", "2026-01-02T14:05:00"]),
    ("0 0/5 14,18 * * ?", "2026-01-01T14:55:00", ["2026-01-01T18:00:00", "2026-01-01T18:05:00"]),
    ("0 0/5 14,18 * * ?", "2026-01-01T18:57:00", ["2026-01-02T14:00:00"]),
    ("0 0-5 14 * * ?", "2026-01-01T14:04:00", ["2026-01-01T14:05:00", "2026-01-02T14:00:00"]),
    ("0 10,44 14 ? 3 WED", NEW_YEAR_2026, ["2026-03-04T14:10:00", "2026-03-04T14:44:00", "2026-03-11T14:10:00"]),
    ("0 15 10 ? * MON-FRI", "2026-01-02T10:15:00", ["2026-01-05T10:15:00", "2026-01-06T10:15:00"]),
    ("0 15 10 15 * ?", NEW_YEAR_2026, ["2026-01-15T10:15:00", "2026-02-15T10:15:00", "2026-03-15T10:15:00"]),
    ("0 15 10 L * ?", NEW_YEAR_2026, ["2026-01-31T10:15:00", "2026-02-28T10:15:00", "2026-03-31T10:15:00"]),
    ("0 15 10 L * ?", "2028-02-01T00:00:00", ["2028-02-29T10:15:00", "2028-03-31T10:15:00"]),
    ("0 15 10 L-2 * ?", NEW_YEAR_2026, ["2026-01-29T10:15:00", "2026-02-26T10:15:00", "2026-03-29T10:15:00"]),
    ("0 15 10 ? * 6L", NEW_YEAR_2026, ["2026-01-30T10:15:00", "2026-02-27T10:15:00", "2026-03-27T10:15:00"]),
    ("0 15 10 ? * FRIL", NEW_YEAR_2026, ["2026-01-30T10:15:00"]),
    ("0 15 10 ? * 6L 2027-2030", NEW_YEAR_2026, ["2027-01-29T10:15:00", "2027-02-26T10:15:00", "2027-03-26T10:15:00"]),
    ("0 15 10 ? * 6#3", NEW_YEAR_2026, ["2026-01-16T10:15:00", "2026-02-20T10:15:00", "2026-03-20T10:15:00"]),
    ("0 0 12 1/5 * ?", "2026-01-25T00:00:00", ["2026-01-26T12:00:00", "2026-01-31T12:00:00", "2026-02-01T12:00:00"]),
    ("0 11 11 11 11 ?", NEW_YEAR_2026, ["2026-11-11T11:11:00", "2027-11-11T11:11:00", "2028-11-11T11:11:00"]),
    # --- day-of-week numbering (1 = SUN), docs/quartz.md pitfall 2; ArcGIS CreateBackup sample ---
    ("0 0 4 ? * 7", "2021-10-22T00:00:00", ["2021-10-23T04:00:00", "2021-10-30T04:00:00"]),
    ("0 0 12 ? * 1,7", NEW_YEAR_2026, ["2026-01-03T12:00:00", "2026-01-04T12:00:00", "2026-01-10T12:00:00"]),
    ("0 0 12 ? * 2-6", "2026-01-02T13:00:00", ["2026-01-05T12:00:00"]),
    ("0 0 12 ? * L", NEW_YEAR_2026, ["2026-01-03T12:00:00", "2026-01-10T12:00:00"]),
    ("0 0 12 ? * 6#5", NEW_YEAR_2026, ["2026-01-30T12:00:00", "2026-05-29T12:00:00", "2026-07-31T12:00:00"]),
    ("0 0 12 ? * SUN#1", NEW_YEAR_2026, ["2026-01-04T12:00:00", "2026-02-01T12:00:00"]),
    # --- W and LW at month edges ---
    ("0 0 12 LW * ?", NEW_YEAR_2026, ["2026-01-30T12:00:00", "2026-02-27T12:00:00", "2026-03-31T12:00:00"]),
    ("0 0 12 LW * ?", "2026-05-01T00:00:00", ["2026-05-29T12:00:00"]),  # 31st is a Sunday -> Friday
    ("0 0 12 1W * ?", "2026-07-02T00:00:00", ["2026-08-03T12:00:00", "2026-09-01T12:00:00"]),  # SAT 1st -> MON 3rd
    ("0 0 12 1W * ?", "2026-01-02T00:00:00", ["2026-02-02T12:00:00", "2026-03-02T12:00:00"]),  # SUN 1st -> MON 2nd
    ("0 0 12 10W * ?", NEW_YEAR_2026, ["2026-01-09T12:00:00", "2026-02-10T12:00:00"]),  # SAT -> FRI
    ("0 0 12 4W * ?", NEW_YEAR_2026, ["2026-01-05T12:00:00"]),  # SUN -> MON
    ("0 0 12 28W 2 ?", "2027-01-01T00:00:00", ["2027-02-26T12:00:00"]),  # last day SUN -> FRI, not March 1st
    ("0 0 12 31W * ?", "2026-05-01T00:00:00", ["2026-05-29T12:00:00", "2026-07-31T12:00:00"]),  # June skipped
    ("0 0 12 L-3W * ?", NEW_YEAR_2026, ["2026-01-28T12:00:00", "2026-02-25T12:00:00", "2026-03-27T12:00:00"]),
    # --- Quartz 2.5 day-of-month lists ---
    ("0 0 12 1,L * ?", NEW_YEAR_2026, ["2026-01-01T12:00:00", "2026-01-31T12:00:00", "2026-02-01T12:00:00"]),
    ("0 0 12 2W,16 * ?", NEW_YEAR_2026, ["2026-01-02T12:00:00", "2026-01-16T12:00:00", "2026-02-02T12:00:00"]),
    # --- leap years ---
    ("0 0 0 29 2 ?", NEW_YEAR_2026, ["2028-02-29T00:00:00", "2032-02-29T00:00:00", "2036-02-29T00:00:00"]),
    ("0 0 0 29 2 ? 2096-2104", "2090-01-01T00:00:00", ["2096-02-29T00:00:00", "2104-02-29T00:00:00"]),
    # --- a-a ranges are one value (croniter would widen them to the whole field) ---
    ("0 0 12-12 * * ?", NEW_YEAR_2026, ["2026-01-01T12:00:00", "2026-01-02T12:00:00"]),
    ("0 5-5 * * * ?", NEW_YEAR_2026, ["2026-01-01T00:05:00", "2026-01-01T01:05:00"]),
    ("0 0 0 ? * 3-3", NEW_YEAR_2026, ["2026-01-06T00:00:00", "2026-01-13T00:00:00"]),
    # --- wrap-around ranges ---
    ("0 0 22-2 * * ?", "2026-01-01T12:00:00", ["2026-01-01T22:00:00", "2026-01-01T23:00:00", "2026-01-02T00:00:00",
                                                "2026-01-02T01:00:00", "2026-01-02T02:00:00", "2026-01-02T22:00:00"]),
    ("0 0 9 ? * FRI-MON", NEW_YEAR_2026, ["2026-01-02T09:00:00", "2026-01-03T09:00:00", "2026-01-04T09:00:00",
                                          "2026-01-05T09:00:00", "2026-01-09T09:00:00"]),
    ("0 0 0 1 NOV-FEB ?", NEW_YEAR_2026, ["2026-02-01T00:00:00", "2026-11-01T00:00:00", "2026-12-01T00:00:00",
                                          "2027-01-01T00:00:00"]),
    # Quartz addToSet: i = 6, 8 up to 2 + 7 = 9, mod 7 -> {6, 1} = FRI, SUN
    ("0 0 0 ? * 6-2/2", NEW_YEAR_2026, ["2026-01-02T00:00:00", "2026-01-04T00:00:00", "2026-01-09T00:00:00",
                                        "2026-01-11T00:00:00"]),
    # --- steps never wrap (javadoc: 7/6 in month = July only) ---
    ("0 0 0 1 7/6 ?", NEW_YEAR_2026, ["2026-07-01T00:00:00", "2027-07-01T00:00:00"]),
    # --- seconds and years, including past croniter's 2099 ---
    ("*/20 0 0 1 1 ?", "2026-06-01T00:00:00", ["2027-01-01T00:00:00", "2027-01-01T00:00:20", "2027-01-01T00:00:40"]),
    ("0 30 9 ? 1 2#1 2100", NEW_YEAR_2026, ["2100-01-04T09:30:00"]),
    ("0 0 0 1 1 ? 2101/25", NEW_YEAR_2026, ["2101-01-01T00:00:00", "2126-01-01T00:00:00"]),  # MAX_YEAR = 2126
    ("0 0 0 1 1 ? 2150", "2080-01-01T00:00:00", ["2150-01-01T00:00:00"]),
    # --- strictly after `after`, sub-seconds dropped ---
    ("0 0 12 * * ?", "2026-01-01T12:00:00", ["2026-01-02T12:00:00"]),
    ("* * * * * ?", "2026-01-01T12:00:00.700000", ["2026-01-01T12:00:01", "2026-01-01T12:00:02"]),
]


@pytest.mark.parametrize(("expression", "after", "expected"), FIRE_TIMES)
def test_fire_times_match_quartz(expression: str, after: str, expected: list[str]) -> None:
    assert fires(expression, after, len(expected)) == expected


@pytest.mark.parametrize(
    ("expression", "after", "count", "expected"),
    [
        ("0 15 10 ? * 6L 2027-2030", "2030-11-30T00:00:00", 3, ["2030-12-27T10:15:00"]),  # years exhausted
        ("0 0 0 1 1 ? 2150", NEW_YEAR_2026, 3, []),  # past after.year + 100: parses, never fires
        ("0 0 0 30 2 ?", NEW_YEAR_2026, 3, []),  # Feb 30
        ("0 0 0 31 4,6,9,11 ?", NEW_YEAR_2026, 1, []),
        ("0 0 0 29 2 ? 2100", NEW_YEAR_2026, 1, []),  # 2100 is not a leap year
        ("0 0 0 L-30 2 ?", NEW_YEAR_2026, 1, []),
        ("0 0 0 1 1 ? 2020", NEW_YEAR_2026, 1, []),
    ],
)
def test_schedules_that_stop_firing(expression: str, after: str, count: int, expected: list[str]) -> None:
    assert fires(expression, after, count) == expected


def test_fire_times_in_another_zone_are_aware_and_local() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    times = next_fire_times(parse("0 0 9 * * ?"), after=at(NEW_YEAR_2026), count=2, tz=berlin)
    assert [t.isoformat() for t in times] == ["2026-01-01T09:00:00+01:00", "2026-01-02T09:00:00+01:00"]
    assert times[0].astimezone(UTC) == at("2026-01-01T08:00:00")


def test_fire_times_default_to_utc() -> None:
    (first,) = next_fire_times(parse("0 0 4 ? * 7"), after=at("2021-10-22T00:00:00"), count=1)
    assert first.utcoffset() == timedelta(0)
    assert int(first.timestamp() * 1000) == 1634961600000  # the portal's own lastStart for CreateBackup


def test_naive_after_is_rejected() -> None:
    with pytest.raises(ValueError):
        next_fire_times(parse("0 0 12 * * ?"), after=datetime(2026, 1, 1), count=1)


@pytest.mark.parametrize(
    ("expression", "seconds"),
    [("0 0 4 ? * 7", 604800), ("0 0 * * * ?", 3600), ("0 */1 * * * ?", 60), ("0 0 0 1 1 ? 2030", None)],
)
def test_run_interval_seconds(expression: str, seconds: int | None) -> None:
    assert run_interval_seconds(parse(expression), after=at(NEW_YEAR_2026)) == seconds


@pytest.mark.parametrize(
    ("expression", "instant", "expected"),
    [
        ("0 15 10 ? * 6L", "2026-01-30T10:15:00", True),
        ("0 15 10 ? * 6L", "2026-01-23T10:15:00", False),
        ("0 15 10 ? * 6L", "2026-01-30T10:15:01", False),
        ("0 0 12 1W * ?", "2026-08-03T12:00:00", True),
        ("0 0 12 1W * ?", "2026-08-01T12:00:00", False),
        ("0 0 0 1 1 ? 2100", "2100-01-01T00:00:00", True),
    ],
)
def test_is_satisfied_by(expression: str, instant: str, expected: bool) -> None:
    assert is_satisfied_by(parse(expression), at(instant)) is expected


# --- validation -------------------------------------------------------------------------------

INVALID = [
    ("0 0 12 * * *", "day_of_week", "*"),  # both day fields set
    ("0 0 12 * * 4", "day_of_week", "4"),
    ("0 0 12 ? * ?", "day_of_week", "?"),
    ("0 0 12 ? * 0", "day_of_week", "0"),  # Unix Sunday
    ("0 0 12 ? * 8", "day_of_week", "8"),
    ("0 0 12 ? * 1-8", "day_of_week", "1-8"),
    ("0 0 12 ? 13 *", "month", "13"),
    ("0 0 12 ? 0 *", "month", "0"),
    ("60 0 12 * * ?", "second", "60"),
    ("0 60 12 * * ?", "minute", "60"),
    ("0 0 24 * * ?", "hour", "24"),
    ("0 0 12 32 * ?", "day_of_month", "32"),
    ("0 0 12 0 * ?", "day_of_month", "0"),
    ("0 0/60 * * * ?", "minute", "0/60"),  # increment limits
    ("0/60 0 * * * ?", "second", "0/60"),
    ("0 0 0/24 * * ?", "hour", "0/24"),
    ("0 0 12 1/32 * ?", "day_of_month", "1/32"),
    ("0 0 12 ? 1/13 *", "month", "1/13"),
    ("0 0 12 ? * */8", "day_of_week", "*/8"),
    ("0 */0 * * * ?", "minute", "*/0"),  # step 0
    ("0 0 12 ? * 6#6", "day_of_week", "6#6"),
    ("0 0 12 ? * 6#0", "day_of_week", "6#0"),
    ("0 0 12 ? * 2#1,6#3", "day_of_week", "2#1"),  # only one # and alone
    ("0 0 12 ? * 2,3#2", "day_of_week", "3#2"),  # Quartz: 2nd Monday only
    ("0 0 12 ? * 2-4#2", "day_of_week", "2-4#2"),  # Quartz: MON-WED every week
    ("0 0 12 ? * 5-6L", "day_of_week", "5-6L"),  # Quartz: THU+FRI every week
    ("0 0 12 ? * 1,L", "day_of_week", "L"),  # L not in day-of-week lists
    ("0 0 12 ? * 6L,2", "day_of_week", "6L"),
    ("0 0 12 ? * L-2", "day_of_week", "L-2"),
    ("0 0 12 ? * 8L", "day_of_week", "8L"),
    ("0 0 12 15-L * ?", "day_of_month", "15-L"),
    ("0 0 12 L-31 * ?", "day_of_month", "L-31"),
    ("0 0 12 32W * ?", "day_of_month", "32W"),
    ("0 0 12 1-5W * ?", "day_of_month", "1-5W"),
    ("0 0 12 L/2 * ?", "day_of_month", "L/2"),
    ("0 0 12 1C * ?", "day_of_month", "1C"),  # C silently ignored by Quartz
    ("0 0 12 ? * 1C", "day_of_week", "1C"),
    ("0 0 12X * * ?", "hour", "12X"),  # trailing junk silently ignored by Quartz
    ("0 0 12 ? JANUARY *", "month", "JANUARY"),
    ("0 0 12 ? * MON/2", "day_of_week", "MON/2"),  # Quartz drops the step after a name
    ("0 0 12 ? * SUN-FUN", "day_of_week", "SUN-FUN"),
    ("0 0 12 ? FOO *", "month", "FOO"),
    ("0 0 12 1,,2 * ?", "day_of_month", "1,,2"),
    ("0 0 12 1, * ?", "day_of_month", "1,"),
    ("0 0 ? * * ?", "hour", "?"),
    ("0 0 12 ?,1 * ?", "day_of_month", "?,1"),
    ("0 0 12 * * ? 1969", "year", "1969"),
    ("0 0 12 * * ? 2030-2027", "year", "2030-2027"),
    ("0 0 12 * * ? 20X0", "year", "20X0"),
    ("0 0 12 * JAN ? 2030 1", None, "0 0 12 * JAN ? 2030 1"),  # 8 fields (2.3.2 accepts them)
    ("0 0 12 *", None, "0 0 12 *"),
    ("", None, ""),
]


@pytest.mark.parametrize(("expression", "field", "token"), INVALID)
def test_invalid_expressions_name_field_and_token(expression: str, field: str | None, token: str) -> None:
    with pytest.raises(CronError) as info:
        parse(expression)
    assert (info.value.field, info.value.token) == (field, token)
    assert repr(token) in str(info.value)


def test_unix_expression_error_suggests_quartz_equivalent() -> None:
    with pytest.raises(CronError, match=r"in Quartz that is '0 0 2 \? \* MON-FRI'"):
        parse("0 2 * * 1-5")


@pytest.mark.parametrize(
    ("unix", "quartz"),
    [
        ("0 2 * * 1-5", "0 0 2 ? * MON-FRI"),
        ("0 0 * * 0", "0 0 0 ? * SUN"),
        ("0 0 * * 7", "0 0 0 ? * SUN"),
        ("0 0 * * 5-7", "0 0 0 ? * SUN,FRI,SAT"),
        ("0 0 * * sat,sun", "0 0 0 ? * SUN,SAT"),
        ("*/15 * * * *", "0 */15 * * * ?"),
        ("30 4 1 * *", "0 30 4 1 * ?"),
        ("0 0 1-31 * 1", "0 0 0 * * ?"),  # neither day field starts with '*': days OR -> every day
        ("@daily", "0 0 0 * * ?"),
        ("@weekly", "0 0 0 ? * SUN"),
        ("0 0 1 * 1", None),  # 1st of the month OR Monday: not expressible in Quartz
        ("0 0 */2 * 1", None),  # vixie ANDs here: odd days that are Mondays
        ("0 0 * * 9", None),
        ("not a cron", None),
        ("0 0 12 * * ?", None),
    ],
)
def test_unix_to_quartz(unix: str, quartz: str | None) -> None:
    assert unix_to_quartz(unix) == quartz


# --- the portal's five fields -----------------------------------------------------------------


def test_portal_fields_of_a_storable_expression() -> None:
    expr = parse("0 15 10 ? * 6l")
    assert expr.portal_fields() == CronFields(minute="15", hour="10", day_of_month="?", month="*", day_of_week="6L")
    assert expr.storable_problems() == ()
    assert from_fields(expr.portal_fields()) == expr


@pytest.mark.parametrize("expression", ["0 0 12 * * ? *", "00 0 12 * * ?"])
def test_year_star_and_zero_seconds_are_storable(expression: str) -> None:
    assert parse(expression).storable_problems() == ()


@pytest.mark.parametrize(
    ("expression", "field", "message"),
    [
        ("30 0 12 * * ?", "second", "the portal has no seconds field"),
        ("0 0 12 * * ? 2027", "year", "the portal has no year field"),
    ],
)
def test_portal_fields_refuse_seconds_and_years(expression: str, field: str, message: str) -> None:
    expr = parse(expression)
    with pytest.raises(CronError, match=message) as info:
        expr.portal_fields()
    assert info.value.field == field
    assert len(expr.storable_problems()) == 1


def test_expression_fields_are_upper_case_text() -> None:
    expr = parse("  0 0 12 ?  * mon-fri 2027 ")
    assert (expr.day_of_week, expr.year, str(expr)) == ("MON-FRI", "2027", "0 0 12 ? * MON-FRI 2027")
    assert parse("0 0 12 * * ?").year is None
    assert QuartzExpression(second="0", minute="0", hour="12", day_of_month="?", month="*", day_of_week="mon") == parse(
        "0 0 12 ? * MON"
    )


# --- warnings ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "fragment"),
    [
        ("0 0 12 1,L * ?", "needs Quartz 2.5 or later"),
        ("0 0 12 2W,16 * ?", "needs Quartz 2.5 or later"),
        ("0 0 12 31W * ?", "Quartz versions differ"),
        ("0 0 0 30 2 ?", "never fires"),
        ("0 0 0 29 2 ? 2029/4", "never fires"),
        ("0 0 12 ? 2 2#5 2026", "never fires"),  # February 2026 has four Mondays
    ],
)
def test_warnings(expression: str, fragment: str) -> None:
    assert any(fragment in w for w in parse(expression).warnings())


@pytest.mark.parametrize("expression", ["0 0 12 * * ?", "0 0 12 28W * ?", "0 0 0 29 2 ?", "0 15 10 ? * 6#5"])
def test_no_warnings(expression: str) -> None:
    assert parse(expression).warnings() == ()


# --- canonical text ----------------------------------------------------------------------------

SAME = [
    ("0 0 12 * * ?", "0 0 12 ? * *", "0 0 12 ? * 1-7", "0 0 12 1-31 * ?", "0 0 12 * * ? *", "0 0 12-12 * * ?"),
    ("0 15 10 ? * MON-FRI", "0 15 10 ? * 2-6", "0 15 10 ? * 2,3,4,5,6", "0 15 10 ? * mon-fri", "0 15 10 ? * 6,2-5"),
    ("0 * * * * ?", "0 */1 * * * ?", "0 0/1 * * * ?", "0 0-59 * * * ?", "0 /1 * * * ?"),
    ("0 0/5 * * * ?", "0 */5 * * * ?", "0 /5 * * * ?", "0 0,5,10,15,20,25,30,35,40,45,50,55 * * * ?"),
    ("0 0 0 1 NOV-FEB ?", "0 0 0 1 1,2,11,12 ?", "0 0 0 1 JAN,FEB,NOV,DEC ?", "0 0 0 1 11-2 ?"),
    ("0 0 12 ? * L", "0 0 12 ? * 7", "0 0 12 ? * SAT", "0 0 12 ? * 7-7"),
    ("0 0 12 ? * FRIL", "0 0 12 ? * 6L"),
    ("0 0 12 ? * FRI#3", "0 0 12 ? * 6#3"),
    ("0 0 12 L-0 * ?", "0 0 12 L * ?"),
    ("0 0 12 L-0W * ?", "0 0 12 LW * ?"),
    ("0 0 12 L,1 * ?", "0 0 12 1,L * ?"),
    ("0 0 22-2 * * ?", "0 0 0,1,2,22,23 * * ?"),
    ("0 0 0 * * ? 2027-2029", "0 0 0 * * ? 2027,2028,2029", "0 0 0 * * ? 2029,2027-2028"),
    ("0 0 0 * * ? */1", "0 0 0 * * ?"),
]


@pytest.mark.parametrize("spellings", SAME)
def test_equal_schedules_have_equal_canonical_text(spellings: tuple[str, ...]) -> None:
    assert len({parse(s).canonical() for s in spellings}) == 1


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("0 0 12 ? * 1", "0 0 12 ? * 2"),
        ("0 0 12 L * ?", "0 0 12 LW * ?"),
        ("0 0 12 * * ? 2027", "0 0 12 * * ?"),
        ("0 0 12 ? * 6L", "0 0 12 ? * 6#4"),
        ("0 0 12 ? * 7", "0 0 12 L * ?"),
        ("0 0 12 15W * ?", "0 0 12 15 * ?"),
        ("0 0 0 1 7/6 ?", "0 0 0 1 */6 ?"),
    ],
)
def test_different_schedules_have_different_canonical_text(left: str, right: str) -> None:
    assert parse(left).canonical() != parse(right).canonical()


@pytest.mark.parametrize(
    ("expression", "canonical"),
    [
        ("0 0/5 14,18 * * ?", "0 */5 14,18 * * ?"),
        ("0 0 12 ? * MON-FRI", "0 0 12 ? * 2-6"),
        ("0 0 12 ? * 1-7", "0 0 12 * * ?"),
        ("0 0 12 2W,16 * ?", "0 0 12 16,2W * ?"),
        ("0 0 0 * * ? 2027/2", "0 0 0 * * ? 2027/2"),
    ],
)
def test_canonical_text(expression: str, canonical: str) -> None:
    assert parse(expression).canonical() == canonical


# --- descriptions ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "description"),
    [
        ("0 0 12 * * ?", "At 12:00"),
        ("0 15 10 * * ? 2027", "At 10:15, only in 2027"),
        ("0 0/5 14,18 * * ?", "Every 5 minutes, at 14:00 and 18:00"),
        ("0 10,44 14 ? 3 WED", "At 10 and 44 minutes past the hour, at 14:00, only on Wednesday, only in March"),
        ("0 15 10 ? * MON-FRI", "At 10:15, Monday through Friday"),
        ("0 0 4 ? * 7", "At 04:00, only on Saturday"),
        ("0 0 12 ? * L", "At 12:00, only on Saturday"),
        ("0 15 10 ? * 6L", "At 10:15, on the last Friday of the month"),
        ("0 15 10 ? * 6#3", "At 10:15, on the third Friday of the month"),
        ("0 15 10 ? * 6L 2027-2030", "At 10:15, on the last Friday of the month, 2027 through 2030"),
        ("0 15 10 L * ?", "At 10:15, on the last day of the month"),
        ("0 15 10 L-2 * ?", "At 10:15, on the 3rd-to-last day of the month"),
        ("0 0 12 LW * ?", "At 12:00, on the last weekday of the month"),
        ("0 0 12 15W * ?", "At 12:00, on the weekday nearest day 15 of the month"),
        ("0 0 12 L-3W * ?", "At 12:00, on the weekday nearest the 4th-to-last day of the month"),
        ("0 0 12 2W,16 * ?", "At 12:00, on day 16 and the weekday nearest day 2 of the month"),
        ("0 0 12 1,L * ?", "At 12:00, on day 1 and the last day of the month"),
        ("0 0 12 1/5 * ?", "At 12:00, on day 1, 6, 11, 16, 21, 26, and 31 of the month"),
        ("0 0 22-2 * * ?", "At 00:00, 01:00, 02:00, 22:00 and 23:00"),
        ("0 0 12 ? * FRI-MON", "At 12:00, only on Sunday, Monday, Friday, and Saturday"),
        ("0 0 0 1 7/6 ?", "At 00:00, on day 1 of the month, only in July"),
        ("0 0 0 * * ? 2027/2", "At 00:00, every 2 years from 2027"),
        ("30 0 0 * * ?", "At 00:00:30"),
    ],
)
def test_describe(expression: str, description: str) -> None:
    assert describe(parse(expression)) == description


# --- properties --------------------------------------------------------------------------------

_TIME = st.sampled_from(["0", "*", "*/15", "5-5", "50-10", "0,30", "7/20"])
_DOM = st.sampled_from(["*", "1", "15W", "L", "L-3", "LW", "L-2W", "31", "1,L", "29", "28-2", "1/10"])
_DOW = st.sampled_from(["*", "1", "2-6", "FRI-MON", "6L", "2#5", "L", "1,7", "*/3"])
_MONTH = st.sampled_from(["*", "2", "NOV-FEB", "*/5", "4,6,9,11"])
_YEAR = st.sampled_from([None, "*", "2026-2028", "2030", "2028/4"])


@st.composite
def expressions(draw: st.DrawFn) -> str:
    use_dom = draw(st.booleans())
    dom, dow = (draw(_DOM), "?") if use_dom else ("?", draw(_DOW))
    fields = [draw(_TIME), draw(_TIME), draw(st.sampled_from(["0", "*", "22-2", "9-17/4"])), dom, draw(_MONTH), dow]
    year = draw(_YEAR)
    return " ".join(fields if year is None else [*fields, year])


_AFTER = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2031, 1, 1)).map(
    lambda d: d.replace(tzinfo=UTC)
)


@settings(max_examples=60, deadline=None)
@given(expressions(), _AFTER)
def test_fire_times_are_increasing_after_start_and_match_the_fields(expression: str, after: datetime) -> None:
    expr = parse(expression)
    times = next_fire_times(expr, after=after, count=4)
    assert all(t > after for t in times)
    assert all(a < b for a, b in pairwise(times))
    assert all(is_satisfied_by(expr, t) for t in times)
    if times:  # nothing matching was skipped between `after` and the first fire time (second resolution)
        gap = int((times[0] - after.replace(microsecond=0)).total_seconds())
        probe = after.replace(microsecond=0) + timedelta(seconds=1)
        if gap <= 3 * 3600:
            assert not any(is_satisfied_by(expr, probe + timedelta(seconds=s)) for s in range(gap - 1))


@settings(max_examples=60, deadline=None)
@given(expressions())
def test_canonical_text_parses_to_the_same_schedule(expression: str) -> None:
    expr = parse(expression)
    again = parse(expr.canonical())
    assert again.canonical() == expr.canonical()
    after = at(NEW_YEAR_2026)
    assert next_fire_times(again, after=after, count=5) == next_fire_times(expr, after=after, count=5)


@pytest.mark.parametrize("text", ["0 ５ 2 ? * MON", "0 0 ٣ ? * MON", "0 0 2 ? * ٢", "0 0 2 ? * 6#３", "0 0 2 L-２ * ?"])
def test_only_ascii_digits(text: str) -> None:
    with pytest.raises(CronError):
        parse(text)


def test_an_instant_before_1970_starts_the_search_in_1970() -> None:
    expr = parse("0 0 2 ? * MON")
    times = next_fire_times(expr, after=datetime(1, 1, 1, tzinfo=timezone.utc), count=1)
    assert times == [datetime(1970, 1, 5, 2, 0, tzinfo=timezone.utc)]  # 1970-01-01 was a Thursday


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        (CronFields(minute="0", hour="12", day_of_month="? *", month="MON", day_of_week=""), "day_of_month"),
        (CronFields(minute="0", hour="12", day_of_month="?", month="*", day_of_week="ſun"), "day_of_week"),
        (CronFields(minute="", hour="12", day_of_month="?", month="*", day_of_week="MON"), "minute"),
    ],
)
def test_portal_fields_are_checked_one_by_one(fields: CronFields, field: str) -> None:
    with pytest.raises(CronError) as raised:
        from_fields(fields)
    assert raised.value.field == field


def test_non_ascii_letters_that_upper_case_to_ascii_are_refused() -> None:
    with pytest.raises(CronError):
        parse("0 0 12 ? * ſun")
