"""plan/apply/status --emulator in a folder without tasks.d: refused before anything is created
(no .reconciler/ state, no sign-in), with the hint to pass --tasks DIR."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler import cli


@pytest.mark.parametrize("command", ["plan", "apply", "status"])
def test_no_task_folder_is_refused_before_the_emulator_starts(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], command: str) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli.main([command, "--emulator"]) == 1
    captured = capsys.readouterr()
    assert captured.err == ("error: tasks.d: no such folder, so there are no task files to read: run where tasks.d "
                            "is, or pass --tasks DIR\n")
    assert captured.out == ""
    assert list(tmp_path.iterdir()) == []


def test_a_missing_tasks_flag_folder_is_named_as_the_flag(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "file.yaml").write_text("name: a\n")
    assert cli.main(["plan", "--emulator", "--tasks", "file.yaml"]) == 1
    assert cli.main(["plan", "--emulator", "--tasks", "nowhere"]) == 1
    assert capsys.readouterr().err.splitlines() == ["error: --tasks file.yaml: not a folder",
                                                    "error: --tasks nowhere: no such folder"]
    assert [p.name for p in tmp_path.iterdir()] == ["file.yaml"]
