"""`reconciler validate FILE...` (what pre-commit passes): each file in full, and its names against
the task folder's other files, whose own problems are not reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler import cli

URL = "https://gis.example.com/server/rest/services/Tools/Buffer/GPServer/Buffer"


def task(name: str, extra: str = "") -> str:
    return f"name: {name}\ntask_url: {URL}\nschedule: '0 0 2 ? * MON-FRI'\n{extra}"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository root (it holds .git) with a project file whose tasks live in jobs/."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "reconciler.yaml").write_text("project: t\ntasks: jobs\n")
    (tmp_path / "jobs").mkdir()
    (tmp_path / "jobs" / "old.yaml").write_text(task("nightly"))
    (tmp_path / "jobs" / "broken.yaml").write_text(task("broken", "enabeld: true\n"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    code = cli.main(["validate", *args])
    return code, capsys.readouterr().out.splitlines()


def test_a_good_file_passes_and_the_folders_other_problems_are_not_reported(repo, capsys) -> None:
    (repo / "jobs" / "new.yaml").write_text(task("weekly"))
    assert run(capsys, "jobs/new.yaml") == (0, ["1 file, 1 valid task: 0 errors, 0 warnings"])
    code, lines = run(capsys)  # the whole folder still reports broken.yaml
    assert code == 1 and any(line.startswith("jobs/broken.yaml:4:1: enabeld:") for line in lines)


def test_a_name_an_unchanged_file_holds_is_an_error_at_the_file_given(repo, capsys) -> None:
    (repo / "jobs" / "new.yaml").write_text(task("nightly"))
    code, lines = run(capsys, "jobs/new.yaml")
    assert code == 1
    assert lines[:2] == [
        "jobs/new.yaml:1:1: name: task name 'nightly' is already used at jobs/old.yaml:1:1",
        "  hint: names identify tasks on the portal and must be unique across the folder",
    ]
    assert not any("old.yaml:" in line.split(" ", 1)[0] for line in lines)


def test_files_given_together_are_checked_against_each_other(repo, capsys) -> None:
    (repo / "jobs" / "a.yaml").write_text(task("same"))
    (repo / "jobs" / "b.yaml").write_text(task("same"))
    code, lines = run(capsys, "jobs/a.yaml", "jobs/b.yaml")
    assert code == 1
    assert lines[0] == "jobs/b.yaml:1:1: name: task name 'same' is already used at jobs/a.yaml:1:1"
    assert lines[-1].startswith("2 files, 1 valid task: 1 error")


def test_a_file_outside_the_task_folder_is_not_compared_with_it(repo, capsys) -> None:
    (repo / "draft.yaml").write_text(task("nightly"))
    assert run(capsys, "draft.yaml") == (0, ["1 file, 1 valid task: 0 errors, 0 warnings"])


def test_each_file_is_checked_in_full(repo, capsys) -> None:
    (repo / "jobs" / "new.yaml").write_text(task("weekly", "enabled: maybe\n"))
    code, lines = run(capsys, "jobs/new.yaml")
    assert code == 1 and lines[0] == "jobs/new.yaml:4:10: enabled: must be a boolean, not a string"


def test_a_missing_path_is_an_error_and_a_folder_among_paths_stands_for_its_files(repo, capsys) -> None:
    (repo / "more").mkdir()
    (repo / "more" / "x.yaml").write_text(task("x"))
    code, lines = run(capsys, "more", "gone.yaml")
    assert code == 1
    assert lines[:2] == ["gone.yaml: no such file or folder",
                         "  hint: pass task files or folders, e.g. `reconciler validate tasks.d/nightly.yaml`"]
    assert lines[-1].startswith("1 file, 1 valid task: 1 error")


def test_a_missing_task_file_is_named_as_a_file_and_a_missing_folder_as_a_folder(repo, capsys) -> None:
    assert run(capsys, "jobs/gone.yaml")[1][0] == "jobs/gone.yaml: no such file or folder"
    assert run(capsys, "gone")[1][0] == "gone: no such folder"
