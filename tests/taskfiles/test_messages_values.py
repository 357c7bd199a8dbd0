"""Issue 16, "Values YAML changes behind the user's back": exact messages for YAML 1.1 implicit
types, unclosed `${`, and `${...}` in a flow mapping."""

from __future__ import annotations

import json
import textwrap
from datetime import datetime, timezone
from pathlib import Path

import pytest

from reconciler.model import Severity
from reconciler.render.validate import problem_line, problem_to_dict
from reconciler.taskfiles import loader

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)
HEAD = """\
name: nightly
task_url: https://gis.example.com/server/rest/services/Tools/Buffer/GPServer/Buffer
schedule: "0 0 2 ? * MON-FRI"
"""


def problems(tmp_path: Path, body: str, variables: dict[str, str] | None = None) -> list[str]:
    (tmp_path / "t.yaml").write_text(HEAD + textwrap.dedent(body).lstrip("\n"), encoding="utf-8")
    result = loader.load(tmp_path, variables=variables or {}, now=NOW)
    return [problem_line(problem_to_dict(p)).replace(f"{tmp_path}/", "") for p in result.problems]


def test_yaml_11_booleans_and_numbers_in_parameters_are_warned_with_the_quoted_form(tmp_path: Path) -> None:
    found = problems(tmp_path, """
        parameters:
          country: NO
          tm: 12:30
          zip: 01234
          size: 1_000
          flags: [on, 0b11]
          kept: ["NO", 10, 0x1F, 1.5, true, .5, '010', !!bool yes]
    """)
    assert found == [
        "t.yaml:5:12: parameters.country: warning: 'NO' is read as the boolean false (YAML 1.1 reads yes/no/on/off "
        'as booleans)\n  hint: quote it to keep the text: country: "NO" (or write false for the boolean)',
        "t.yaml:6:7: parameters.tm: warning: '12:30' is read as the number 750 (YAML 1.1 reads numbers separated by "
        "':' as base 60)\n  hint: quote it to keep the text: tm: \"12:30\" (or write 750 for the number)",
        "t.yaml:7:8: parameters.zip: warning: '01234' is read as the octal number 668 (YAML 1.1 reads a leading 0 as "
        'octal)\n  hint: quote it to keep the text: zip: "01234" (or write 668 for the number)',
        "t.yaml:8:9: parameters.size: warning: '1_000' is read as the number 1000 (YAML 1.1 ignores '_' in numbers)"
        '\n  hint: quote it to keep the text: size: "1_000" (or write 1000 for the number)',
        "t.yaml:9:11: parameters.flags[0]: warning: 'on' is read as the boolean true (YAML 1.1 reads yes/no/on/off "
        'as booleans)\n  hint: quote it to keep the text: "on" (or write true for the boolean)',
        "t.yaml:9:15: parameters.flags[1]: warning: '0b11' is read as the binary number 3 (YAML 1.1)"
        '\n  hint: quote it to keep the text: "0b11" (or write 3 for the number)',
    ]


def test_a_warned_value_still_loads_as_yaml_read_it(tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text(HEAD + "parameters:\n  country: NO\n", encoding="utf-8")
    result = loader.load(tmp_path, variables={}, now=NOW)
    assert [p.severity for p in result.problems] == [Severity.WARNING]
    assert json.loads(result.specs[0].parameters_json) == {"country": False}


def test_yaml_11_values_outside_parameters_are_warned_too(tmp_path: Path) -> None:
    found = problems(tmp_path, "enabled: off\n")
    assert found == [
        "t.yaml:4:10: enabled: warning: 'off' is read as the boolean false (YAML 1.1 reads yes/no/on/off as "
        'booleans)\n  hint: write enabled: false: enabled takes a boolean'
    ]


def test_keys_read_as_booleans_say_so_instead_of_given_twice(tmp_path: Path) -> None:
    found = problems(tmp_path, """
        parameters:
          off: 1
          no: 2
    """)
    assert found == [
        "t.yaml:5:3: parameters.off: field name 'off' is read as the boolean false (YAML 1.1 reads yes/no/on/off as "
        'booleans); a field name must be text\n  hint: quote it: "off":',
        "t.yaml:6:3: parameters.no: field name 'no' is read as the boolean false (YAML 1.1 reads yes/no/on/off as "
        'booleans); a field name must be text\n  hint: quote it: "no":',
    ]
    assert not any("given twice" in f or "'False'" in f for f in found)


def test_quoted_keys_and_values_are_not_warned(tmp_path: Path) -> None:
    assert problems(tmp_path, 'parameters:\n  "off": "NO"\n  "no": "12:30"\n') == []


def test_an_unclosed_variable_reference_is_an_error(tmp_path: Path) -> None:
    found = problems(tmp_path, "parameters:\n  out: parcels_${ENV\n  ok: cost $${5\n", {"ENV": "prod"})
    assert found == [
        "t.yaml:5:8: parameters.out: unclosed variable reference '${ENV': no } follows the ${"
        "\n  hint: close it: ${NAME}; write $${ for a literal ${"
    ]


def test_a_variable_in_a_flow_mapping_gets_the_hint_to_quote_the_value(tmp_path: Path) -> None:
    found = problems(tmp_path, "parameters: {name: parcels_${ENV:-dev}}\n")
    assert found == [
        "t.yaml:4:29: YAML syntax error: did not find expected ',' or '}'; the flow mapping opened at line 4, column 13"
        "\n  hint: quote a value that holds ${...} inside { } or [ ]: {name: \"parcels_${ENV:-dev}\"}"
    ]


def test_a_variable_in_a_flow_sequence_gets_the_same_hint(tmp_path: Path) -> None:
    found = problems(tmp_path, "parameters:\n  layers: [roads, ${LAYER}]\n")
    assert len(found) == 1
    assert found[0].endswith("\n  hint: quote a value that holds ${...} inside { } or [ ]: [roads, \"${LAYER}\"]")


@pytest.mark.parametrize(("line", "expected"), [
    ("enabled: yes", "t.yaml:4:10: enabled: warning: 'yes' is read as the boolean true (YAML 1.1 reads yes/no/on/off "
                     "as booleans)\n  hint: write enabled: true: enabled takes a boolean"),
    ("max_occurrences: 010", "t.yaml:4:18: max_occurrences: warning: '010' is read as the octal number 8 (YAML 1.1 "
                             "reads a leading 0 as octal)\n  hint: write max_occurrences: 8: max_occurrences takes a "
                             "number"),
])
def test_a_typed_field_is_told_the_plain_value_not_to_quote(tmp_path: Path, line: str, expected: str) -> None:
    assert problems(tmp_path, line) == [expected]


def test_a_false_or_null_field_name_is_named_as_written(tmp_path: Path) -> None:
    assert problems(tmp_path, "parameters:\n  false: 1\n  null: 2\n") == [
        't.yaml:5:3: parameters.False: field name false is not text\n  hint: quote it: "false":',
        't.yaml:6:3: parameters.None: field name null is not text\n  hint: quote it: "null":',
    ]
