"""End-to-end fixtures: an in-process emulator on 127.0.0.1:0 (virtual clock), the CLI run
in-process over real HTTP, a copy of the shipped tasks.d/ in a temporary working folder, and a
PortalClient to look at (or tamper with) the portal behind the CLI's back."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
import requests
import yaml

from reconciler import cli
from reconciler.portal.settings import build_settings
from reconciler.emulator.context import Settings
from reconciler.emulator.server import Emulator
from reconciler.portal.client import PortalClient

ROOT = Path(__file__).resolve().parents[2]
T0 = 1767225600000  # 2026-01-01T00:00:00Z, a Thursday
PASSWORDS = {"admin": "admin123", "publisher": "publisher123", "viewer": "viewer123"}
MARK = "[reconciler] "
SHIPPED = ("month-end-service-areas", "nightly-parcel-buffer", "quarterly-flood-model")


@pytest.fixture(autouse=True)
def clean_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY",
                 "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "NO_COLOR", "GITHUB_ACTIONS", "GP_SERVER_URL"):
        monkeypatch.delenv(name, raising=False)
    for name in ("PORTAL", "USERNAME", "PASSWORD", "TOKEN", "OWNER", "CONFIG", "TARGET", "OWNERSHIP_MARK",
                 "ON_REMOVE"):
        monkeypatch.delenv(f"RECONCILER_{name}", raising=False)


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator(port=0, clock_ms=T0) as emulator:
        yield emulator


@pytest.fixture
def small_emu() -> Iterator[Emulator]:
    """An emulator whose users may have only 2 active tasks."""
    with Emulator(port=0, clock_ms=T0, settings=Settings(active_task_limit=2)) as emulator:
        yield emulator


def make_client(emu: Emulator, user: str = "publisher", **kw: Any) -> PortalClient:
    return PortalClient(build_settings(portal=emu.sharing_url, username=user, password=PASSWORDS[user], **kw))


@pytest.fixture
def portal(emu: Emulator) -> Iterator[PortalClient]:
    with make_client(emu) as client:
        yield client


@pytest.fixture
def admin(emu: Emulator) -> Iterator[PortalClient]:
    with make_client(emu, "admin") as client:
        yield client


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


@pytest.fixture
def on_emu(emu: Emulator, workdir: Path, monkeypatch: pytest.MonkeyPatch, run: Run) -> Run:
    """The CLI against `emu` as publisher, the way CI runs it: --portal/--username, password in the env."""
    monkeypatch.setenv("RECONCILER_PASSWORD", PASSWORDS["publisher"])
    monkeypatch.setenv("GP_SERVER_URL", emu.server_url)

    def invoke(command: str, *argv: str) -> Result:
        return run(command, "--portal", emu.sharing_url, "--username", "publisher", *argv)

    return invoke


def read_task(path: Path, index: int = 0) -> dict[str, Any]:
    return list(yaml.safe_load_all(path.read_text()))[index]


def write_tasks(path: Path, *docs: dict[str, Any]) -> None:
    path.write_text(yaml.safe_dump_all(docs, sort_keys=False))


def edit_task(workdir: Path, name: str, change: Callable[[dict[str, Any]], Any]) -> None:
    """Edit the task called `name` somewhere in workdir/tasks.d (every document of every file)."""
    for path in sorted((workdir / "tasks.d").glob("*.yaml")):
        docs = list(yaml.safe_load_all(path.read_text()))
        for doc in docs:
            if doc and doc.get("name") == name:
                change(doc)
                write_tasks(path, *docs)
                return
    raise AssertionError(f"no task {name} in tasks.d")


def titles(client: PortalClient, owner: str | None = None) -> dict[str, Any]:
    return {t.title: t for t in client.iter_tasks(owner)}


def plan_json(result: Result) -> dict[str, Any]:
    assert result.out.lstrip().startswith("{"), result.out + result.err
    data: dict[str, Any] = json.loads(result.out)
    return data


def advance_clock(emu: Emulator, seconds: float) -> None:
    requests.post(emu.control_url + "/clock", data={"advance": str(seconds)}, timeout=30)


def fault(emu: Emulator, path: str, kind: str, count: int = 1) -> None:
    r = requests.post(emu.control_url + "/faults", json={"path": path, "kind": kind, "count": count}, timeout=10)
    assert r.status_code == 200, r.text
