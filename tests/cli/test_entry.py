"""The console entry point: main() with the collector tuned (reconciler.cli.console)."""

from __future__ import annotations

import gc
import sys

import pytest

import reconciler.cli as cli


def test_console_runs_main_with_the_collector_run_less_often(monkeypatch: pytest.MonkeyPatch) -> None:
    before = gc.get_threshold()
    seen: list[tuple[int, int, int]] = []

    def main() -> int:
        seen.append(gc.get_threshold())
        return 7

    monkeypatch.setattr(cli, "main", main)
    try:
        assert cli.console() == 7
    finally:
        gc.set_threshold(*before)
    assert len(seen) == 1 and seen[0][0] >= 100_000 > before[0]


def test_python_dash_m_goes_through_console() -> None:
    import subprocess

    out = subprocess.run([sys.executable, "-c", "import runpy, gc, reconciler.cli as c; c.main = lambda: "
                          "print(gc.get_threshold()[0]) or 0; runpy.run_module('reconciler', run_name='__main__')"],
                         capture_output=True, text=True, check=False)
    assert out.returncode == 0 and int(out.stdout) >= 100_000, out.stderr
