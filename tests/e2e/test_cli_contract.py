"""The command line's contract for scripts: usage errors are exit 1 (2 means "changes present"),
-v logs every request without a secret, and the retired --ownership-mark says how to migrate."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORDS
from tests.e2e.conftest import Run


@pytest.mark.parametrize("argv", [
    ("plan", "--bogus"),
    ("plan", "--detailed-exitcode", "--format", "yaml"),
    ("plan", "--on-remove", "keep"),
    ("apply", "--parallelism", "0"),
    ("cron",),
    ("bogus",),
    ("validate", "--format"),
])
def test_usage_errors_exit_1_never_2(run: Run, argv: tuple[str, ...]) -> None:
    result = run(*argv)
    assert result.code == 1
    assert "error:" in result.err and result.out == ""


def test_verbose_logs_one_line_per_request_without_secrets(on_emu: Run) -> None:
    result = on_emu("plan", "-v")
    assert result.code == 0, result.err
    lines = result.err.splitlines()
    assert "POST /portal/sharing/rest/generateToken -> 200" in lines[0]
    assert any(line.startswith("GET /portal/sharing/rest/community/users/publisher/tasks -> 200 (") for line in lines)
    assert PASSWORDS["publisher"] not in result.err and "token=" not in result.err
    assert on_emu("plan").err == ""  # and nothing without -v


@pytest.mark.parametrize("flag", ["--timeout", "--max-response-mb"])
def test_an_infinite_or_nan_number_is_refused(on_emu: Run, flag: str) -> None:
    for value in ("inf", "nan"):
        result = on_emu("plan", flag, value)
        assert result.code == 1 and "is not a finite number" in result.err, result.err


@pytest.mark.parametrize("how", ["flag", "environment"])
def test_the_retired_ownership_mark_says_how_to_migrate(on_emu: Run, how: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Read as today's plain mark, a custom mark would make every task look unmanaged and plan a
    second copy of each: so it is refused with the way to keep those tasks."""
    if how == "environment":
        monkeypatch.setenv("RECONCILER_OWNERSHIP_MARK", "[team-a] ")
    result = on_emu("plan", "--ownership-mark", "[team-a] ") if how == "flag" else on_emu("plan")
    assert result.code == 1 and result.out == ""
    assert result.err.startswith("error: --ownership-mark (and RECONCILER_OWNERSHIP_MARK) were replaced by projects")
    assert "adopt_mark: '[team-a] '" in result.err
