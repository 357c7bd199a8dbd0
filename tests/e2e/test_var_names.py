"""Issue 16, "Variables and secrets": --var refuses names no task file could refer to, and warns
about names no task file uses, in validate and in plan (through the CLI and the emulator)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import Run


@pytest.mark.parametrize(
    ("assignment", "message"),
    [
        ("1ABC=x", "error: --var 1ABC=...: '1ABC' is not a variable name: ASCII letters, digits and _, not starting "
                   "with a digit"),
        ("GP SERVER=x", "error: --var GP SERVER=...: 'GP SERVER' is not a variable name: ASCII letters, digits and _, "
                        "not starting with a digit"),
        ("secret:TOKEN=abc", "error: --var secret:TOKEN=...: the name is TOKEN: a task file's ${secret:TOKEN} is what "
                             "marks it secret; a secret is better set in the environment than on the command line"),
    ],
)
def test_an_invalid_var_name_is_refused_without_its_value(workdir: Path, run: Run, assignment: str,
                                                          message: str) -> None:
    result = run("validate", "--var", assignment)
    assert (result.code, result.out, result.err) == (1, "", message + "\n")
    assert "abc" not in result.err


def test_an_unused_var_is_a_warning_in_validate(workdir: Path, run: Run) -> None:
    result = run("validate", "--var", "GP_SERVER_URL=https://gis.example.com/server", "--var", "GP_SERVR=x")
    assert result.code == 0
    assert result.out == (
        "tasks.d: warning: --var GP_SERVR is not used by any task file\n"
        "  hint: no task file holds ${GP_SERVR}: check the spelling, or drop --var GP_SERVR\n"
        "3 files, 3 valid tasks: 0 errors, 1 warning\n"
    )


def test_an_unused_var_is_a_warning_in_plan(on_emu: Run) -> None:
    result = on_emu("plan", "--var", "REGON=eu")
    assert result.code == 0, result.out + result.err
    assert "warning: --var REGON is not used by any task file" in result.out
    assert "hint: no task file holds ${REGON}: check the spelling, or drop --var REGON" in result.out


def test_a_var_the_files_use_is_not_warned(on_emu: Run) -> None:
    result = on_emu("plan", "--var", "GP_SERVER_URL=https://gis.example.com/server", "--format", "json")
    assert '"changes"' in result.out, result.err  # the plan was made, with the task files loaded
    assert "is not used by any task file" not in result.out
