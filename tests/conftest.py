"""Fixtures every test folder shares: the CLI run in-process (`run`) in a copy of the shipped tasks.d
(`workdir`), a clean environment (no proxies, CA bundles, colours or
RECONCILER_* settings leak in from the machine), the in-process emulator on 127.0.0.1:0 with a
virtual clock, a PortalClient signed in to it over real HTTP, and the emulator's control API."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from reconciler import cli
from reconciler.emulator.context import Settings
from reconciler.emulator.server import Emulator
from reconciler.model import CronFields, TaskFields
from reconciler.portal.client import PortalClient
from reconciler.portal.settings import build_settings

NIGHTLY = CronFields(minute="0", hour="2", day_of_month="?", month="*", day_of_week="MON-FRI")
# The emulator's sample GP tools (paths under /server/rest/services/) and valid Buffer inputs.
BUFFER = "Samples/Buffer/GPServer/Buffer"
SLOW = "Samples/Slow/GPServer/Slow"
FAILS = "Samples/AlwaysFails/GPServer/AlwaysFails"
BUFFER_PARAMS = {
    "in_features": {"spatialReference": {"wkid": 4326}, "features": [{"geometry": {"x": 10.0, "y": 50.0}}]},
    "buffer_distance_or_field": {"distance": 100, "units": "esriMeters"},
}
T0 = 1767225600000  # 2026-01-01T00:00:00Z, a Thursday
PASSWORDS = {"admin": "admin123", "publisher": "publisher123", "viewer": "viewer123"}
_PROXIES = ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY")
_MACHINE = ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "NO_COLOR", "GITHUB_ACTIONS", "GP_SERVER_URL")
_SETTINGS = ("PORTAL", "USERNAME", "PASSWORD", "TOKEN", "OWNER", "CONFIG", "TARGET", "OWNERSHIP_MARK", "ON_REMOVE")


@pytest.fixture(autouse=True)
def clean_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (*_PROXIES, *_MACHINE, *(f"RECONCILER_{s}" for s in _SETTINGS)):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator(port=0, clock_ms=T0) as emulator:
        yield emulator


@pytest.fixture
def small_emu() -> Iterator[Emulator]:
    """An emulator whose users may have only 2 active tasks."""
    with Emulator(port=0, clock_ms=T0, settings=Settings(limits={"GPServiceUserLimit": 2})) as emulator:
        yield emulator


def signed_in(emu: Emulator, user: str = "publisher", **kw: Any) -> PortalClient:
    """A PortalClient signed in to `emu` as one of its seeded users."""
    return PortalClient(build_settings(portal=emu.sharing_url, username=user, password=PASSWORDS[user], **kw))


@pytest.fixture
def portal(emu: Emulator) -> Iterator[PortalClient]:
    with signed_in(emu) as client:
        yield client


@pytest.fixture
def admin(emu: Emulator) -> Iterator[PortalClient]:
    """Signed in as the emulator's administrator (tests/emulator overrides it with its raw client)."""
    with signed_in(emu, "admin") as client:
        yield client


def titles(client: PortalClient, owner: str | None = None) -> dict[str, Any]:
    return {t.title: t for t in client.iter_tasks(owner)}


def advance_clock(emu: Emulator, seconds: float) -> None:
    requests.post(emu.control_url + "/clock", data={"advance": str(seconds)}, timeout=30)


def fault(emu: Emulator, path: str, kind: str, count: int = 1, seconds: float | None = None) -> None:
    spec: dict[str, Any] = {"path": path, "kind": kind, "count": count}
    if seconds is not None:
        spec["seconds"] = seconds
    r = requests.post(emu.control_url + "/faults", json=spec, timeout=10)
    assert r.status_code == 200 and "error" not in r.json(), r.text


def buffer_fields(emu: Emulator, title: str, **over: Any) -> TaskFields:
    """createTask fields for the emulator's Buffer sample, weeknights at 02:00."""
    values: dict[str, Any] = {
        "title": title, "task_type": "GPService", "schedule": NIGHTLY,
        "task_url": emu.task_url("Samples/Buffer/GPServer/Buffer"),
        "parameters_json": json.dumps({"buffer_distance_or_field": {"distance": 5, "units": "esriMeters"}}),
    }
    values.update(over)
    return TaskFields(**values)


ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder holding a copy of the shipped tasks.d/, made the current directory."""
    shutil.copytree(ROOT / "tasks.d", tmp_path / "tasks.d")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        return self.out.splitlines()


Run = Callable[..., Result]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    """Run the CLI in-process: run("plan", "--format", "json") -> Result(code, out, err)."""

    def invoke(*argv: str) -> Result:
        capsys.readouterr()
        code = cli.main(list(argv))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return invoke
