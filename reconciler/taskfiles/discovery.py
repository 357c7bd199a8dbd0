"""Which files of a task folder hold tasks, and what in it cannot be read (never skipped)."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import Any

from reconciler.model import Problem, SourceRef

TASK_FILE_SUFFIXES = (".yaml", ".yml")


def discover(directory: Path) -> tuple[list[Path], list[Problem]]:
    """Task files under `directory`, recursively, sorted, and a problem for everything that might
    hold tasks but cannot be read: a folder that cannot be listed, a dangling or looping symlink,
    a task file that is not a regular file (a FIFO would block the read). Skipping any of them
    would make plan delete the tasks they declare. Hidden files and folders are skipped.
    Symlinked folders are followed once each."""
    files: list[Path] = []
    problems: list[Problem] = []
    seen: set[Path] = set()

    def problem(path: Path, message: str, hint: str) -> None:
        problems.append(Problem(source=SourceRef(path=str(path)), field="", message=message, hint=hint))

    def visit(folder: Path) -> None:
        try:
            real = folder.resolve(strict=True)
            if real in seen:
                return
            seen.add(real)
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except (OSError, RuntimeError) as e:
            problem(folder, f"cannot list this folder: {getattr(e, 'strerror', None) or e}",
                    "make it readable, or move it out of the task folder")
            return
        for entry in entries:
            if not entry.name.startswith("."):
                _entry(Path(entry.path), entry, visit, files, problem)

    visit(directory)
    return sorted(files), problems


def _entry(path: Path, entry: os.DirEntry[str], visit: Any, files: list[Path], problem: Any) -> None:
    task_file = path.suffix.lower() in TASK_FILE_SUFFIXES  # tasks.YAML too: skipping it would delete its tasks
    try:
        mode = os.stat(path).st_mode  # follows a symlink
    except (OSError, RuntimeError) as e:
        if entry.is_symlink() and (task_file or not path.suffix):
            reason = "a symlink loop" if getattr(e, "errno", None) == errno.ELOOP else "a dangling symlink"
            problem(path, f"cannot read: {reason}", "fix or remove the link")
        elif not entry.is_symlink():
            problem(path, f"cannot read: {getattr(e, 'strerror', None) or e}", "make it readable")
        return
    if stat.S_ISDIR(mode):
        visit(path)
    elif task_file and not stat.S_ISREG(mode):
        problem(path, "not a regular file (a FIFO, socket or device)", "task files must be plain files")
    elif task_file:
        files.append(path)
