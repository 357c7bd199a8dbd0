"""--emulator: the embedded emulator with state in .reconciler/ of the current folder."""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path

from tests.e2e.conftest import Run, plan_json

BANNER = re.compile(
    r"^Using the embedded emulator \(state: \.reconciler/emulator\.sqlite\) at "
    r"http://127\.0\.0\.1:(\d+)/portal/sharing/rest — not a real portal\.$"
)


def port_of(line: str) -> int:
    match = BANNER.match(line)
    assert match, line
    return int(match.group(1))


def test_apply_then_plan_shows_no_changes_on_the_same_port(workdir: Path, run: Run) -> None:
    applied = run("apply", "--emulator", "--auto-approve")
    assert applied.code == 0, applied.out + applied.err
    port = port_of(applied.lines[0])
    assert applied.lines[-1] == "The portal now matches tasks.d."
    assert json.loads((workdir / ".reconciler" / "emulator.json").read_text()) == {"port": port}
    assert (workdir / ".reconciler" / "emulator.sqlite").is_file()
    planned = run("plan", "--emulator", "--detailed-exitcode")
    assert planned.code == 0, planned.out + planned.err
    assert port_of(planned.lines[0]) == port and "No changes. The portal matches tasks.d." in planned.out


def test_json_output_stays_pure(workdir: Path, run: Run) -> None:
    result = run("plan", "--emulator", "--format", "json")
    assert result.code == 0
    port_of(result.err.splitlines()[0])
    assert plan_json(result)["portal"] == "emulator"


def test_a_taken_port_is_a_clear_error(workdir: Path, run: Run) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        (workdir / ".reconciler").mkdir()
        (workdir / ".reconciler" / "emulator.json").write_text(json.dumps({"port": port}))
        result = run("plan", "--emulator")
    assert result.code == 1
    assert result.err.startswith(f"error: the embedded emulator cannot listen on 127.0.0.1:{port}")
    assert "delete .reconciler to start over" in result.err


def test_the_users_gp_server_wins(workdir: Path, run: Run) -> None:
    result = run("plan", "--emulator", "--format", "json", "--var", "GP_SERVER_URL=https://gis.example.com/server")
    assert result.code == 1
    assert any("not on a server federated" in e["message"] for e in plan_json(result)["errors"])


def test_emulator_and_portal_contradict(workdir: Path, run: Run) -> None:
    result = run("plan", "--emulator", "--portal", "https://gis.example.com/portal")
    assert result.code == 1 and "--emulator and a portal (--portal, or the environment's portal) contradict each other" in result.err


def test_saved_plan_on_the_emulator(workdir: Path, run: Run) -> None:
    assert run("plan", "--emulator", "--out", "plan.json").code == 0
    assert json.loads((workdir / "plan.json").read_text())["portal"] == "emulator"
    applied = run("apply", "--emulator", "plan.json")
    assert applied.code == 0, applied.out + applied.err
    assert run("plan", "--emulator", "--detailed-exitcode").code == 0


def test_the_embedded_state_is_readable_by_its_owner_only(workdir: Path, run: Run) -> None:
    # The emulator's database holds tokens and password hashes.
    assert run("apply", "--emulator", "--auto-approve").code == 0
    state = workdir / ".reconciler"
    assert state.stat().st_mode & 0o777 == 0o700
    assert (state / "emulator.sqlite").stat().st_mode & 0o777 == 0o600
