"""`reconciler validate FILE...` edge cases: one file under two spellings is checked once (not a
duplicate of itself); a FIFO is refused at once instead of blocking the read."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from reconciler import cli
from tests.e2e.conftest import ROOT


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(ROOT / "tasks.d", tmp_path / "tasks.d")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_one_file_under_two_spellings_is_checked_once(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["validate", "tasks.d/nightly-buffer.yaml", "tasks.d/../tasks.d/nightly-buffer.yaml",
                     str(folder / "tasks.d" / "nightly-buffer.yaml")])
    out = capsys.readouterr().out
    assert (code, out) == (0, "1 file, 1 valid task: 0 errors, 0 warnings\n")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_without_blocking(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    os.mkfifo(folder / "tasks.d" / "pipe.yaml")
    code = cli.main(["validate", "tasks.d/pipe.yaml", "tasks.d/nightly-buffer.yaml"])
    out = capsys.readouterr().out
    assert code == 1 and "tasks.d/pipe.yaml: not a regular file" in out
