"""Zone names that tzdata installs but that depend on the machine are refused (reconciler.taskfiles.zoning)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.taskfiles import project
from reconciler.taskfiles.project import ProjectFileError
from reconciler.taskfiles.zoning import zone_problem


@pytest.mark.parametrize("name", ["localtime", "posixrules", "Factory", "posix/Europe/Berlin", "right/UTC"])
def test_machine_dependent_names_are_refused(name: str) -> None:
    problem = zone_problem(name)
    assert problem is not None and "depends on the machine" in problem


@pytest.mark.parametrize("name", ["UTC", "Europe/Berlin", "Asia/Kolkata", "Etc/GMT+5"])
def test_real_zones_pass(name: str) -> None:
    assert zone_problem(name) is None


def test_the_project_file_refuses_localtime(tmp_path: Path) -> None:
    path = tmp_path / project.PROJECT_FILE
    path.write_text("project: p\nscheduler_timezone: localtime\n")
    with pytest.raises(ProjectFileError) as e:
        project.load(path)
    assert [p.field for p in e.value.problems] == ["scheduler_timezone"]
