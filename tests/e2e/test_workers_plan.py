"""A plan whose task files are read in worker processes (reconciler.taskfiles.workers), made by
the CLI in a process of its own against the emulator over HTTP: the same plan as one read here."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from reconciler.emulator.server import Emulator
from reconciler.taskfiles.workers import cores
from tests.conftest import PASSWORDS, Run

SPY = """
import sys
from reconciler.taskfiles import workers
workers.MIN_BYTES = 0  # the shipped tasks.d is small: read it in workers all the same
original = workers.Pending.__init__
def spy(self, *a, **k):
    original(self, *a, **k)
    print(f"pool made: {bool(self.workers)}", file=sys.stderr)
workers.Pending.__init__ = spy
from reconciler.cli import console
sys.argv[0] = "reconciler"
raise SystemExit(console())
"""


def test_a_plan_read_by_workers_is_the_plan_read_here(emu: Emulator, workdir: Path, run: Run,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECONCILER_PASSWORD", PASSWORDS["publisher"])
    monkeypatch.setenv("GP_SERVER_URL", emu.server_url)
    argv = ["plan", "--format", "json", "--portal", emu.sharing_url, "--username", "publisher"]
    child = subprocess.run([sys.executable, "-c", SPY, *argv], cwd=workdir, capture_output=True, text=True,
                           timeout=120, check=False)
    here = run(*argv)
    assert child.returncode == here.code == 0, child.stderr
    assert ("pool made: True" in child.stderr) is (cores() >= 2)
    assert child.stdout == here.out and here.out.count('"action": "create"') == len(list(workdir.glob("tasks.d/*.yaml")))
