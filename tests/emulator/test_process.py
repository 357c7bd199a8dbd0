"""Restart persistence, TLS, custom users, and `reconciler emulator` as a real process."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from reconciler.emulator.server import Emulator
from tests.conftest import BUFFER, T0

from .conftest import Client, gp_task, login

TASKS = "community/users/publisher/tasks"
REPO = Path(__file__).resolve().parents[2]


def test_state_survives_a_restart(tmp_path: Path) -> None:
    data = str(tmp_path / "emulator.sqlite")
    with Emulator(port=0, data=data, clock_ms=T0) as emu:
        client = Client(emu, login(emu, "publisher"))
        task_id = client.create(**gp_task(emu, title="kept"))["taskId"]
        client.clock(advance="310")
        token = client.token
        client.close()
    with Emulator(port=0, data=data, clock_ms=T0 + 310_000) as emu:
        client = Client(emu, token)  # tokens persist too
        task = client.get(f"{TASKS}/{task_id}")
        assert task["title"] == "kept" and task["lastStart"] == T0 + 300_000
        (run,) = client.get(f"{TASKS}/{task_id}/runs")["runs"]
        assert run["status"] == "succeeded"
        assert requests.get(run["result"], params={"f": "json"}, timeout=10).json()["paramName"] == "out_feature_class"
        client.close()


def test_tls_serves_https_with_a_trustable_certificate(tmp_path: Path) -> None:
    pytest.importorskip("trustme")
    with Emulator(port=0, tls=True, clock_ms=T0) as emu:
        assert emu.sharing_url.startswith("https://127.0.0.1:")
        assert emu.ca_pem is not None
        pem = tmp_path / "ca.pem"
        pem.write_bytes(emu.ca_pem)
        body = requests.post(emu.sharing_url + "/generateToken",
                             data={"username": "admin", "password": "admin123", "f": "json"}, verify=str(pem), timeout=10).json()
        assert body["ssl"] is True
        localhost = emu.sharing_url.replace("127.0.0.1", "localhost") + "/info"
        assert "authInfo" in requests.get(localhost, params={"f": "json"}, verify=str(pem), timeout=10).json()
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(emu.sharing_url + "/info", timeout=10)  # not trusted without the PEM
        # After a refused handshake the server still serves.
        assert requests.get(emu.sharing_url + "/info", verify=str(pem), timeout=10).status_code == 200


def test_custom_users_replace_the_defaults(tmp_path: Path) -> None:
    from reconciler.emulator.auth import load_users_file

    path = tmp_path / "users.json"
    path.write_text(json.dumps({"users": [
        {"username": "boss", "password": "pw", "role": "org_admin"},
        {"username": "gis", "password": "pw2", "role": "org_user", "privileges": ["portal:user:createItem"]},
    ]}))
    with Emulator(port=0, users=load_users_file(str(path))) as emu:
        assert "error" in requests.post(emu.sharing_url + "/generateToken",
                                        data={"username": "admin", "password": "admin123", "f": "json"}, timeout=10).json()
        gis = Client(emu, login(emu, "gis", "pw2"))
        assert gis.get("community/self")["privileges"] == ["portal:user:createItem"]
        gis.close()


def test_bad_users_file_is_a_usage_error(tmp_path: Path) -> None:
    from reconciler.emulator.auth import load_users_file
    from reconciler.errors import UsageError

    path = tmp_path / "users.json"
    path.write_text('[{"username": "x"}]')
    with pytest.raises(UsageError, match="password"):
        load_users_file(str(path))


def _start(*args: str) -> tuple[subprocess.Popen[str], str]:
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.Popen([sys.executable, "-m", "reconciler", "emulator", "--port", "0", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=REPO)
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], 30)  # never hang the suite on a stuck start
    if not ready:
        proc.kill()
        proc.communicate()
        pytest.fail("the emulator printed nothing within 30 s")
    return proc, proc.stdout.readline().strip()


def _stop(proc: subprocess.Popen[str]) -> int:
    proc.send_signal(signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise
    return proc.returncode


def test_cli_prints_the_sharing_url_and_serves(tmp_path: Path) -> None:
    proc, url = _start("--data", str(tmp_path / "state.sqlite"))
    try:
        assert url.startswith("http://127.0.0.1:") and url.endswith("/portal/sharing/rest")
        info = requests.get(url + "/info", params={"f": "json"}, timeout=10).json()
        assert info["authInfo"]["tokenServicesUrl"] == url + "/generateToken"
    finally:
        assert _stop(proc) == 0
    assert (tmp_path / "state.sqlite").exists()


def test_cli_tls_writes_the_certificate(tmp_path: Path) -> None:
    pytest.importorskip("trustme")
    pem = tmp_path / "cert.pem"
    proc, url = _start("--tls", "--cert-out", str(pem))
    try:
        assert url.startswith("https://")
        assert pem.read_text().startswith("-----BEGIN CERTIFICATE-----")
        assert "authInfo" in requests.get(url + "/info", params={"f": "json"}, verify=str(pem), timeout=10).json()
    finally:
        _stop(proc)


def test_cli_cert_out_needs_tls(tmp_path: Path) -> None:
    from reconciler.cli import main

    assert main(["emulator", "--port", "0", "--cert-out", str(tmp_path / "x.pem")]) == 1


def test_cli_port_in_use_is_a_usage_error(tmp_path: Path) -> None:
    from reconciler.cli import main

    with Emulator(port=0) as emu:
        assert main(["emulator", "--port", str(emu.port)]) == 1


def test_data_file_directory_is_created(tmp_path: Path) -> None:
    data = tmp_path / ".reconciler" / "emulator.sqlite"
    with Emulator(port=0, data=str(data)):
        pass
    assert data.exists()


def test_wall_clock_restart_skips_fire_times_missed_while_down(tmp_path: Path) -> None:
    data = str(tmp_path / "state.sqlite")
    with Emulator(port=0, data=data, clock_ms=T0) as emu:
        client = Client(emu, login(emu, "publisher"))
        task_id = client.create(**gp_task(emu))["taskId"]  # next fire: T0 + 5 min, long past in wall time
        client.close()
    with Emulator(port=0, data=data) as emu:
        client = Client(emu, login(emu, "publisher"))
        now = requests.get(emu.control_url + "/clock", timeout=10).json()["now"]
        task = client.get(f"{TASKS}/{task_id}")
        assert now - 300_000 < task["nextStart"] <= now + 300_000
        # Nothing replayed for the missed times (a run right at a wall-clock fire time is fine).
        assert all(r["created"] > now - 300_000 for r in client.get(f"{TASKS}/{task_id}/runs")["runs"])
        client.close()


def _restart_elsewhere(data: str, old_port: int, **kwargs: object) -> Emulator:
    """An emulator on the same data file, guaranteed on another port than `old_port`."""
    import socket

    with socket.socket() as holder:
        holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            holder.bind(("127.0.0.1", old_port))  # keeps port 0 from picking the old port again
        except OSError:
            pass  # someone else holds it, which serves as well
        emu = Emulator(port=0, data=data, clock_ms=T0 + 60_000, **kwargs)  # type: ignore[arg-type]
        emu.start()
    assert emu.port != old_port
    return emu


def test_restart_on_another_port_moves_stored_task_urls(tmp_path: Path) -> None:
    data = str(tmp_path / "state.sqlite")
    other = "https://gis.example.com:8765/server/rest/services/Samples/Buffer/GPServer/Buffer"
    with Emulator(port=0, data=data, clock_ms=T0) as emu:
        old_port = emu.port
        client = Client(emu, login(emu, "publisher"))
        gp = client.create(**gp_task(emu, title="gp"))["taskId"]
        via_localhost = client.create(**gp_task(emu, title="lh", taskURL=emu.task_url(BUFFER).replace("127.0.0.1", "localhost")))["taskId"]
        foreign = client.create(type="ExecuteNotebook", itemId="b" * 32, taskUrl=other, minute="0", hour="1",
                                dayOfMonth="*", month="*", dayOfWeek="?")["taskId"]
        not_services = client.create(type="ExecuteNotebook", itemId="c" * 32, taskUrl=f"{emu.origin}/portal/home",
                                     minute="0", hour="1", dayOfMonth="*", month="*", dayOfWeek="?")["taskId"]
        client.clock(advance="310")  # one run, whose task snapshot carries the URL too
        token = client.token
        client.close()
    emu = _restart_elsewhere(data, old_port)
    try:
        client = Client(emu, token)
        task = client.get(f"{TASKS}/{gp}")
        assert task["taskUrl"] == emu.task_url(BUFFER)
        assert client.get(f"{TASKS}/{via_localhost}")["taskUrl"] == emu.task_url(BUFFER)
        (run,) = client.get(f"{TASKS}/{gp}/runs")["runs"]
        assert run["task"]["taskUrl"] == emu.task_url(BUFFER)
        # Sending the stored URL back, as clients do on update, passes the federation check.
        assert client.post(f"{TASKS}/{gp}/update", title="renamed", taskUrl=task["taskUrl"]) == {"success": True, "taskId": gp}
        # Other hosts, and our host outside the services root, are left alone.
        assert client.get(f"{TASKS}/{foreign}")["taskUrl"] == other
        assert client.get(f"{TASKS}/{not_services}")["taskUrl"] == f"http://127.0.0.1:{old_port}/portal/home"
        # The old port is no longer ours: a URL naming it is refused like any other server's.
        stale = f"http://127.0.0.1:{old_port}/server/rest/services/{BUFFER}"
        assert client.post(f"{TASKS}/{gp}/update", taskUrl=stale)["error"]["message"] == "Invalid task URL."
        client.clock(advance="300")
        assert client.get(f"{TASKS}/{gp}/runs")["runs"][0]["status"] == "succeeded"  # still runs
        client.close()
    finally:
        emu.stop()


def test_restart_moves_task_urls_of_a_data_file_without_an_origin_record(tmp_path: Path) -> None:
    import sqlite3

    data = str(tmp_path / "state.sqlite")
    with Emulator(port=0, data=data, clock_ms=T0) as emu:
        old_port = emu.port
        client = Client(emu, login(emu, "publisher"))
        gp = client.create(**gp_task(emu))["taskId"]
        token = client.token
        client.close()
    with sqlite3.connect(data) as db:  # as written before the origin was recorded
        db.execute("DELETE FROM meta WHERE key = 'federatedServer'")
    emu = _restart_elsewhere(data, old_port)
    try:
        client = Client(emu, token)
        task = client.get(f"{TASKS}/{gp}")
        assert task["taskUrl"] == emu.task_url(BUFFER)
        assert client.post(f"{TASKS}/{gp}/update", taskUrl=task["taskUrl"])["success"] is True
        client.close()
    finally:
        emu.stop()


def test_cli_data_directory_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from reconciler.cli import main

    assert main(["emulator", "--port", "0", "--data", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "is a directory" in err and "Traceback" not in err


def test_cli_data_that_is_not_a_database_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from reconciler.cli import main

    junk = tmp_path / "notes.txt"
    junk.write_text("not sqlite\n" * 200)
    assert main(["emulator", "--port", "0", "--data", str(junk)]) == 1
    err = capsys.readouterr().err
    assert "--data" in err and "Traceback" not in err


@pytest.mark.parametrize("port", ["70000", "-1", "65536"])
def test_cli_port_out_of_range_is_a_usage_error(port: str, capsys: pytest.CaptureFixture[str]) -> None:
    from reconciler.cli import main

    assert main(["emulator", "--port", port]) == 1
    err = capsys.readouterr().err
    assert "out of range" in err and "Traceback" not in err


def test_in_process_bad_port_or_data_is_a_usage_error(tmp_path: Path) -> None:
    from reconciler.errors import UsageError

    with pytest.raises(UsageError, match="out of range"):
        Emulator(port=70000).start()
    with pytest.raises(UsageError, match="directory"):
        Emulator(port=0, data=str(tmp_path)).start()


def test_cli_data_directory_exits_1_as_a_process(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    for args in (["--data", str(tmp_path)], ["--port", "70000"]):
        done = subprocess.run([sys.executable, "-m", "reconciler", "emulator", *args], capture_output=True,
                              text=True, env=env, cwd=REPO, timeout=60)
        assert done.returncode == 1, done.stderr
        assert done.stderr.startswith("error: ") and "Traceback" not in done.stderr
