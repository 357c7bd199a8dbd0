"""The OAuth sign-in flow Esri's Python client uses by default."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlsplit

import requests

from reconciler.emulator.server import Emulator

OOB = "urn:ietf:wg:oauth:2.0:oob"


def _state(emu: Emulator, **params: str) -> str:
    page = requests.get(emu.sharing_url + "/oauth2/authorize", params=params, timeout=10)
    assert page.headers["Content-Type"].startswith("text/html")
    info = json.loads(re.search(r"var oAuthInfo = ({.*?});", page.text, re.DOTALL).group(1))  # type: ignore[union-attr]
    return str(info["oauth_state"])


def _signin(emu: Emulator, state: str, password: str = "publisher123") -> requests.Response:
    return requests.post(emu.origin + "/portal/sharing/oauth2/signin",
                         data={"oauth_state": state, "username": "publisher", "password": password, "user_orgkey": ""},
                         allow_redirects=False, timeout=10)


def test_out_of_band_code_flow_then_token_and_refresh(emu: Emulator) -> None:
    state = _state(emu, client_id="pythonapi", response_type="code", expiration="-1", redirect_uri=OOB)
    page = _signin(emu, state)
    code = re.search(r'id="code" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    token_url = emu.sharing_url + "/oauth2/token"
    form = {"client_id": "pythonapi", "code": code, "redirect_uri": OOB, "grant_type": "authorization_code", "f": "json"}
    tokens = requests.post(token_url, data=form, timeout=10).json()
    assert tokens["username"] == "publisher" and tokens["expires_in"] == 20_160 * 60
    me = requests.get(emu.sharing_url + "/community/self", params={"f": "json"},
                      headers={"X-Esri-Authorization": f"Bearer {tokens['access_token']}"}, timeout=10).json()
    assert me["username"] == "publisher"
    assert "error" in requests.post(token_url, data=form, timeout=10).json()  # a code is single-use
    refreshed = requests.post(token_url, data={"client_id": "pythonapi", "refresh_token": tokens["refresh_token"],
                                                "grant_type": "refresh_token", "f": "json"}, timeout=10).json()
    assert refreshed["access_token"] != tokens["access_token"]
    # A refresh token is not an access token.
    r = requests.get(emu.sharing_url + "/community/self", params={"f": "json", "token": tokens["refresh_token"]}, timeout=10)
    assert r.json()["error"]["code"] == 498


def test_token_flow_redirects_with_the_token(emu: Emulator) -> None:
    state = _state(emu, client_id="app", response_type="token", redirect_uri="http://localhost/cb", state="xyz", expiration="60")
    r = _signin(emu, state)
    assert r.status_code == 302
    location = urlsplit(r.headers["Location"])
    fragment = parse_qs(location.fragment)
    assert location.netloc == "localhost" and fragment["state"] == ["xyz"] and fragment["username"] == ["publisher"]
    assert fragment["expires_in"] == ["3600"]
    me = requests.get(emu.sharing_url + "/community/self", params={"f": "json", "token": fragment["access_token"][0]}, timeout=10)
    assert me.json()["username"] == "publisher"


def test_code_flow_redirect_and_bad_password(emu: Emulator) -> None:
    state = _state(emu, client_id="app", response_type="code", redirect_uri="http://localhost/cb")
    retry = _signin(emu, state, password="wrong")
    assert retry.status_code == 200 and "Invalid username or password" in retry.text
    r = _signin(emu, state)
    assert r.status_code == 302 and "code" in parse_qs(urlsplit(r.headers["Location"]).query)
    assert "error" in _signin(emu, state).json()  # the state is used up
    assert "error" in requests.get(emu.sharing_url + "/oauth2/authorize", params={"f": "json"}, timeout=10).json()
