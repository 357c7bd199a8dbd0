"""Esri's own Python client against the emulator: a manual check, skipped where `arcgis` is not
installed (as in CI). Run it with `pip install arcgis`, then `python -m pytest tests/emulator/test_arcgis_client.py`.

It logs in through the OAuth flow and rewrites every URL to https, so the emulator runs with TLS.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from reconciler.emulator.server import Emulator
from tests.conftest import BUFFER, T0

pytestmark = pytest.mark.filterwarnings("ignore")


MANUAL = "manual check with Esri's client: pip install arcgis, then run tests/emulator/test_arcgis_client.py"


def _arcgis_gis() -> Any:
    pytest.importorskip("trustme", reason=f"needs trustme (pip install 'arcgis-task-reconciler[emulator-tls]'); {MANUAL}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pytest.importorskip("arcgis.gis", reason=MANUAL)


@pytest.fixture
def gis() -> Iterator[tuple[Emulator, object]]:
    arcgis_gis = _arcgis_gis()
    with Emulator(port=0, tls=True, clock_ms=T0) as emu:
        yield emu, arcgis_gis.GIS(emu.origin + "/portal", "publisher", "publisher123", verify_cert=False)


def test_arcgis_task_manager_round_trip(gis: tuple[Emulator, object]) -> None:
    emu, client = gis
    me = client.users.me  # type: ignore[attr-defined]
    assert me.username == "publisher"
    item = client.content.get("4a55c2d74b6fc802cbabd1552c1237f0")  # type: ignore[attr-defined]
    params = {"in_features": {"features": [{"geometry": {"x": 1, "y": 2}}]}, "buffer_distance_or_field": 10}
    task = me.tasks.create(item, "*/5 * * * ?", "GPService", occurences=5, title="esri", parameters=params,
                           task_url=emu.task_url(BUFFER))
    assert [t.properties["id"] for t in me.tasks.all] == [task.properties["id"]]
    requests.post(emu.control_url + "/clock", data={"advance": "700"}, verify=False, timeout=10)
    assert sorted(r.properties["status"] for r in task.runs) == ["succeeded", "succeeded"]
    assert task.update(title="renamed") is True
    assert task.stop() is True
    assert task.delete() is True


def test_arcgis_generate_token_login_under_a_virtual_clock() -> None:
    arcgis_gis = _arcgis_gis()
    with Emulator(port=0, tls=True, clock_ms=T0) as emu:
        client = arcgis_gis.GIS(emu.origin + "/portal", "admin", "admin123", verify_cert=False, use_gen_token=True)
        assert client.users.me.username == "admin"
        assert client.users.me.tasks.count == 0


def test_arcgis_reads_and_sets_system_limits() -> None:
    # Run with arcgis 2.4.4: gis.admin reads the portaladmin root and system first (the emulator
    # lacked them), then limits / set_limits as their docstrings say (docs/portal-api.md §6.12).
    arcgis_gis = _arcgis_gis()
    with Emulator(port=0, tls=True, clock_ms=T0) as emu:
        client = arcgis_gis.GIS(emu.origin + "/portal", "admin", "admin123", verify_cert=False)
        system = client.admin.system
        assert {e["limitName"]: e["numLimit"] for e in system.limits["ScheduleTask"]}["GPServiceUserLimit"] == 20
        system.set_limits([{"limitName": "GPServiceUserLimit", "numLimit": 3}], category="ScheduleTask")
        assert emu.ctx is not None and emu.ctx.settings.limits["GPServiceUserLimit"] == 3
