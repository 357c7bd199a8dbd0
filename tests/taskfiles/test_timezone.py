"""A task's `timezone:` and the project file's zone settings: names checked at their line, the
schedule compiled to the scheduler's zone, what cannot be compiled exactly refused with the
reason, and skipped or repeated fire times warned about with their date."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from reconciler.model import CronFields, ZoneSettings
from reconciler.render.validate import problem_line, problem_to_dict
from reconciler.taskfiles import loader, project
from reconciler.taskfiles.project import ProjectFileError

URL = "https://gis.example.com/server/rest/services/Tools/GPServer/Buffer"
WINTER = datetime(2026, 1, 15, tzinfo=timezone.utc)
SUMMER = datetime(2026, 7, 15, tzinfo=timezone.utc)


def load(tmp_path: Path, body: str, *, now: datetime = WINTER, zones: ZoneSettings = loader.UTC_SCHEDULES):
    (tmp_path / "t.yaml").write_text(f"name: nightly\ntask_url: {URL}\n{body}", encoding="utf-8")
    result = loader.load(tmp_path, variables={}, now=now, zones=zones)
    return result, [problem_line(problem_to_dict(p)).replace(f"{tmp_path}/", "") for p in result.problems]


def test_a_local_schedule_is_compiled_for_the_scheduler(tmp_path: Path) -> None:
    result, lines = load(tmp_path, 'timezone: America/New_York\nschedule: "0 0 9 ? * MON-FRI"\n')
    spec = result.specs[0]
    assert spec.schedule == CronFields(minute="0", hour="14", day_of_month="?", month="*", day_of_week="MON-FRI")
    assert spec.zoned is not None
    assert (spec.zoned.local, spec.zoned.zone, spec.zoned.scheduler_zone) == ("0 0 9 ? * MON-FRI", "America/New_York",
                                                                               "UTC")
    assert spec.zoned.next_change == datetime(2026, 3, 8, 7, tzinfo=timezone.utc)
    assert spec.zoned.next_schedule is not None and spec.zoned.next_schedule.hour == "13"
    assert lines == []


def test_the_compiled_form_depends_on_the_instant(tmp_path: Path) -> None:
    result, _ = load(tmp_path, 'timezone: America/New_York\nschedule: "0 0 9 ? * MON-FRI"\n', now=SUMMER)
    assert result.specs[0].schedule.hour == "13"


def test_without_a_zone_the_schedule_is_utc_as_written(tmp_path: Path) -> None:
    result, _ = load(tmp_path, 'schedule: "0 0 9 ? * MON-FRI"\n')
    assert result.specs[0].schedule.hour == "9" and result.specs[0].zoned is None


def test_the_project_default_zone_and_scheduler_zone_apply(tmp_path: Path) -> None:
    zones = ZoneSettings(timezone="Europe/Berlin", scheduler="America/New_York")
    result, _ = load(tmp_path, 'schedule: "0 0 15 * * ?"\n', zones=zones)
    assert result.specs[0].schedule.hour == "9"  # 15:00 CET = 09:00 EST
    result, _ = load(tmp_path, 'timezone: UTC\nschedule: "0 0 15 * * ?"\n', zones=zones)
    assert result.specs[0].schedule.hour == "10"  # the task's own zone wins


def test_an_unknown_zone_is_an_error_at_its_line_with_a_hint(tmp_path: Path) -> None:
    result, lines = load(tmp_path, 'timezone: Europe/Berln\nschedule: "0 0 9 * * ?"\n')
    assert result.specs == ()
    assert lines == ["t.yaml:3:11: timezone: unknown time zone 'Europe/Berln'; did you mean Europe/Berlin?\n"
                     "  hint: use an IANA time zone name such as Europe/Berlin, America/New_York or UTC "
                     "(see `timedatectl list-timezones`)"]


@pytest.mark.parametrize(("zone", "schedule", "reason"), [
    ("Asia/Kolkata", "0 0,30 2 * * ?", "the minutes 0,30 would land in different hours when moved by -05:30"),
    ("Europe/Berlin", "0 0 0,12 ? * MON", "of the hours 0,12, some cross midnight"),
    ("Europe/Berlin", "0 0 0 LW * ?", "day-of-month 'LW' cannot move to an earlier day exactly"),
])
def test_what_cannot_be_compiled_exactly_is_an_error_with_the_reason(tmp_path: Path, zone: str, schedule: str,
                                                                     reason: str) -> None:
    result, lines = load(tmp_path, f'timezone: {zone}\nschedule: "{schedule}"\n')
    assert result.specs == ()
    assert len(lines) == 1
    assert lines[0].split("\n")[0].startswith(f"t.yaml:4:11: schedule: cannot be compiled exactly from {zone} to the portal "
                               f"scheduler's UTC: {reason}")


def test_fire_times_skipped_or_repeated_are_warned_with_their_date(tmp_path: Path) -> None:
    result, lines = load(tmp_path, 'timezone: Europe/Berlin\nschedule: "0 30 2 * * ?"\n')
    assert len(result.specs) == 1
    assert lines == [  # compiled for UTC: what the portal's fixed UTC expression really does those days
        "t.yaml:4:11: schedule: warning: 02:30 does not exist on 2026-03-29 in Europe/Berlin (clocks go forward): "
        "the portal fires it at 03:30 local that day, with the schedule compiled for before the change (read in "
        "UTC), unless the update is applied before then",
        "t.yaml:4:11: schedule: warning: 02:30 happens twice on 2026-10-25 in Europe/Berlin (clocks go back): "
        "the portal fires it once, at the first (daylight-saving) pass, with the schedule compiled for before the "
        "change (read in UTC)",
    ]
    result, lines = load(tmp_path, 'timezone: Europe/Berlin\nschedule: "0 30 2 * * ?"\n',
                         zones=ZoneSettings(scheduler="Europe/Berlin"))
    assert [line.split(": warning: ")[1] for line in lines] == [  # the scheduler reads Berlin itself: Quartz
        "02:30 does not exist on 2026-03-29 in Europe/Berlin (clocks go forward): Quartz skips it that day",
        "02:30 happens twice on 2026-10-25 in Europe/Berlin (clocks go back): Quartz fires it once, at the later "
        "(standard-time) pass"]


def test_times_of_the_compiled_schedule_in_the_schedulers_own_change_are_warned(tmp_path: Path) -> None:
    """UTC 01:30 is 02:30 in Berlin in winter: the Berlin scheduler skips it on 2026-03-29; UTC
    00:30 is 02:30 in summer, repeated on 2026-10-25, fired at the later pass."""
    berlin = ZoneSettings(scheduler="Europe/Berlin")
    _, lines = load(tmp_path, 'schedule: "0 30 1 * * ?"\n', zones=berlin)
    assert [line.split(": warning: ")[1] for line in lines] == [
        "the schedule sent, 0 30 2 * * ? in Europe/Berlin, fires at 02:30, which does not exist on 2026-03-29 in "
        "Europe/Berlin (clocks go forward): the portal's scheduler skips that run (Quartz)"]
    _, lines = load(tmp_path, 'schedule: "0 30 0 * * ?"\n', zones=berlin)
    assert [line.split(": warning: ")[1] for line in lines] == [
        "the schedule sent, 0 30 2 * * ? in Europe/Berlin, fires at 02:30, which happens twice on 2026-10-25 in "
        "Europe/Berlin (clocks go back): the portal's scheduler fires it once, at the later (standard-time) pass "
        "(Quartz)"]


def test_the_project_file_sets_zones_per_environment(tmp_path: Path) -> None:
    path = tmp_path / project.PROJECT_FILE
    path.write_text("project: p\ntimezone: Europe/Berlin\ndst_notice_days: 3\nenvironments:\n"
                    "  us: {scheduler_timezone: America/New_York, timezone: America/Chicago}\n  eu: {}\n")
    assert project.load(path).zones == ZoneSettings(timezone="Europe/Berlin", scheduler="UTC", notice_days=3)
    assert project.load(path, environment="us").zones == ZoneSettings(
        timezone="America/Chicago", scheduler="America/New_York", notice_days=3)
    assert project.load(path, environment="eu").zones.timezone == "Europe/Berlin"


def test_the_project_file_refuses_unknown_zones_at_their_line(tmp_path: Path) -> None:
    path = tmp_path / project.PROJECT_FILE
    path.write_text("project: p\nenvironments:\n  us:\n    scheduler_timezone: US/Eastrn\n")
    with pytest.raises(ProjectFileError) as e:
        project.load(path)
    assert [(p.source.line, p.field, p.message) for p in e.value.problems] == [
        (4, "environments.us.scheduler_timezone", "unknown time zone 'US/Eastrn'; did you mean US/Eastern?")]


def test_an_import_under_a_default_zone_names_the_schedulers_zone(tmp_path: Path) -> None:
    from reconciler.model import RemoteTask
    from reconciler.taskfiles.writer import imported

    remote = RemoteTask(id="t1", owner="publisher", title="hand-made", task_type="GPService",
                        schedule=CronFields(minute="30", hour="1", day_of_month="*", month="*", day_of_week="?"),
                        parameters_json="{}", item_id=None, task_url=URL, max_occurrences=None, start_date=None,
                        end_date=None, active=True, task_state=None, created=None, updated=None, last_start=None,
                        next_start=None, run_interval_seconds=None)
    text = imported(remote, name="hand-made", default_owner="publisher", adopt=True, timezone="UTC").text
    (tmp_path / "t.yaml").write_text(text, encoding="utf-8")
    result = loader.load(tmp_path, variables={}, now=WINTER, zones=ZoneSettings(timezone="Europe/Berlin"))
    assert [p.message for p in result.problems] == []
    assert result.specs[0].schedule == remote.schedule  # read back unchanged, not as Berlin time


def test_a_schedule_without_a_zone_is_utc_compiled_for_a_non_utc_scheduler(tmp_path: Path) -> None:
    result, _ = load(tmp_path, 'schedule: "0 0 15 * * ?"\n', zones=ZoneSettings(scheduler="America/New_York"))
    spec = result.specs[0]
    assert spec.zoned is not None and spec.zoned.zone == "UTC"
    assert spec.schedule.hour == "10"  # 15:00 UTC = 10:00 EST
