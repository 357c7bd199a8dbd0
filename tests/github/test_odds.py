"""The action refuses Windows runners in words (its steps use a POSIX virtualenv); every shipped
schema's $id is on the reserved .invalid domain (no invented GitHub URL)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(sys.platform == "win32", reason="the action's steps are bash")
def test_a_windows_runner_is_refused_with_a_reason() -> None:
    [check] = [s for s in yaml.safe_load((ROOT / "action.yml").read_text())["runs"]["steps"]
               if s.get("name") == "Check the inputs"]
    done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", check["run"]], text=True,
                          capture_output=True, env={"COMMAND": "plan", "RUNNER_OS": "Windows", "PATH": "/usr/bin:/bin"},
                          timeout=30, check=False)
    assert done.returncode == 1 and "runs on Linux and macOS runners" in done.stdout
    done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", check["run"]], text=True,
                          capture_output=True, env={"COMMAND": "plan", "RUNNER_OS": "Linux", "PATH": "/usr/bin:/bin"},
                          timeout=30, check=False)
    assert done.returncode == 0


def test_every_schema_id_is_on_the_reserved_domain() -> None:
    ids = {p.name: json.loads(p.read_text())["$id"] for p in (ROOT / "schemas").glob("*.schema.json")}
    assert ids and all(i == f"https://reconciler.invalid/schemas/{name}" for name, i in ids.items()), ids
