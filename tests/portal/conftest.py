"""Fixtures: an in-process emulator on 127.0.0.1:0 (virtual clock) and PortalClients that talk to
it over real HTTP. Sleeps are recorded instead of slept, so retry tests are fast and assert on
the delays asked for; the emulator's request log (/_emulator/requests) counts what reached it."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests

from reconciler.emulator.server import Emulator
from reconciler.model import CronFields, TaskFields
from reconciler.portal.client import PortalClient
from reconciler.portal.retry import RetryPolicy
from reconciler.portal.settings import build_settings
from tests.conftest import BUFFER, BUFFER_PARAMS, PASSWORDS

EVERY_5_MIN = CronFields(minute="*/5", hour="*", day_of_month="*", month="*", day_of_week="?")
FAST = RetryPolicy(attempts=5, base=0.01, cap=0.05, verify_delay=0.0)


class Sleeps(list[float]):
    """A sleep function that records the delays instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


MakeClient = Callable[..., PortalClient]


@pytest.fixture
def make_client(emu: Emulator, sleeps: Sleeps) -> Iterator[MakeClient]:
    made: list[PortalClient] = []

    def make(user: str = "publisher", *, portal: str | None = None, retry: RetryPolicy = FAST,
             sleep: Callable[[float], None] | None = None, **kwargs: Any) -> PortalClient:
        settings_kw: dict[str, Any] = {k: kwargs.pop(k) for k in ("token", "owner", "timeout", "ca_bundle", "insecure", "verbose") if k in kwargs}
        if "token" not in settings_kw:
            settings_kw.update(username=user, password=kwargs.pop("password", PASSWORDS.get(user, "x")))
        settings = build_settings(portal=portal or emu.sharing_url, **settings_kw)
        client = PortalClient(settings, retry=retry, sleep=sleep or sleeps, **kwargs)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


@pytest.fixture
def client(make_client: MakeClient) -> PortalClient:
    return make_client()


def gp_fields(emu: Emulator, title: str = "nightly buffer", **overrides: Any) -> TaskFields:
    values: dict[str, Any] = {
        "title": title, "task_type": "GPService", "task_url": emu.task_url(BUFFER),
        "parameters_json": json.dumps(BUFFER_PARAMS, sort_keys=True), "schedule": EVERY_5_MIN,
    }
    values.update(overrides)
    return TaskFields(**values)


def request_log(emu: Emulator, path_contains: str = "", method: str | None = None) -> list[dict[str, Any]]:
    entries = requests.get(emu.control_url + "/requests", timeout=10).json()["requests"]
    return [e for e in entries if path_contains in e["path"] and (method is None or e["method"] == method)]


def clear_log(emu: Emulator) -> None:
    requests.delete(emu.control_url + "/requests", timeout=10)


def expire_tokens(emu: Emulator) -> None:
    requests.post(emu.control_url + "/expire-tokens", timeout=10)
