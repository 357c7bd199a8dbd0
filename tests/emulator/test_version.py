"""The release the emulator presents: the Sharing API root, Portal Admin `info`, and the task types
and resources a release has."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from reconciler.emulator.context import Settings
from reconciler.emulator.server import Emulator
from tests.conftest import T0

from .conftest import EVERY_5_MIN, Client, gp_task, login


@pytest.fixture
def at() -> Iterator[object]:
    """at(version) -> (emulator, {user: client}) for an emulator presenting that release."""
    made: list[tuple[Emulator, list[Client]]] = []

    def start(release: str) -> tuple[Emulator, dict[str, Client]]:
        emu = Emulator(port=0, clock_ms=T0, settings=Settings(enterprise_version=release)).start()
        clients = {u: Client(emu, login(emu, u)) for u in ("admin", "publisher")}
        made.append((emu, list(clients.values())))
        return emu, clients

    yield start
    for emu, clients in made:
        for c in clients:
            c.close()
        emu.stop()


def info_url(emu: Emulator) -> str:
    return emu.origin + "/portal/portaladmin/info"


def test_the_root_names_the_release_as_esri_documents_for_11_3(emu: Emulator, publisher: Client) -> None:
    assert publisher.get("") == {"currentVersion": "2024.1", "enterpriseVersion": "11.3.0", "enterpriseBuild": "51526"}
    assert Client(emu).get("")["enterpriseVersion"] == "11.3.0"  # anonymous too


def test_admin_info_follows_the_release(at: object, emu: Emulator, admin: Client, publisher: Client) -> None:
    assert admin.get(info_url(emu)) == {"currentversion": "11.3.0", "fullVersion": "11.3.0", "currentbuild": "51526"}
    assert publisher.get(info_url(emu))["error"]["code"] == 403
    other, clients = at("11.1")  # type: ignore[operator]
    assert clients["admin"].get(info_url(other)) == {"currentversion": "11.1.0", "fullVersion": "11.1.0", "currentbuild": "41248"}


def test_below_11_3_the_root_has_no_enterprise_version(at: object) -> None:
    emu, clients = at("11.2.0")  # type: ignore[operator]
    assert clients["publisher"].get("") == {"currentVersion": "2023.2"}
    assert clients["publisher"].get("portals/self")["currentVersion"] == "2023.2"


def test_resources_a_release_lacks_are_not_found(at: object) -> None:
    emu, clients = at("11.1")  # type: ignore[operator]
    assert clients["admin"].get(emu.origin + "/portal/portaladmin/system/limits")["error"]["code"] == 404
    emu, clients = at("11.0")  # type: ignore[operator]
    assert clients["admin"].get(info_url(emu))["error"]["code"] == 404


def test_gp_service_tasks_need_11_2(at: object) -> None:
    emu, clients = at("11.1.0")  # type: ignore[operator]
    error = clients["publisher"].create(**gp_task(emu))["error"]
    assert error["code"] == 400 and "11.2" in " ".join(error["details"])
    assert clients["publisher"].get("community/users/publisher/tasks")["total"] == 0
    emu, clients = at("11.2")  # type: ignore[operator]
    assert clients["publisher"].create(**gp_task(emu))["success"] is True


def test_scene_cook_tasks_need_10_9(at: object) -> None:
    fields = {"type": "ExecuteSceneCook", "itemId": "d" * 32, "parameters": '{"service_url": "x"}', **EVERY_5_MIN}
    emu, clients = at("10.8.1")  # type: ignore[operator]
    assert "10.9" in " ".join(clients["publisher"].create(**fields)["error"]["details"])
    emu, clients = at("10.9")  # type: ignore[operator]
    assert clients["publisher"].create(**fields)["success"] is True


def test_report_tasks_are_arcgis_online_only(publisher: Client) -> None:
    error = publisher.create(type="ExecuteReport", parameters='{"reportType": "x"}', **EVERY_5_MIN)["error"]
    assert error["code"] == 400 and "ArcGIS Online only" in " ".join(error["details"])
    assert publisher.get("community/users/publisher/tasks")["total"] == 0


def test_settings_refuse_an_unknown_release() -> None:
    with pytest.raises(ValueError):
        Settings(enterprise_version="latest")
