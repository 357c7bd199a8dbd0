"""info, generateToken, the three ways to present a token, 498/499, users and portal resources."""

from __future__ import annotations

import time

import requests

from reconciler.emulator.server import Emulator

from .conftest import Client, login


def test_info_names_the_token_service(emu: Emulator) -> None:
    info = requests.get(emu.sharing_url + "/info", params={"f": "json"}, timeout=10).json()
    assert info["authInfo"] == {"tokenServicesUrl": emu.sharing_url + "/generateToken", "isTokenBasedSecurity": True}


def test_pjson_is_pretty_and_json_compact(emu: Emulator) -> None:
    pretty = requests.get(emu.sharing_url + "/info", params={"f": "pjson"}, timeout=10).text
    compact = requests.get(emu.sharing_url + "/info", params={"f": "json"}, timeout=10).text
    assert "\n  " in pretty and "\n" not in compact


def test_generate_token_returns_token_expiry_and_ssl(emu: Emulator) -> None:
    r = requests.post(
        emu.sharing_url + "/generateToken",
        data={"username": "admin", "password": "admin123", "client": "referer", "referer": "https://x", "expiration": "60", "f": "json"},
        timeout=10,
    )
    body = r.json()
    assert r.status_code == 200
    assert set(body) == {"token", "expires", "ssl"}
    # `expires` is wall time (clients compare it with their clock), whatever the virtual clock says.
    assert abs(body["expires"] - (time.time() * 1000 + 60 * 60_000)) < 60_000 and body["ssl"] is False


def test_generate_token_clamps_expiration_to_two_weeks(emu: Emulator) -> None:
    body = requests.post(emu.sharing_url + "/generateToken",
                         data={"username": "admin", "password": "admin123", "expiration": "999999", "f": "json"}, timeout=10).json()
    assert abs(body["expires"] - (time.time() * 1000 + 20_160 * 60_000)) < 60_000


def test_generate_token_errors(emu: Emulator) -> None:
    url = emu.sharing_url + "/generateToken"
    bad = requests.post(url, data={"username": "admin", "password": "nope", "f": "json"}, timeout=10)
    assert bad.status_code == 200 and bad.json()["error"]["code"] == 400
    # Usernames are case-sensitive.
    assert "error" in requests.post(url, data={"username": "Admin", "password": "admin123", "f": "json"}, timeout=10).json()
    no_referer = requests.post(url, data={"username": "admin", "password": "admin123", "client": "referer", "f": "json"}, timeout=10)
    assert no_referer.json()["error"]["code"] == 400
    get = requests.get(url, params={"username": "admin", "password": "admin123", "f": "json"}, timeout=10)
    assert get.json()["error"]["code"] == 405


def test_token_accepted_as_param_and_both_headers(emu: Emulator) -> None:
    token = login(emu, "viewer")
    url = emu.sharing_url + "/community/self"
    as_param = requests.get(url, params={"f": "json", "token": token}, timeout=10).json()
    as_esri = requests.get(url, params={"f": "json"}, headers={"X-Esri-Authorization": f"Bearer {token}"}, timeout=10).json()
    as_std = requests.get(url, params={"f": "json"}, headers={"Authorization": f"Bearer {token}"}, timeout=10).json()
    as_form = requests.post(url, data={"f": "json", "token": token}, timeout=10).json()
    assert as_param["username"] == as_esri["username"] == as_std["username"] == as_form["username"] == "viewer"


def test_missing_token_is_499_and_bad_token_498_with_http_200(emu: Emulator) -> None:
    url = emu.sharing_url + "/community/users/publisher/tasks"
    missing = requests.get(url, params={"f": "json"}, timeout=10)
    assert missing.status_code == 200
    assert missing.json() == {"error": {"code": 499, "message": "Token Required", "details": []}}
    bad = requests.get(url, params={"f": "json", "token": "forged"}, timeout=10)
    assert bad.status_code == 200 and bad.json()["error"]["code"] == 498
    assert bad.json()["error"]["messageCode"] == "GWM_0003"


def test_token_expires_on_the_emulator_clock(emu: Emulator) -> None:
    token = requests.post(emu.sharing_url + "/generateToken",
                          data={"username": "viewer", "password": "viewer123", "expiration": "1", "f": "json"}, timeout=10).json()["token"]
    client = Client(emu, token)
    assert client.get("community/self")["username"] == "viewer"
    client.clock(advance="61")
    assert client.get("community/self")["error"]["code"] == 498
    client.close()


def test_expire_tokens_invalidates_every_token(emu: Emulator) -> None:
    client = Client(emu, login(emu, "admin"))
    assert requests.post(emu.control_url + "/expire-tokens", timeout=10).json()["success"] is True
    assert client.get("community/self")["error"]["code"] == 498
    client.close()


def test_community_self_and_users(clients: dict[str, Client]) -> None:
    publisher, viewer, admin = clients["publisher"], clients["viewer"], clients["admin"]
    me = publisher.get("community/self")
    assert me["role"] == "org_publisher"
    assert {"portal:publisher:publishFeatures", "portal:user:createItem", "premium:user:featureanalysis"} <= set(me["privileges"])
    assert admin.get("community/users/viewer")["role"] == "org_user"
    assert "privileges" in admin.get("community/users/viewer")
    assert "privileges" not in viewer.get("community/users/publisher")
    assert admin.get("community/users/nobody")["error"]["code"] == 400
    assert clients["anonymous"].get("community/self")["error"]["code"] == 499


def test_portal_self_and_federated_servers(emu: Emulator, clients: dict[str, Client]) -> None:
    anonymous = clients["anonymous"].get("portals/self")
    assert anonymous["isPortal"] is True and "user" not in anonymous
    me = clients["publisher"].get("portals/self")
    assert me["user"]["username"] == "publisher"
    servers = clients["publisher"].get("portals/self/servers")["servers"]
    assert [s["url"] for s in servers] == [emu.server_url]
    assert me["servers"] == servers
    assert clients["publisher"].get(f"portals/{me['id']}")["id"] == me["id"]


def test_unknown_path_is_an_envelope_not_a_404(emu: Emulator) -> None:
    r = requests.get(emu.sharing_url + "/no/such/thing", params={"f": "json"}, timeout=10)
    assert r.status_code == 200 and r.json()["error"]["code"] == 404


def test_web_tool_items_belong_to_publisher(emu: Emulator, clients: dict[str, Client]) -> None:
    from reconciler.emulator import samples
    from reconciler.emulator.items import web_tool_item_id

    buffer = next(t for t in samples.TOOLS if t.service == "Buffer")
    item = clients["viewer"].get(f"content/items/{web_tool_item_id(buffer)}")
    assert item["owner"] == "publisher" and item["type"] == "Web Tool"
    assert item["url"] == emu.services_url + "/Samples/Buffer/GPServer"


def test_portal_token_exchanged_for_a_server_token(emu: Emulator) -> None:
    token = login(emu, "publisher")
    url = emu.sharing_url + "/generateToken"
    body = requests.post(url, data={"token": token, "serverUrl": emu.server_url, "f": "json"}, timeout=10).json()
    assert body["token"] == token and abs(body["expires"] - (time.time() * 1000 + 20_160 * 60_000)) < 60_000
    assert requests.post(url, data={"token": "bad", "serverUrl": emu.server_url, "f": "json"}, timeout=10).json()["error"]["code"] == 498


def test_roles_items_and_portal_ids(clients: dict[str, Client]) -> None:
    admin = clients["admin"]
    assert admin.get("portals/self/roles") == {"total": 0, "start": 1, "num": 0, "nextStart": -1, "roles": []}
    assert clients["anonymous"].get("portals/self/roles")["error"]["code"] == 499
    assert admin.get("portals/NOPE")["error"]["code"] == 400
    assert admin.get("content/items/" + "0" * 32)["error"]["code"] == 400
