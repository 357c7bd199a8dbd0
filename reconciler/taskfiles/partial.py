"""`reconciler validate FILE...`: some task files, as pre-commit passes the ones a commit changes.

Each file given is checked in full, and their names against each other. When every file given
lies in the task folder, their names are also checked against the folder's other task files (a
new file must not take the name of an unchanged one: plan would refuse the folder), whose own
problems are not reported: they were not asked about. A file outside the folder is checked with
the other files given only. A folder given among the paths stands for its task files.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from pathlib import Path

from reconciler.model import LoadResult, Problem, SourceRef, ZoneSettings
from reconciler.taskfiles import loader, rules
from reconciler.taskfiles.discovery import discover
from reconciler.taskfiles.variables import Asked


def load_files(
    paths: Sequence[str | Path], *, task_folder: str | Path | None, variables: Mapping[str, str], now: datetime,
    mark: str | None = None, assigned: Collection[str] = (), zones: ZoneSettings = loader.UTC_SCHEDULES,
) -> LoadResult:
    files, problems = _expand([Path(p) for p in paths])
    asked = Asked(variables)
    loaded = [loader.load_file(path, variables=asked, now=now, zones=zones) for path in files]
    elsewhere = _names_elsewhere(files, task_folder, asked, now)  # asked: a --var they use is used
    root = Path(task_folder) if task_folder is not None else Path(".")
    return loader.finish(root, files, loaded, problems, asked=asked, assigned=assigned, mark=mark,
                         names_elsewhere=elsewhere)


def _expand(paths: list[Path]) -> tuple[list[Path], list[Problem]]:
    """The files named, and the task files of the folders named, each once, in the order given."""
    files: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            mode = os.stat(path).st_mode
        except OSError as e:
            reason = "no such file or folder" if isinstance(e, FileNotFoundError) else f"cannot read: {e.strerror}"
            problems.append(Problem(source=SourceRef(path=str(path)), field="", message=reason,
                                    hint="pass task files or folders, e.g. `reconciler validate tasks.d/nightly.yaml`"))
            continue
        if stat.S_ISDIR(mode):
            found, unreadable = discover(path)
            files.extend(found)
            problems.extend(unreadable)
        elif stat.S_ISREG(mode):
            files.append(path)
        else:  # a FIFO would block the read forever; a device or socket is no task file either
            problems.append(Problem(source=SourceRef(path=str(path)), field="", message="not a regular file",
                                    hint="pass task files (.yaml, .yml) or folders"))
    seen: set[Path] = set()
    unique = []
    for file in files:  # once each, whatever the spelling (tasks.d/a.yaml, ./tasks.d/../tasks.d/a.yaml, /abs/...)
        key = file.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(file)
    return unique, problems


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def _names_elsewhere(
    files: list[Path], task_folder: str | Path | None, variables: Mapping[str, str], now: datetime,
) -> list[rules.Claim]:
    """The names the task folder's other files claim, when every file given lies in the folder."""
    if task_folder is None or not files:
        return []
    folder = Path(task_folder)
    try:
        if not stat.S_ISDIR(os.stat(folder).st_mode) or not all(_inside(f, folder) for f in files):
            return []
    except OSError:
        return []
    given = {f.resolve() for f in files}
    others = [p for p in discover(folder)[0] if p.resolve() not in given]
    return [claim for path in others for claim in loader.load_file(path, variables=variables, now=now)[3]]
