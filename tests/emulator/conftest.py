"""Fixtures: an in-process emulator on 127.0.0.1:0 with a virtual clock, and a tiny client."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from reconciler.emulator.server import Emulator
from tests.conftest import BUFFER, BUFFER_PARAMS, PASSWORDS, T0

SYSTEM = "System/SpatialAnalysisTools/GPServer/CreateBuffers"
EVERY_5_MIN = {"minute": "*/5", "hour": "*", "dayOfMonth": "*", "month": "*", "dayOfWeek": "?"}


class Client:
    """Speaks the wire format directly (form posts, f=json), as any ArcGIS client would."""

    def __init__(self, emu: Emulator, token: str | None = None) -> None:
        self.emu = emu
        self.token = token
        self.session = requests.Session()

    def close(self) -> None:
        self.session.close()

    def _headers(self) -> dict[str, str]:
        return {"X-Esri-Authorization": f"Bearer {self.token}"} if self.token else {}

    def url(self, path: str) -> str:
        return path if path.startswith("http") else f"{self.emu.sharing_url}/{path.lstrip('/')}"

    def get(self, path: str, **params: Any) -> Any:
        r = self.session.get(self.url(path), params={"f": "json", **params}, headers=self._headers(), timeout=10)
        assert r.status_code == 200, r.text
        return r.json()

    def post(self, path: str, **data: Any) -> Any:
        form = {k: v if isinstance(v, str) else json.dumps(v) for k, v in data.items() if v is not None}
        r = self.session.post(self.url(path), data={"f": "json", **form}, headers=self._headers(), timeout=10)
        assert r.status_code == 200, r.text
        return r.json()

    def create(self, user: str | None = None, **fields: Any) -> Any:
        return self.post(f"community/users/{user or self.user}/tasks/createTask", **fields)

    @property
    def user(self) -> str:
        return self.get("community/self")["username"]

    def clock(self, **form: Any) -> Any:
        r = self.session.post(self.emu.control_url + "/clock", data=form, timeout=30)
        return r.json()


def login(emu: Emulator, username: str, password: str | None = None) -> str:
    r = requests.post(
        emu.sharing_url + "/generateToken",
        data={"username": username, "password": password or PASSWORDS[username], "client": "referer",
              "referer": "http://localhost", "expiration": "20160", "f": "json"},
        timeout=10,
    )
    return str(r.json()["token"])


def gp_task(emu: Emulator, tool: str = BUFFER, params: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    """createTask fields for a GPService task on one of the sample tools."""
    return {"type": "GPService", "title": extra.pop("title", "t"), "taskURL": emu.task_url(tool),
            "parameters": BUFFER_PARAMS if params is None else params, **EVERY_5_MIN, **extra}


def seed_tasks(emu: Emulator, owner: str, count: int, *, active: bool = False) -> None:
    """Store tasks directly (fast, and past the active-task quota) for paging tests."""
    ctx = emu.ctx
    assert ctx is not None
    with ctx.store.lock:
        for i in range(count):
            doc = {
                "id": f"{i:032x}", "userId": owner, "title": f"seeded {i}", "itemId": f"{i:032x}",
                "type": "ExecuteNotebook", "taskUrl": None, "parameters": {}, "maxOccurrences": -1,
                "created": T0, "updated": T0, "taskState": "active" if active else "paused",
                "cronSchedule": dict(EVERY_5_MIN), "runIntervalSeconds": 300, "nextStart": None,
                "_occurrences": 0, "_failures": 0,
            }
            ctx.store.put_task(doc)


@pytest.fixture
def clients(emu: Emulator) -> Iterator[dict[str, Client]]:
    made = {name: Client(emu, login(emu, name)) for name in PASSWORDS}
    made["anonymous"] = Client(emu)
    yield made
    for client in made.values():
        client.close()


@pytest.fixture
def publisher(clients: dict[str, Client]) -> Client:
    return clients["publisher"]


@pytest.fixture
def admin(clients: dict[str, Client]) -> Client:
    return clients["admin"]


@pytest.fixture
def viewer(clients: dict[str, Client]) -> Client:
    return clients["viewer"]
