"""Issue 16, "Schedules": Unix day numbers in a Quartz day-of-week, and the hint for a 5-field
Unix expression, pinned as validate prints them."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from reconciler import quartz
from reconciler.render.validate import problem_line, problem_to_dict
from reconciler.taskfiles import loader

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)
URL = "https://gis.example.com/server/rest/services/Tools/Buffer/GPServer/Buffer"


def problems(tmp_path: Path, schedule: str) -> list[str]:
    (tmp_path / "t.yaml").write_text(f"name: nightly\ntask_url: {URL}\nschedule:{schedule}\n", encoding="utf-8")
    result = loader.load(tmp_path, variables={}, now=NOW)
    return [problem_line(problem_to_dict(p)).replace(f"{tmp_path}/", "") for p in result.problems]


def test_unix_day_numbers_are_warned_with_both_readings_and_what_to_write(tmp_path: Path) -> None:
    assert problems(tmp_path, ' "0 0 2 ? * 1-5"') == [
        "t.yaml:3:11: schedule: warning: day-of-week '1-5' is SUN-THU in Quartz (1 = SUN ... 7 = SAT), not MON-FRI "
        "as in Unix cron (1 = MON): write SUN-THU to keep it, or MON-FRI (Quartz 2-6) if you meant Unix numbering"
    ]


def test_the_day_numbers_warning_points_at_day_of_week_in_the_field_form(tmp_path: Path) -> None:
    found = problems(tmp_path, "\n  minute: 0\n  hour: 2\n  day_of_month: '?'\n  month: '*'\n  day_of_week: 6L\n")
    assert found == [
        "t.yaml:8:16: schedule.day_of_week: warning: day-of-week '6L' is FRIL in Quartz (1 = SUN ... 7 = SAT), not "
        "SATL as in Unix cron (1 = MON): write FRIL to keep it, or SATL (Quartz 7L) if you meant Unix numbering"
    ]


@pytest.mark.parametrize("dow", ["MON-FRI", "*", "?", "*/2", "L", "1-7", "MON#1"])
def test_day_names_and_every_day_are_not_warned(tmp_path: Path, dow: str) -> None:
    dom = "*" if dow == "?" else "?"
    assert problems(tmp_path, f' "0 0 2 {dom} * {dow}"') == []


def test_a_unix_expression_gets_its_quartz_form_as_the_hint(tmp_path: Path) -> None:
    assert problems(tmp_path, ' "0 2 * * 1-5"') == [
        "t.yaml:3:11: schedule: expected 6 or 7 fields (second minute hour day-of-month month day-of-week [year]), "
        "got 5: '0 2 * * 1-5' looks like Unix cron; in Quartz that is '0 0 2 ? * MON-FRI'"
        '\n  hint: write it in Quartz: schedule: "0 0 2 ? * MON-FRI"'
    ]


def test_a_unix_expression_quartz_cannot_say_does_not_send_the_user_to_reconciler_cron(tmp_path: Path) -> None:
    (found,) = problems(tmp_path, ' "0 0 1 * 1"')
    assert found.endswith(
        "\n  hint: Quartz fields are: sec min hour day-of-month month day-of-week, one of the day fields '?'; "
        "Unix's \"day-of-month or day-of-week\" takes two tasks in Quartz"
    )
    assert "reconciler cron" not in found


def test_the_suggested_quartz_form_is_itself_accepted_without_warnings() -> None:
    equivalent = quartz.unix_to_quartz("0 2 * * 1-5")
    assert equivalent == "0 0 2 ? * MON-FRI"
    expr = quartz.parse(equivalent)
    assert expr.warnings() == () and quartz.day_numbers_warning(expr) is None


def test_day_numbers_note_names_the_days() -> None:
    assert quartz.day_numbers_note("2-6") == "2-6 = MON-FRI"
    assert quartz.day_numbers_note("1,7") == "1,7 = SUN,SAT"
    assert quartz.day_numbers_note("2#1") == "2#1 = MON#1"
    assert quartz.day_numbers_note("MON-FRI") is None
    assert quartz.day_numbers_note("*") is None


def test_a_rejected_quartz_expression_is_not_sent_back_to_reconciler_cron_as_it_is() -> None:
    from reconciler.taskfiles.schedules import _cron_hint

    for text in ("0 0 4 ? * 0", "@daily"):
        hint = _cron_hint(text)
        assert text not in hint and "one of the day fields '?'" in hint, hint
