"""The Portal Administrator API's root and `system` resources: Esri's client (`gis.admin`) reads
both before any admin resource, and stopped with "Resource not found" when they were missing."""

from __future__ import annotations

from .conftest import Client


def test_the_root_and_system_name_their_resources_for_administrators(admin: Client) -> None:
    root = admin.get(admin.emu.origin + "/portal/portaladmin")
    assert admin.emu.ctx is not None
    assert "system" in root["resources"] and root["version"] == admin.emu.ctx.settings.release.full
    assert "limits" in admin.get(admin.emu.origin + "/portal/portaladmin/system")["resources"]


def test_only_administrators_read_them(publisher: Client) -> None:
    for path in ("/portal/portaladmin", "/portal/portaladmin/system"):
        assert publisher.get(publisher.emu.origin + path)["error"]["code"] == 403
