"""The /_emulator/ control API: fault kinds, the request log, and when it is served."""

from __future__ import annotations

import time

import pytest
import requests

from reconciler.emulator.server import Emulator, is_loopback

from .conftest import Client


def _fault(emu: Emulator, **spec: object) -> requests.Response:
    return requests.post(emu.control_url + "/faults", json=spec, timeout=10)


@pytest.mark.parametrize("kind,status", [("http500", 500), ("http502", 502), ("http503", 503), ("http429", 429)])
def test_http_status_faults_hit_the_next_n_matching_requests(emu: Emulator, kind: str, status: int) -> None:
    assert _fault(emu, path="/info$", count=2, kind=kind, seconds=3).json()["faults"][0]["count"] == 2
    url = emu.sharing_url + "/info"
    other = requests.get(emu.sharing_url + "/portals/self", params={"f": "json"}, timeout=10)
    assert other.status_code == 200  # does not match the regex
    first, second, third = (requests.get(url, params={"f": "json"}, timeout=10) for _ in range(3))
    assert first.status_code == second.status_code == status
    assert third.status_code == 200 and "authInfo" in third.json()
    if status == 429:
        assert first.headers["Retry-After"] == "3"


def test_arcgis_error_fault_is_an_envelope(emu: Emulator) -> None:
    _fault(emu, path="community/self", kind="arcgis_error")
    r = requests.get(emu.sharing_url + "/community/self", params={"f": "json"}, timeout=10)
    assert r.status_code == 200 and r.json()["error"]["code"] == 500


def test_drop_closes_the_connection(emu: Emulator) -> None:
    _fault(emu, path="/info", kind="drop")
    with pytest.raises(requests.ConnectionError):
        requests.get(emu.sharing_url + "/info", params={"f": "json"}, timeout=10)
    assert requests.get(emu.sharing_url + "/info", params={"f": "json"}, timeout=10).status_code == 200


def test_delay_answers_late(emu: Emulator) -> None:
    _fault(emu, path="/info", kind="delay", seconds=0.5)
    with pytest.raises(requests.Timeout):
        requests.get(emu.sharing_url + "/info", params={"f": "json"}, timeout=0.05)
    # The delayed request is still answered normally once the delay has passed.
    assert requests.get(emu.sharing_url + "/info", params={"f": "json"}, timeout=10).status_code == 200


def test_faults_can_be_cleared_and_are_validated(emu: Emulator) -> None:
    _fault(emu, path=".", count=5, kind="http500")
    assert requests.delete(emu.control_url + "/faults", timeout=10).json() == {"faults": []}
    assert requests.get(emu.sharing_url + "/info", params={"f": "json"}, timeout=10).status_code == 200
    for bad in ({"path": ".", "kind": "explode"}, {"path": "(", "kind": "drop"}, {"path": ".", "kind": "drop", "count": 0}):
        assert _fault(emu, **bad).json()["error"]["code"] == 400
    # The control API itself is never faulted.
    _fault(emu, path=".", kind="http500")
    assert requests.get(emu.control_url + "/clock", timeout=10).status_code == 200


def test_request_log_redacts_secrets(emu: Emulator, publisher: Client) -> None:
    requests.delete(emu.control_url + "/requests", timeout=10)
    requests.post(emu.sharing_url + "/generateToken", data={"username": "viewer", "password": "viewer123", "f": "json"}, timeout=10)
    requests.get(emu.sharing_url + "/community/self", params={"f": "json", "token": publisher.token}, timeout=10)
    publisher.get("portals/self", num="3")
    log = requests.get(emu.control_url + "/requests", timeout=10).json()["requests"]
    assert [(e["method"], e["path"]) for e in log] == [
        ("POST", "/portal/sharing/rest/generateToken"),
        ("GET", "/portal/sharing/rest/community/self"),
        ("GET", "/portal/sharing/rest/portals/self"),
    ]
    assert log[0]["form"] == {"username": "viewer", "password": "<redacted>", "f": "json"}
    assert log[1]["query"]["token"] == "<redacted>" and log[1]["tokenIn"] == "param"
    assert log[2]["query"] == {"f": "json", "num": "3"} and log[2]["tokenIn"] == "X-Esri-Authorization"
    assert "viewer123" not in str(log) and str(publisher.token) not in str(log)


def test_request_log_keeps_query_and_form_apart(emu: Emulator) -> None:
    # A key sent in both places is logged with each place's own value (the form one wins for the handler).
    requests.delete(emu.control_url + "/requests", timeout=10)
    r = requests.post(emu.sharing_url + "/info", params={"f": "json"}, data={"f": "pjson"}, timeout=10)
    assert r.text.startswith("{\n")  # pretty: the form's f
    entry = requests.get(emu.control_url + "/requests", timeout=10).json()["requests"][-1]
    assert (entry["query"], entry["form"]) == ({"f": "json"}, {"f": "pjson"})


def test_request_log_marks_faulted_requests(emu: Emulator) -> None:
    _fault(emu, path="/info", kind="http502")
    requests.get(emu.sharing_url + "/info", params={"f": "json"}, timeout=10)
    assert requests.get(emu.control_url + "/requests", timeout=10).json()["requests"][-1]["fault"] == "http502"


def test_clock_starts_at_wall_time_without_clock_ms() -> None:
    with Emulator(port=0) as emu:
        clock = requests.get(emu.control_url + "/clock", timeout=10).json()
        assert clock["virtual"] is False and abs(clock["now"] - time.time() * 1000) < 60_000
        moved = requests.post(emu.control_url + "/clock", data={"advance": "3600"}, timeout=10).json()
        assert moved["virtual"] is True and moved["now"] >= clock["now"] + 3_600_000


def test_control_api_only_on_loopback_unless_enabled() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1") and is_loopback("127.1.2.3")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.10") and not is_loopback("example.com")
    assert Emulator(host="0.0.0.0")._control_enabled is False
    assert Emulator(host="0.0.0.0", enable_control=True)._control_enabled is True


def test_control_api_disabled_answers_like_any_unknown_path() -> None:
    with Emulator(port=0) as emu:
        assert emu.ctx is not None
        emu.ctx.control_enabled = False
        r = requests.get(emu.control_url + "/clock", timeout=10)
        assert r.status_code == 200 and r.json()["error"]["code"] == 404
