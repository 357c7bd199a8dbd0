"""Whatever might hold tasks but cannot be read is an error at its path (skipping it would make
plan delete the tasks it declares), and hostile YAML costs bounded time and memory."""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path

import pytest

from reconciler.model import Severity
from reconciler.render.validate import problem_line, problem_to_dict
from reconciler.taskfiles import loader, yamlsource

NOW = datetime(2030, 1, 7, 12, 0, tzinfo=timezone.utc)
TASK = 'name: nightly\ntask_url: https://gis.example.com/server/rest/services/T/GPServer/T\nschedule: "0 0 2 * * ?"\n'


def errors(folder: Path) -> list[str]:
    result = loader.load(folder, variables={}, now=NOW)
    return [problem_line(problem_to_dict(p)).split("\n")[0].replace(f"{folder}/", "")
            for p in result.problems if p.severity is Severity.ERROR]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "ok.yaml").write_text(TASK)
    return tmp_path


def test_a_dangling_symlink_is_an_error(folder: Path) -> None:
    (folder / "gone.yaml").symlink_to(folder / "nowhere.yaml")
    (folder / "gone-folder").symlink_to(folder / "nowhere")
    (folder / "notes.txt").symlink_to(folder / "nowhere.txt")  # cannot hold tasks: ignored
    assert errors(folder) == ["gone-folder: cannot read: a dangling symlink", "gone.yaml: cannot read: a dangling symlink"]


def test_a_symlink_loop_is_an_error(folder: Path) -> None:
    (folder / "a.yaml").symlink_to(folder / "b.yaml")
    (folder / "b.yaml").symlink_to(folder / "a.yaml")
    assert errors(folder) == ["a.yaml: cannot read: a symlink loop", "b.yaml: cannot read: a symlink loop"]


def test_a_folder_linked_into_itself_is_read_once(folder: Path) -> None:
    (folder / "sub").mkdir()
    (folder / "sub" / "more.yaml").write_text(TASK.replace("nightly", "weekly"))
    (folder / "sub" / "again").symlink_to(folder / "sub")
    result = loader.load(folder, variables={}, now=NOW)
    assert result.ok and sorted(s.name for s in result.specs) == ["nightly", "weekly"]


def test_a_task_file_with_an_upper_case_suffix_is_read(folder: Path) -> None:
    (folder / "ok.yaml").rename(folder / "OK.YAML")  # skipped, its tasks would have been deleted
    result = loader.load(folder, variables={}, now=NOW)
    assert result.ok and [s.name for s in result.specs] == ["nightly"]


def test_a_fifo_is_an_error_and_never_opened(folder: Path) -> None:
    os.mkfifo(folder / "pipe.yaml")
    assert errors(folder) == ["pipe.yaml: not a regular file (a FIFO, socket or device)"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_an_unreadable_folder_or_file_is_an_error(folder: Path) -> None:
    (folder / "locked").mkdir()
    (folder / "locked" / "x.yaml").write_text(TASK)
    (folder / "secret.yaml").write_text(TASK.replace("nightly", "other"))
    os.chmod(folder / "locked", 0)
    os.chmod(folder / "secret.yaml", 0)
    try:
        assert errors(folder) == ["locked: cannot list this folder: Permission denied",
                                  "secret.yaml: cannot read: Permission denied"]
    finally:
        os.chmod(folder / "locked", 0o755)


def test_a_file_that_vanishes_before_it_is_read_is_an_error(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = loader.discover
    monkeypatch.setattr(loader, "discover", lambda d: (real(d)[0] + [d / "vanished.yaml"], real(d)[1]))
    assert errors(folder) == ["vanished.yaml: cannot read: No such file or directory"]


def test_a_huge_file_is_refused_unread(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader, "MAX_FILE_BYTES", 1024)
    (folder / "big.yaml").write_text(TASK + "# " + "x" * 2000 + "\n")
    assert errors(folder) == ["big.yaml: larger than 1,024 bytes, the most a task file may hold"]


def bomb(levels: int) -> str:
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    lines += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, "
              f"*a{i - 1}, *a{i - 1}, *a{i - 1}]" for i in range(1, levels)]
    return TASK + "parameters:\n" + "\n".join("  " + line for line in lines) + "\n"


def test_an_alias_bomb_is_refused(folder: Path) -> None:
    (folder / "bomb.yaml").write_text(bomb(9))  # 10**9 values once expanded, under 1 KB of text
    found = errors(folder)  # refused without expanding it (how fast is for the benchmarks)
    assert len(found) == 1 and found[0].startswith("bomb.yaml:")
    assert found[0].endswith(f"the file expands to more than {yamlsource.MAX_VALUES:,} values "
                             "(YAML aliases and anchors repeating large parts?)")


def test_a_recursive_alias_is_refused(folder: Path) -> None:
    (folder / "loop.yaml").write_text(TASK + "parameters:\n  x: &self [1, *self]\n")
    assert errors(folder) == ["loop.yaml:5:6: a YAML alias refers to a value that contains it (a recursive alias)"]


def test_deep_nesting_is_refused(folder: Path) -> None:
    (folder / "deep.yaml").write_text(TASK + "parameters:\n  x: " + "[" * 150 + "]" * 150 + "\n")
    (found,) = errors(folder)
    assert found.startswith("deep.yaml:") and found.endswith(f"values nested deeper than {yamlsource.MAX_DEPTH} levels")
