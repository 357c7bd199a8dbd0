"""The README's two set-up commands: they work where there is no `python` command and no
system-wide pip (stock Debian and Ubuntu), and the test command is exactly what .ci/run runs."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
ACTIVATE = ". .venv/bin/activate && "


def setup_commands() -> list[str]:
    section = README.split("\n## Set-up\n", 1)[1].split("\n## ", 1)[0]
    (block,) = re.findall(r"```sh\n(.*?)```", section, re.S)
    return [line for line in block.splitlines() if line.strip() and not line.startswith("#")]


def test_the_first_command_makes_a_virtualenv_with_python3_before_anything_else() -> None:
    first, _ = setup_commands()
    assert first.startswith("python3 -m venv .venv && " + ACTIVATE)
    before = first.split(ACTIVATE, 1)[0]
    assert not re.search(r"(?<![\w.])(python|pip3?)\s", before)  # python3 only, until the virtualenv is active
    assert first.endswith("&& reconciler apply --emulator --auto-approve")


def test_the_test_command_is_exactly_what_ci_runs_last() -> None:
    _, second = setup_commands()
    assert second.startswith(ACTIVATE)
    command = second[len(ACTIVATE):]
    lines = [line for line in (ROOT / ".ci" / "run").read_text().splitlines() if line and not line.startswith("#")]
    assert lines[lines.index(command) + 1:][0] == "rc=$?"  # the last command: its exit code is CI's
    assert re.search(r'python3 -m venv --clear \.venv-ci.*\n(?:#.*\n)*\. \.venv-ci/bin/activate',
                     (ROOT / ".ci" / "run").read_text())
    development = README.split("\n## Development\n", 1)[1]
    assert re.findall(r"```sh\n(.*?)\n```", development, re.S)[0] == second


def test_the_prerequisite_for_python3_venv_is_stated() -> None:
    assert "sudo apt-get install python3-venv" in README.split("\n## Set-up\n", 1)[1].split("\n## ", 1)[0]


@pytest.mark.slow
def test_python3_makes_a_virtualenv_whose_python_has_pip(tmp_path: Path) -> None:
    # What the first command relies on, with nothing of this test run's own environment: after
    # activation `python` exists (stock Debian has only python3) and pip runs inside the venv.
    python3 = shutil.which("python3", path="/usr/local/bin:/usr/bin:/bin")
    if python3 is None:
        pytest.skip("no python3 on the standard PATH")
    done = subprocess.run(
        ["sh", "-c", "python3 -m venv .venv && . .venv/bin/activate && command -v python && python -m pip --version"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
        env={"PATH": str(Path(python3).parent) + ":/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    if "ensurepip is not available" in done.stdout + done.stderr:
        pytest.skip("this machine lacks python3-venv: the README's prerequisite")
    assert done.returncode == 0, done.stderr
    found_python, pip = done.stdout.splitlines()[:2]
    assert found_python == str(tmp_path / ".venv" / "bin" / "python")
    assert f"from {tmp_path / '.venv'}" in pip
