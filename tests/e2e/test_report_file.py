"""How `reconciler report` writes its file: the umask or the existing mode, symbolic links written
through, and a path that names a folder refused."""

from __future__ import annotations

import os
from pathlib import Path

from tests.e2e.conftest import Run


def test_a_new_file_follows_the_umask_and_an_existing_one_keeps_its_mode(on_emu: Run, workdir: Path) -> None:
    old = os.umask(0o077)
    try:
        assert on_emu("report", "--out", "new.html").code == 0
    finally:
        os.umask(old)
    assert (workdir / "new.html").stat().st_mode & 0o777 == 0o600
    private = workdir / "private.html"
    private.write_text("old")
    private.chmod(0o640)
    assert on_emu("report", "--out", "private.html").code == 0
    assert private.stat().st_mode & 0o777 == 0o640 and "<html" in private.read_text()


def test_a_symbolic_link_is_written_through(on_emu: Run, workdir: Path) -> None:
    (workdir / "real.html").write_text("old")
    (workdir / "link.html").symlink_to("real.html")
    assert on_emu("report", "--out", "link.html").code == 0
    assert (workdir / "link.html").is_symlink(), "the link stays"
    assert "<html" in (workdir / "real.html").read_text()


def test_a_path_ending_in_a_slash_is_refused(on_emu: Run, workdir: Path) -> None:
    result = on_emu("report", "--out", "r.html/")
    assert result.code == 1 and "ends in a slash" in result.err and "Traceback" not in result.err
    assert not (workdir / "r.html").exists()
