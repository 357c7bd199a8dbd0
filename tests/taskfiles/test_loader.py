from __future__ import annotations

import json
import textwrap
from datetime import datetime, timezone
from pathlib import Path

import pytest

from reconciler.model import CronFields, Problem, Severity
from reconciler.render.validate import problem_line, problem_to_dict
from reconciler.taskfiles import loader

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)
URL = "https://gis.example.com/server/rest/services/Tools/Buffer/GPServer/Buffer"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def load(tmp_path: Path, variables: dict[str, str] | None = None):
    return loader.load(tmp_path, variables=variables or {}, now=NOW)


def line(problem: Problem) -> str:
    """A problem as validate prints it."""
    return problem_line(problem_to_dict(problem))


def lines(result, folder: Path) -> list[str]:
    """Problems as `file:line:col: field: message`, paths relative to the folder."""
    return [line(p).split("\n")[0].replace(f"{folder}/", "") for p in result.problems]


def test_valid_task_becomes_a_spec(tmp_path: Path) -> None:
    write(
        tmp_path,
        "buffer.yaml",
        f"""
        name: nightly-buffer
        task_url: {URL}
        parameters:
          buffer_distance_or_field: {{distance: 5, units: esriKilometers}}
          in_features: {{url: https://gis.example.com/x/FeatureServer/0}}
        schedule: "0 0 2 ? * MON-FRI"
        max_occurrences: 30
        start: "2027-01-01T00:00:00Z"
        end: 2027-12-31T23:59:59+01:00
        """,
    )
    result = load(tmp_path)
    assert result.problems == ()
    (spec,) = result.specs
    assert spec.name == "nightly-buffer"
    assert spec.task_type == "GPService"
    assert spec.task_url == URL
    assert spec.schedule == CronFields(minute="0", hour="2", day_of_month="?", month="*", day_of_week="MON-FRI")
    assert spec.parameters == {
        "buffer_distance_or_field": {"distance": 5, "units": "esriKilometers"},
        "in_features": {"url": "https://gis.example.com/x/FeatureServer/0"},
    }
    assert spec.max_occurrences == 30
    assert spec.enabled is True
    assert spec.start == datetime(2027, 1, 1, tzinfo=timezone.utc)
    assert spec.end is not None and spec.end.utcoffset().total_seconds() == 3600
    assert spec.source.line == 1


def test_parameters_are_canonical_json(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", f"name: a\ntask_url: {URL}\nschedule: '0 0 2 * * ?'\nparameters: {{b: 1, a: [2, 1]}}\n")
    (spec,) = load(tmp_path).specs
    assert spec.parameters_json == '{"a":[2,1],"b":1}'


def test_several_documents_and_nested_folders(tmp_path: Path) -> None:
    write(tmp_path, "team/a.yml", f"name: a\ntask_url: {URL}\nschedule: '0 0 2 * * ?'\n---\n---\nname: b\ntask_url: {URL}\nschedule: '0 0 3 * * ?'\n")
    write(tmp_path, ".hidden/c.yaml", "not: [valid")
    write(tmp_path, "notes.txt", "ignored")
    result = load(tmp_path)
    assert [s.name for s in result.specs] == ["a", "b"]
    assert result.problems == ()
    assert result.files == (str(tmp_path / "team" / "a.yml"),)


def test_schedule_as_five_fields(tmp_path: Path) -> None:
    write(
        tmp_path,
        "a.yaml",
        f"""
        name: a
        task_url: {URL}
        schedule: {{minute: 30, hour: 6, day_of_month: L, month: "*", day_of_week: "?"}}
        """,
    )
    (spec,) = load(tmp_path).specs
    assert spec.schedule == CronFields(minute="30", hour="6", day_of_month="L", month="*", day_of_week="?")


def test_every_problem_in_every_file_with_positions(tmp_path: Path) -> None:
    write(
        tmp_path,
        "a.yaml",
        f"""
        name: a
        task_url: {URL}
        schedule: "0 0 2 ? * MON-FRI"
        enabeld: true
        max_occurrences: 0
        """,
    )
    write(tmp_path, "b.yaml", "name: b\nschedule: [\n")
    write(
        tmp_path,
        "c.yaml",
        """
        name: c
        type: gpservice
        schedule: "0 0 2 ? * MON-FRI"
        """,
    )
    result = load(tmp_path)
    assert lines(result, tmp_path) == [
        "a.yaml:4:1: enabeld: unknown field 'enabeld'",
        "a.yaml:5:18: max_occurrences: must be at least 1",
        "b.yaml:3:1: YAML syntax error: while parsing a flow node did not find expected node content",
        "c.yaml:2:7: type: must be one of: GPService, ExecuteNotebook, UpdateInsightsWorkbook, ExecuteSceneCook, "
        "ExecuteWorkflowManager, ExecuteReport, RunDataPipeline",
    ]
    hints = [p.hint for p in result.problems]
    assert hints[0] == "did you mean 'enabled'?"
    assert hints[3] == "case matters: write GPService"
    assert result.specs == ()
    assert not result.ok


def test_missing_required_fields_point_at_the_document(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "# comment\nname: a\nenabled: false\n")
    result = load(tmp_path)
    assert lines(result, tmp_path) == [
        "a.yaml:2:1: schedule: missing required field 'schedule'",
        "a.yaml:2:1: task_url: missing required field 'task_url'",
    ]


@pytest.mark.parametrize(
    ("url", "message", "hint"),
    [
        (
            "https://gis.example.com/server/rest/services/Tools/Buffer/GPServer",
            "task_url points at the GP service, not one of its tasks",
            "append the task name: https://gis.example.com/server/rest/services/Tools/Buffer/GPServer/<TaskName> "
            "(the service's REST page lists its tasks)",
        ),
        (
            "https://gis.example.com/server/rest/services/Tools/Buffer/GPServer/Buffer/submitJob",
            "task_url must end at the GP task, not an operation",
            "remove '/submitJob': https://gis.example.com/server/rest/services/Tools/Buffer/GPServer/Buffer",
        ),
        (
            "https://gis.example.com/server/rest/services/Hosted/Parcels/FeatureServer",
            "task_url points at a FeatureServer, not a geoprocessing service",
            "a GPService task needs .../GPServer/<task>",
        ),
        ("gis.example.com/Buffer", "task_url must be an http(s) URL", None),
    ],
)
def test_task_url_that_is_not_a_gp_task(tmp_path: Path, url: str, message: str, hint: str | None) -> None:
    write(tmp_path, "a.yaml", f"name: a\ntask_url: {url}\nschedule: '0 0 2 * * ?'\n")
    (problem,) = load(tmp_path).problems
    assert (problem.field, problem.message, problem.source.line, problem.source.column) == ("task_url", message, 2, 11)
    if hint:
        assert problem.hint == hint


def test_task_url_only_for_gp_service(tmp_path: Path) -> None:
    write(
        tmp_path,
        "a.yaml",
        f"name: a\ntype: ExecuteNotebook\nitem_id: 029b61ca770e428d9468a2a55f40b9fb\ntask_url: {URL}\nschedule: '0 0 2 * * ?'\n",
    )
    assert lines(load(tmp_path), tmp_path) == ["a.yaml:4:1: task_url: task_url is only for GPService tasks, not ExecuteNotebook"]


@pytest.mark.parametrize(
    ("schedule", "expected"),
    [
        ('"0 0 2 * * *"', "a.yaml:3:11: schedule: day-of-week '*': one of day-of-month ('*') and day-of-week must be '?'"),
        ('"30 0 2 * * ?"', "a.yaml:3:11: schedule: the portal has no seconds field"),
        ('"0 0 2 * * ? 2027"', "a.yaml:3:11: schedule: the portal has no year field"),
        ('"0 2 * * 1-5"', "a.yaml:3:11: schedule: expected 6 or 7 fields"),
        ('"0 0 2 ? * 0"', "a.yaml:3:11: schedule: day-of-week '0': 0 is out of range"),
    ],
)
def test_invalid_or_unstorable_schedules(tmp_path: Path, schedule: str, expected: str) -> None:
    write(tmp_path, "a.yaml", f"name: a\ntask_url: {URL}\nschedule: {schedule}\n")
    result = load(tmp_path)
    assert len(result.problems) == 1
    assert lines(result, tmp_path)[0].startswith(expected)
    assert result.specs == ()


def test_unix_five_field_schedule_names_the_quartz_equivalent(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", f"name: a\ntask_url: {URL}\nschedule: '0 2 * * 1-5'\n")
    (problem,) = load(tmp_path).problems
    assert "0 0 2 ? * MON-FRI" in problem.message


def test_seconds_and_year_say_the_portal_cannot_store_them(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", f"name: a\ntask_url: {URL}\nschedule: '30 0 2 * * ?'\n---\nname: b\ntask_url: {URL}\nschedule: '0 0 2 * * ? 2027'\n")
    first, second = load(tmp_path).problems
    assert "second" in first.message.lower()
    assert "year" in second.message.lower()


def test_bad_field_in_schedule_mapping_points_at_that_field(tmp_path: Path) -> None:
    write(
        tmp_path,
        "a.yaml",
        f"""
        name: a
        task_url: {URL}
        schedule:
          minute: 0
          hour: 2
          day_of_month: "?"
          month: "*"
          day_of_week: 0
        """,
    )
    (problem,) = load(tmp_path).problems
    assert (problem.field, problem.source.line) == ("schedule.day_of_week", 8)


def test_start_after_end_and_end_in_the_past(tmp_path: Path) -> None:
    write(
        tmp_path,
        "a.yaml",
        f"""
        name: a
        task_url: {URL}
        schedule: "0 0 2 * * ?"
        start: "2027-06-01T00:00:00Z"
        end: "2027-01-01T00:00:00Z"
        ---
        name: b
        task_url: {URL}
        schedule: "0 0 2 * * ?"
        end: "2020-01-01T00:00:00Z"
        ---
        name: c
        task_url: {URL}
        schedule: "0 0 2 * * ?"
        start: "2027-02-30T00:00:00Z"
        """,
    )
    result = load(tmp_path)
    assert lines(result, tmp_path) == [
        "a.yaml:5:6: end: end must be after start",
        "a.yaml:10:6: end: warning: end is in the past: the task will never run",
        "a.yaml:15:8: start: not a valid date-time: day is out of range for month",
    ]
    assert [s.name for s in result.specs] == ["b"]


def test_never_firing_schedule_is_a_warning(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", f"name: a\ntask_url: {URL}\nschedule: '0 0 0 30 2 ?'\n")
    result = load(tmp_path)
    assert [p.severity for p in result.problems] == [Severity.WARNING]
    assert "never fires" in result.problems[0].message
    assert result.ok


def test_duplicate_names_across_files(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", f"name: same\ntask_url: {URL}\nschedule: '0 0 2 * * ?'\n")
    write(tmp_path, "b.yaml", f"# second\nname: same\ntask_url: {URL}\nschedule: '0 0 3 * * ?'\n")
    result = load(tmp_path)
    assert lines(result, tmp_path) == ["b.yaml:2:1: name: task name 'same' is already used at a.yaml:1:1"]
    assert not result.ok


def test_duplicate_key_in_one_document(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", f"name: a\ntask_url: {URL}\nschedule: '0 0 2 * * ?'\nname: b\n")
    assert lines(load(tmp_path), tmp_path) == ["a.yaml:4:1: name: field 'name' is given twice"]


def test_not_a_mapping_and_empty_file(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "- name: a\n")
    write(tmp_path, "b.yaml", "# only a comment\n")
    result = load(tmp_path)
    assert lines(result, tmp_path) == ["a.yaml:1:1: a task must be a mapping of fields", "b.yaml: warning: file holds no task"]


def test_missing_folder_and_empty_folder(tmp_path: Path) -> None:
    missing = loader.load(tmp_path / "nope", variables={}, now=NOW)
    assert [p.message for p in missing.problems] == ["no such folder"]
    empty = loader.load(tmp_path, variables={}, now=NOW)
    assert [p.message for p in empty.problems] == ["no task files (*.yaml, *.yml) found"]
    assert not empty.ok


def test_unquoted_star_gets_a_quoting_hint(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", f"name: a\ntask_url: {URL}\nschedule: */5 * * ? * *\n")
    (problem,) = load(tmp_path).problems
    assert (problem.source.line, problem.source.column) == (3, 12)
    assert problem.hint is not None and "quote" in problem.hint


def test_variables_resolve_and_unresolved_is_an_error_at_its_line(tmp_path: Path) -> None:
    write(
        tmp_path,
        "a.yaml",
        """
        name: a
        task_url: https://${GP_HOST}/server/rest/services/Tools/Buffer/GPServer/Buffer
        parameters:
          where: ${WHERE:-1=1}
          folder: ${MISSING}
        schedule: "0 0 2 * * ?"
        """,
    )
    result = load(tmp_path, {"GP_HOST": "gis.test"})
    assert lines(result, tmp_path) == ["a.yaml:5:11: parameters.folder: variable MISSING is not set"]
    result = load(tmp_path, {"GP_HOST": "gis.test", "MISSING": "out"})
    (spec,) = result.specs
    assert spec.task_url == "https://gis.test/server/rest/services/Tools/Buffer/GPServer/Buffer"
    assert spec.parameters == {"where": "1=1", "folder": "out"}


def test_unresolved_variable_is_not_reported_twice(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "name: a\ntask_url: ${GP_TASK}\nschedule: '0 0 2 * * ?'\n")
    assert lines(load(tmp_path), tmp_path) == ["a.yaml:2:11: task_url: variable GP_TASK is not set"]


def test_secret_values_never_appear_in_problems(tmp_path: Path) -> None:
    write(
        tmp_path,
        "a.yaml",
        f"""
        name: a
        task_url: {URL}
        parameters:
          token: ${{secret:API_TOKEN}}
        schedule: "0 0 2 * * ?"
        max_occurrences: ${{secret:API_TOKEN}}
        """,
    )
    result = load(tmp_path, {"API_TOKEN": "s3cr3t-value"})
    assert result.problems, "max_occurrences must be an integer"
    text = json.dumps([line(p) for p in result.problems])
    assert "s3cr3t-value" not in text
    assert result.secret_values == ("s3cr3t-value", "s3cr3t-value")


def test_secret_paths_are_recorded(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", f"name: a\ntask_url: {URL}\nparameters:\n  auth: {{token: '${{secret:T}}'}}\nschedule: '0 0 2 * * ?'\n")
    (spec,) = load(tmp_path, {"T": "xyz"}).specs
    assert spec.secret_paths == (("parameters", "auth", "token"),)
    assert spec.parameters == {"auth": {"token": "xyz"}}


def test_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_bytes(b"name: \xff\n")
    (problem,) = load(tmp_path).problems
    assert problem.message.startswith("not UTF-8 text")


def test_shipped_examples_are_valid() -> None:
    folder = Path(__file__).resolve().parents[2] / "tasks.d"
    result = loader.load(folder, variables={}, now=NOW)
    assert [p for p in result.problems if p.severity is Severity.ERROR] == []
    assert len(result.specs) >= 3


def test_secrets_stay_hidden_even_when_a_message_changes_their_case(tmp_path: Path) -> None:
    write(
        tmp_path,
        "a.yaml",
        f"""
        name: a
        task_url: {URL}
        schedule: {{minute: 0, hour: 2, day_of_month: "?", month: "*", day_of_week: "${{secret:DOW}}"}}
        """,
    )
    (problem,) = load(tmp_path, {"DOW": "hunter"}).problems
    assert "hunter" not in line(problem).lower()
    assert problem.hint == "the value comes from a ${secret:...} variable and is not shown"


@pytest.mark.parametrize("field", ["name", "owner", "type"])
def test_identity_fields_cannot_be_secret(tmp_path: Path, field: str) -> None:
    fields = {"name": "a", "owner": "publisher", "type": "GPService"}
    fields[field] = "${secret:S}"
    body = "\n".join(f"{k}: {v}" for k, v in fields.items())
    write(tmp_path, "a.yaml", f"{body}\ntask_url: {URL}\nschedule: '0 0 2 * * ?'\n")
    result = load(tmp_path, {"S": "GPService" if field == "type" else "zz-secret"})
    assert f"{field} cannot be secret" in [p.message for p in result.problems]
    assert result.specs == ()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("!!binary aGVsbG8=", "binary data (!!binary) is not a JSON value"),
        ("!!set {a, b}", "a set (!!set) is not a JSON value"),
        ("!!timestamp 2001-12-14", "a date is not a JSON value"),
        (".nan", "nan is not a JSON number"),
        ("-.inf", "-inf is not a JSON number"),
    ],
)
def test_yaml_values_json_cannot_hold_are_errors_at_their_line(tmp_path: Path, value: str, message: str) -> None:
    write(tmp_path, "a.yaml", f"name: a\ntask_url: {URL}\nschedule: '0 0 2 * * ?'\nparameters:\n  x: {value}\n")
    write(tmp_path, "b.yaml", "name: b\nbogus: 1\n")
    result = load(tmp_path)
    assert lines(result, tmp_path)[0] == f"a.yaml:5:6: parameters.x: {message}"
    assert any(line.startswith("b.yaml") for line in lines(result, tmp_path)), "other files are still checked"


def test_non_text_keys_are_reported_at_their_line(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", f"name: a\ntask_url: {URL}\nschedule: '0 0 2 * * ?'\n1: x\n")
    assert lines(load(tmp_path), tmp_path) == ["a.yaml:4:1: 1: field name 1 is not text"]


def test_max_occurrences_is_an_int_within_the_portal_range(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", f"name: a\ntask_url: {URL}\nschedule: '0 0 2 * * ?'\nmax_occurrences: 1.0\n")
    (spec,) = load(tmp_path).specs
    assert spec.max_occurrences == 1 and isinstance(spec.max_occurrences, int)
    write(tmp_path, "a.yaml", f"name: a\ntask_url: {URL}\nschedule: '0 0 2 * * ?'\nmax_occurrences: 99999999999999999999\n")
    assert lines(load(tmp_path), tmp_path) == ["a.yaml:4:18: max_occurrences: must be at most 2147483647"]


def test_an_empty_folder_is_only_a_warning_when_allowed(tmp_path: Path) -> None:
    result = loader.load(tmp_path, variables={}, now=NOW, allow_empty=True)
    assert [(p.message, p.severity) for p in result.problems] == [("no task files (*.yaml, *.yml) found", Severity.WARNING)]
    assert result.ok


def test_redaction_masks_whole_values_not_parts_of_words() -> None:
    from reconciler.masking import mask_words

    assert mask_words("3 unchanged, changed, token=CHANGED&x", ["changed"]) == "3 unchanged, (secret), token=(secret)&x"


def test_a_bad_schedule_is_reported_beside_other_errors(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", f"name: a\ntask_url: {URL}\nschedule: '0 0 2 * * *'\nbogus: 1\nend: '2020-13-01T00:00:00Z'\n")
    assert [line.split(":")[3].strip() for line in lines(load(tmp_path), tmp_path)] == ["schedule", "bogus", "end"]


def test_schedule_shape_errors_name_what_is_missing(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", f"name: a\ntask_url: {URL}\nschedule:\n  minute: 0\n  hour: 2\n")
    write(tmp_path, "b.yaml", f"name: b\ntask_url: {URL}\nschedule:\n")
    assert lines(load(tmp_path), tmp_path) == [
        "a.yaml:3:1: schedule.day_of_month: missing required field 'day_of_month'",
        "a.yaml:3:1: schedule.month: missing required field 'month'",
        "a.yaml:3:1: schedule.day_of_week: missing required field 'day_of_week'",
        "b.yaml:3:10: schedule: must be a string or a mapping, not null",
    ]


def test_patterns_end_at_the_end_of_the_text(tmp_path: Path) -> None:
    # Python's "$" also matches before a final newline; JSON Schema's (ECMA-262) does not.
    write(tmp_path, "a.yaml", f'name: "abc\\n"\ntask_url: {URL}\nschedule: "0 0 2 * * ?"\n')
    (problem,) = load(tmp_path).problems
    assert (problem.field, problem.source.line) == ("name", 1)
    from reconciler.taskfiles.rules import is_task_name

    assert is_task_name("abc") and not is_task_name("abc\n") and not is_task_name("a b")


def test_task_url_for_another_type_keeps_its_own_message(tmp_path: Path) -> None:
    write(
        tmp_path,
        "a.yaml",
        "name: a\ntype: ExecuteNotebook\nitem_id: 029b61ca770e428d9468a2a55f40b9fb\ntask_url: ftp://x\nschedule: '0 0 2 * * ?'\n",
    )
    assert lines(load(tmp_path), tmp_path) == [
        "a.yaml:4:1: task_url: task_url is only for GPService tasks, not ExecuteNotebook",
        "a.yaml:4:11: task_url: task_url must be an http(s) URL",
    ]


def test_a_non_json_value_in_a_list_is_reported_once(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", f"name: a\ntask_url: {URL}\nschedule: '0 0 2 * * ?'\nprevious_names: [!!binary aGVsbG8=]\n")
    assert lines(load(tmp_path), tmp_path) == ["a.yaml:4:18: previous_names[0]: binary data (!!binary) is not a JSON value"]


def test_a_key_given_three_times_is_reported_at_each_repeat(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", f"name: a\ntask_url: {URL}\nschedule: '0 0 2 * * ?'\nname: b\nname: c\n")
    assert lines(load(tmp_path), tmp_path) == [
        "a.yaml:4:1: name: field 'name' is given twice",
        "a.yaml:5:1: name: field 'name' is given twice",
    ]


def test_a_space_inside_a_schedule_field_is_blamed_on_that_field(tmp_path: Path) -> None:
    write(
        tmp_path,
        "a.yaml",
        f"name: a\ntask_url: {URL}\nschedule: {{minute: '0 5', hour: 2, day_of_month: '?', month: '*', day_of_week: MON}}\n",
    )
    (problem,) = load(tmp_path).problems
    assert problem.field == "schedule.minute"
