"""`reconciler emulator` prints its Sharing API URL alone on the first line (scripts read it), then
what a person needs to use it with curl: the users, the sample GP task URLs and the control API."""

from __future__ import annotations

import json
from pathlib import Path

import requests

from reconciler.commands.emulator import usage
from reconciler.emulator.server import Emulator
from tests.emulator.test_process import _start, _stop


def test_the_url_line_stays_first_and_the_rest_follows(tmp_path: Path) -> None:
    proc, url = _start("--data", str(tmp_path / "state.sqlite"))
    try:
        assert url.startswith("http://127.0.0.1:") and url.endswith("/portal/sharing/rest")
        assert proc.stdout is not None
        rest = [proc.stdout.readline().rstrip("\n") for _ in range(7)]
        origin = url.removesuffix("/portal/sharing/rest")
        services = f"{origin}/server/rest/services"
        assert rest == [
            "  users:           admin / admin123 (org_admin), publisher / publisher123 (org_publisher), "
            "viewer / viewer123 (org_user)",
            f"  sample GP tasks: {services}/Samples/Buffer/GPServer/Buffer",
            f"                   {services}/Samples/Slow/GPServer/Slow",
            f"                   {services}/Samples/AlwaysFails/GPServer/AlwaysFails",
            f"                   {services}/System/SpatialAnalysisTools/GPServer/CreateBuffers (administrators only)",
            f"  control API:     {origin}/_emulator/ (clock, faults, expire-tokens, requests)",
            "Ctrl-C stops it.",
        ]
        # What it prints works: the demo user signs in, the control API answers.
        token = requests.post(url + "/generateToken", data={"username": "publisher", "password": "publisher123",
                                                            "referer": "x", "f": "json"}, timeout=10).json()
        assert "token" in token
        assert "now" in requests.get(f"{origin}/_emulator/clock", timeout=10).json()
    finally:
        assert _stop(proc) == 0


def test_passwords_from_a_users_file_are_never_printed(tmp_path: Path) -> None:
    users = [{"username": "admin", "password": "s3cret-admin", "role": "org_admin"},
             {"username": "publisher", "password": "publisher123", "role": "org_publisher"},
             {"username": "carol", "password": "carol-pw", "role": "org_user"}]
    from reconciler.emulator.auth import load_users_file

    path = tmp_path / "users.json"
    path.write_text(json.dumps(users))
    with Emulator(port=0, users=load_users_file(str(path))) as emu:
        text = usage(emu)
    assert text.splitlines()[0] == "  users:           admin (org_admin), carol (org_user), publisher / publisher123 " \
                                   "(org_publisher)"
    assert "s3cret-admin" not in text and "carol-pw" not in text


def test_a_control_api_that_is_off_says_how_to_turn_it_on() -> None:
    with Emulator(port=0, host="0.0.0.0") as emu:
        assert "  control API:     off (not on loopback: --enable-control turns it on)" in usage(emu).splitlines()
