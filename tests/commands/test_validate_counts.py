"""validate's summary counts only tasks without errors, and a duplicate name is reported even when
one of the two documents has other errors (every problem in one run)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler import cli

URL = "https://gis.example.com/server/rest/services/Tools/Buffer/GPServer/Buffer"
TASK = f"name: same\ntask_url: {URL}\nschedule: '0 0 2 ? * MON-FRI'\n"
HINT = "  hint: names identify tasks on the portal and must be unique across the folder"
AGAIN = "Fix the errors above and run `reconciler validate` again."


def validate(tasks: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    assert cli.main(["validate", str(tasks)]) == 1
    return capsys.readouterr().out.replace(f"{tasks}/", "").splitlines()


@pytest.fixture
def tasks(tmp_path: Path) -> Path:
    folder = tmp_path / "tasks.d"
    folder.mkdir()
    return folder


def test_a_duplicate_pair_counts_one_valid_task(tasks: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tasks / "a.yaml").write_text(TASK)
    (tasks / "b.yaml").write_text(TASK)
    assert validate(tasks, capsys) == [
        "b.yaml:1:1: name: task name 'same' is already used at a.yaml:1:1",
        HINT,
        f"2 files, 1 valid task: 1 error, 0 warnings. {AGAIN}",
    ]


def test_a_duplicate_beside_another_error_is_reported(tasks: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tasks / "a.yaml").write_text(TASK + "enabled: maybe\n")
    (tasks / "b.yaml").write_text(TASK)
    assert validate(tasks, capsys) == [
        "a.yaml:4:10: enabled: must be a boolean, not a string",
        "b.yaml:1:1: name: task name 'same' is already used at a.yaml:1:1",
        HINT,
        f"2 files, 0 valid tasks: 2 errors, 0 warnings. {AGAIN}",
    ]


def test_the_later_file_with_an_error_gets_both(tasks: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tasks / "a.yaml").write_text(TASK)
    (tasks / "b.yaml").write_text(TASK + "enabled: maybe\n")
    assert validate(tasks, capsys) == [
        "b.yaml:1:1: name: task name 'same' is already used at a.yaml:1:1",
        HINT,
        "b.yaml:4:10: enabled: must be a boolean, not a string",
        f"2 files, 1 valid task: 2 errors, 0 warnings. {AGAIN}",
    ]


def test_a_name_with_its_own_error_claims_nothing(tasks: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tasks / "a.yaml").write_text(TASK.replace("name: same", "name: ${UNSET_NAME}"))
    (tasks / "b.yaml").write_text(TASK)
    out = validate(tasks, capsys)
    assert not any("already used" in line for line in out)
    assert out[-1] == f"2 files, 1 valid task: 1 error, 0 warnings. {AGAIN}"
