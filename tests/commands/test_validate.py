from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from reconciler import cli
from reconciler.taskfiles import loader

URL = "https://gis.example.com/server/rest/services/Tools/Buffer/GPServer/Buffer"
GOOD = f"name: a\ntask_url: {URL}\nschedule: '0 0 2 ? * MON-FRI'\n"
BAD = f"name: a\ntask_url: {URL}/submitJob\nschedule: '0 0 2 ? * MON-FRI'\nenabeld: true\n"


@pytest.fixture
def tasks(tmp_path: Path) -> Path:
    folder = tmp_path / "tasks.d"
    folder.mkdir()
    return folder


def test_clean_folder_exits_0(tasks: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tasks / "a.yaml").write_text(GOOD)
    assert cli.main(["validate", str(tasks)]) == 0
    assert capsys.readouterr().out == "1 file, 1 valid task: 0 errors, 0 warnings\n"


def test_problems_exit_1_with_positions_and_hints(tasks: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tasks / "a.yaml").write_text(BAD)
    assert cli.main(["validate", str(tasks)]) == 1
    out = capsys.readouterr().out.replace(f"{tasks}/", "")
    assert out.splitlines() == [
        "a.yaml:2:11: task_url: task_url must end at the GP task, not an operation",
        f"  hint: remove '/submitJob': {URL}",
        "a.yaml:4:1: enabeld: unknown field 'enabeld'",
        "  hint: did you mean 'enabled'?",
        "1 file, 0 valid tasks: 2 errors, 0 warnings. Fix the errors above and run `reconciler validate` again.",
    ]


def test_json_format(tasks: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tasks / "a.yaml").write_text(BAD)
    (tasks / "b.yaml").write_text(GOOD.replace("name: a", "name: b"))
    assert cli.main(["validate", str(tasks), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["valid"] is False
    assert data["tasks"] == ["b"]
    assert data["summary"] == {"errors": 2, "warnings": 0}
    assert data["problems"][1] == {
        "path": str(tasks / "a.yaml"),
        "line": 4,
        "column": 1,
        "field": "enabeld",
        "severity": "error",
        "message": "unknown field 'enabeld'",
        "hint": "did you mean 'enabled'?",
    }


def test_github_annotations(tasks: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    (tasks / "a.yaml").write_text(BAD)
    assert cli.main(["validate", str(tasks)]) == 1
    out = capsys.readouterr().out
    assert (
        f"::error file={tasks}/a.yaml,line=4,col=1,title=reconciler%3A enabeld::unknown field 'enabeld'%0Adid you mean 'enabled'?"
        in out.splitlines()
    )
    # JSON stays parseable under GitHub Actions.
    assert cli.main(["validate", str(tasks), "--format", "json"]) == 1
    json.loads(capsys.readouterr().out)


def test_var_flag_overrides_environment(tasks: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GP_HOST", raising=False)
    (tasks / "a.yaml").write_text(GOOD.replace("gis.example.com", "${GP_HOST}"))
    assert cli.main(["validate", str(tasks)]) == 1
    assert "variable GP_HOST is not set" in capsys.readouterr().out
    assert cli.main(["validate", str(tasks), "--var", "GP_HOST=gis.test"]) == 0
    assert cli.main(["validate", str(tasks), "--var", "oops"]) == 1
    assert "error: --var 'oops': expected NAME=VALUE" in capsys.readouterr().err


def test_a_bug_exits_3_with_a_report(tasks: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(loader, "load", broken)
    assert cli.main(["validate", str(tasks)]) == 3
    err = capsys.readouterr().err
    assert "this is a bug in reconciler, please report it" in err
    assert "RuntimeError: boom" in err


def test_interrupt_exits_130(tasks: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(loader, "load", interrupted)
    assert cli.main(["validate", str(tasks)]) == 130
    assert capsys.readouterr().err == "Interrupted (^C)\n"


def test_no_command_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main([]) == 1
    assert "validate" in capsys.readouterr().out


def test_python_dash_m_and_no_traceback_on_garbage(tasks: Path) -> None:
    (tasks / "a.yaml").write_bytes(b"\x00\x01: [\n\t- }")
    done = subprocess.run(
        [sys.executable, "-m", "reconciler", "validate", str(tasks)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stdout + done.stderr
    assert "a.yaml" in done.stdout
