"""End-to-end fixtures (the emulator and a signed-in client come from tests/conftest.py): the CLI run
in-process over real HTTP, a copy of the shipped tasks.d/ in a temporary working folder, and a
PortalClient to look at (or tamper with) the portal behind the CLI's back."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from reconciler.emulator.server import Emulator
from tests.conftest import PASSWORDS, ROOT, Result, Run  # noqa: F401  (ROOT: re-exported, tests import it from here)

MARK = "[reconciler] "
SHIPPED = ("month-end-service-areas", "nightly-parcel-buffer", "quarterly-flood-model")


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


def plan_json(result: Result) -> dict[str, Any]:
    assert result.out.lstrip().startswith("{"), result.out + result.err
    data: dict[str, Any] = json.loads(result.out)
    return data


@pytest.fixture
def applied(on_emu: Run) -> Run:
    """The shipped tasks.d applied once, then the CLI as on_emu."""
    result = on_emu("apply", "--auto-approve")
    assert result.code == 0, result.out + result.err
    return on_emu


@pytest.fixture
def as_admin(emu: Emulator, workdir: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> Run:
    """The CLI signed in to the `emu` fixture as its administrator."""
    monkeypatch.setenv("RECONCILER_PASSWORD", PASSWORDS["admin"])
    monkeypatch.setenv("GP_SERVER_URL", emu.server_url)

    def invoke(command: str, *argv: str) -> Result:
        return run(command, "--portal", emu.sharing_url, "--username", "admin", *argv)

    return invoke
