"""`reconciler emulator --limit NAME=N` and `--enterprise-version`: applied at start, and a bad
value is a usage error (exit 1, a message, no traceback) that starts nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from .test_process import _start, _stop


@pytest.mark.parametrize(("args", "needle"), [
    (["--limit", "NoSuchLimit=3"], "unknown limit 'NoSuchLimit'"),
    (["--limit", "GPServiceUserLimit=-1"], "GPServiceUserLimit must be an integer"),
    (["--limit", "GPServiceUserLimit=many"], "GPServiceUserLimit must be an integer"),
    (["--limit", "GPServiceUserLimit=1.5"], "GPServiceUserLimit must be an integer"),
    (["--limit", "GPServiceUserLimit"], "expected NAME=N"),
    (["--enterprise-version", "eleven"], "--enterprise-version"),
    (["--enterprise-version", "10.8"], "10.8.1"),
])
def test_bad_flags_are_usage_errors(args: list[str], needle: str, capsys: pytest.CaptureFixture[str]) -> None:
    from reconciler.cli import main

    assert main(["emulator", "--port", "0", *args]) == 1
    captured = capsys.readouterr()
    assert needle in captured.err and "Traceback" not in captured.err
    assert captured.out == ""  # no URL: nothing was started


def test_limits_and_release_apply_at_start(tmp_path: Path) -> None:
    proc, url = _start("--limit", "GPServiceUserLimit=3", "--limit", "TaskRunHistoryCount=45",
                       "--limit", "GPServiceUserLimit=4", "--enterprise-version", "11.2")
    try:
        assert requests.get(url, params={"f": "json"}, timeout=10).json() == {"currentVersion": "2023.2"}
        token = requests.post(url + "/generateToken", data={"username": "admin", "password": "admin123", "f": "json"},
                              timeout=10).json()["token"]
        origin = url.removesuffix("/portal/sharing/rest")
        limits = requests.get(origin + "/portal/portaladmin/system/limits", params={"f": "json", "token": token},
                              timeout=10).json()["ScheduleTask"]
        read = {e["limitName"]: e["numLimit"] for e in limits}
        assert read["GPServiceUserLimit"] == 4 and read["TaskRunHistoryCount"] == 45 and read["GPServiceOrgLimit"] == 200
        tasks = requests.get(url + "/community/users/admin/tasks", params={"f": "json", "token": token}, timeout=10).json()
        assert tasks["activeTasksAvailable"] == 4
    finally:
        assert _stop(proc) == 0

