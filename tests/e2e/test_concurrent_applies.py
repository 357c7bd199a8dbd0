"""Two applies started together, as two CI runners would be, each a real process of the CLI
against the emulator over HTTP: the lock lets one write at a time, so every write happens once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from reconciler.emulator.server import Emulator
from tests.conftest import PASSWORDS, titles
from tests.e2e.conftest import MARK, edit_task
from tests.portal.conftest import request_log


def together(emu: Emulator, workdir: Path) -> list[subprocess.CompletedProcess[str]]:
    env = {**os.environ, "RECONCILER_PASSWORD": PASSWORDS["publisher"], "GP_SERVER_URL": emu.server_url}
    argv = [sys.executable, "-m", "reconciler", "apply", "--auto-approve", "--portal", emu.sharing_url,
            "--username", "publisher", "--lock-timeout", "60"]
    procs = [subprocess.Popen(argv, cwd=workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    done = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        done.append(subprocess.CompletedProcess(argv, proc.returncode, out, err))
    return done


def writes(emu: Emulator, operation: str) -> int:
    return len([e for e in request_log(emu, operation) if e["method"] == "POST"])


def test_two_applies_started_together_write_each_change_once(emu: Emulator, workdir: Path, portal: object) -> None:
    for round_ in range(2):
        if round_:
            for name in ("nightly-parcel-buffer", "month-end-service-areas", "quarterly-flood-model"):
                edit_task(workdir, name, lambda d: d.update(max_occurrences=11))
        before = {op: writes(emu, op) for op in ("createTask", "/update")}
        results = together(emu, workdir)
        assert [r.returncode for r in results] == [0, 0], [r.stdout + r.stderr for r in results]
        assert all(r.stdout.rstrip().endswith("The portal now matches tasks.d.") or
                   "No changes. The portal matches tasks.d." in r.stdout for r in results)
        made = {op: writes(emu, op) - before[op] for op in before}
        assert made == ({"createTask": 3, "/update": 0} if round_ == 0 else {"createTask": 0, "/update": 3})
    managed = [t for t in titles(portal) if t.startswith(MARK)]  # type: ignore[arg-type]
    assert len(managed) == 3
