"""`reconciler cron` through the real CLI entry point: output, JSON shape, exit codes."""

from __future__ import annotations

import json

import pytest

from reconciler.cli import main

AFTER = ["--after", "2026-01-01T00:00:00Z"]


def test_text_output_for_a_storable_expression(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cron", "0 15 10 ? * 6L", "--count", "3", *AFTER]) == 0
    assert capsys.readouterr().out == (
        "expression:  0 15 10 ? * 6L\n"
        "description: At 10:15, on the last Friday of the month\n"
        "portal:      minute=15 hour=10 dayOfMonth=? month=* dayOfWeek=6L\n"
        "next fire times (UTC) after 2026-01-01T00:00:00Z:\n"
        "  2026-01-30T10:15:00Z\n"
        "  2026-02-27T10:15:00Z\n"
        "  2026-03-27T10:15:00Z\n"
    )


def test_text_output_says_why_the_portal_cannot_store_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cron", "30 0 12 * * ? 2027", "-n", "1", *AFTER]) == 0
    out = capsys.readouterr().out
    assert "portal:      cannot store this expression: the portal has no seconds field" in out
    assert "the portal has no year field" in out
    assert out.endswith("  2027-01-01T12:00:30Z\n")


def test_text_output_shows_warnings(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cron", "0 0 12 1,L * ?", "-n", "1", *AFTER]) == 0
    assert "warning:     day-of-month '1,L': L or W in a list needs Quartz 2.5 or later" in capsys.readouterr().out


def test_text_output_in_another_zone_shows_utc_alongside(capsys: pytest.CaptureFixture[str]) -> None:
    # a naive --after is wall-clock time in --tz
    args = ["cron", "0 0 9 ? * MON-FRI", "-n", "2", "--after", "2026-01-01T12:00:00", "--tz", "Europe/Berlin"]
    assert main(args) == 0
    assert capsys.readouterr().out.splitlines()[-3:] == [
        "next fire times (Europe/Berlin) after 2026-01-01T12:00:00+01:00  (2026-01-01T11:00:00Z):",
        "  2026-01-02T09:00:00+01:00  (2026-01-02T08:00:00Z)",
        "  2026-01-05T09:00:00+01:00  (2026-01-05T08:00:00Z)",
    ]


def test_text_output_when_the_schedule_runs_out(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cron", "0 0 0 30 2 ?", "-n", "2", *AFTER]) == 0
    out = capsys.readouterr().out
    assert "warning:     never fires: no month it selects has a matching day" in out
    assert out.endswith("  (no fire times up to the end of 2126; Quartz looks 100 years ahead)\n")


def test_json_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cron", "0 15 10 ? * 6L", "-n", "2", *AFTER, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "expression": "0 15 10 ? * 6L",
        "fields": {"minute": "15", "hour": "10", "day_of_month": "?", "month": "*", "day_of_week": "6L"},
        "description": "At 10:15, on the last Friday of the month",
        "next": ["2026-01-30T10:15:00Z", "2026-02-27T10:15:00Z"],
        "storable": True,
        "problems": [],
        "warnings": [],
    }


def test_json_times_are_utc_whatever_the_zone(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["cron", "0 0 9 * * ?", "-n", "1", *AFTER, "--tz", "America/New_York", "--format", "json"]
    assert main(args) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["next"] == ["2026-01-01T14:00:00Z"]  # 09:00 EST


def test_json_output_of_an_unstorable_expression(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cron", "0 0 0 1 1 ? 2027", "-n", "3", *AFTER, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["storable"] is False
    assert data["problems"] == ["the portal has no year field; it cannot limit a schedule to '2027'"]
    assert data["next"] == ["2027-01-01T00:00:00Z"]


@pytest.mark.parametrize(
    ("expression", "fragment"),
    [
        ("0 15 10 ? * 0", "day-of-week '0'"),
        ("0 0 12 * * *", "day-of-week '*'"),
        ("0 0 12 ? * 2-4#2", "day-of-week '2-4#2'"),
        ("0 2 * * 1-5", "in Quartz that is '0 0 2 ? * MON-FRI'"),
    ],
)
def test_invalid_expression_exits_1_naming_the_token(
    capsys: pytest.CaptureFixture[str], expression: str, fragment: str
) -> None:
    assert main(["cron", expression]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("error: ")
    assert fragment in captured.err
    assert "Traceback" not in captured.err


def test_invalid_expression_in_json_mode_prints_an_error_object(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cron", "0 15 10 ? * 0", "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert (data["field"], data["token"]) == ("day_of_week", "0")
    assert "day-of-week '0'" in data["error"]


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--tz", "Mars/Olympus_Mons"], "error: --tz 'Mars/Olympus_Mons': unknown time zone"),
        (["--tz", "../etc"], "error: --tz '../etc': unknown time zone"),
        (["--after", "yesterday"], "error: --after 'yesterday': expected ISO 8601"),
        (["--count", "0"], "error: --count 0: expected a number from 1 to 1000"),
    ],
)
def test_bad_options_exit_1_without_traceback(
    capsys: pytest.CaptureFixture[str], args: list[str], fragment: str
) -> None:
    assert main(["cron", "0 0 12 * * ?", *args]) == 1
    err = capsys.readouterr().err
    assert err.startswith(fragment)
    assert "Traceback" not in err


def test_default_after_is_now(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cron", "* * * * * ?", "-n", "1", "--format", "json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["next"]) == 1


def test_instants_with_z_parse_as_on_python_3_10() -> None:
    from reconciler.instants import parse_instant

    assert parse_instant("2026-01-01T00:00:00Z") == parse_instant("2026-01-01T00:00:00+00:00")
    assert parse_instant("2026-01-01T00:00:00").tzinfo is None
