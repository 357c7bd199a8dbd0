"""Sign-in, token refresh (proactive and once on 498), and secrets kept out of URLs, logs and errors."""

from __future__ import annotations

import logging

import pytest
import requests

from reconciler.emulator.server import Emulator
from reconciler.errors import AuthError, ConfigError, PortalError
from reconciler.portal import envelope
from reconciler.portal.auth import FixedToken
from reconciler.portal.http import Http
from reconciler.portal.settings import build_settings
from tests.conftest import PASSWORDS, advance_clock
from tests.portal.conftest import MakeClient, clear_log, expire_tokens, gp_fields, request_log


def real_token(emu: Emulator, user: str = "publisher") -> str:
    r = requests.post(emu.sharing_url + "/generateToken", timeout=10, data={
        "username": user, "password": PASSWORDS[user], "client": "referer", "referer": "x", "f": "json"})
    return str(r.json()["token"])


def test_sign_in_uses_generate_token_with_referer_in_the_body(make_client: MakeClient, emu: Emulator) -> None:
    make_client().me()
    (entry,) = request_log(emu, "generateToken")
    assert entry["method"] == "POST" and entry["query"] == {}
    assert entry["form"]["client"] == "referer" and entry["form"]["referer"] == emu.origin
    assert entry["form"]["password"] == "<redacted>" and entry["form"]["expiration"] == "60"


def test_token_only_in_the_header_never_in_urls(make_client: MakeClient, emu: Emulator) -> None:
    client = make_client()
    task = client.get_task(client.create_task(gp_fields(emu)))
    list(client.iter_tasks())
    client.runs(task.id)
    client.delete_task(task.id)
    entries = [e for e in request_log(emu) if "generateToken" not in e["path"]]
    assert len(entries) >= 5
    assert all(e["tokenIn"] == "X-Esri-Authorization" and "token" not in e["query"] and "token" not in e["form"]
               for e in entries)


def test_bad_password_is_an_auth_error_with_a_hint(make_client: MakeClient) -> None:
    client = make_client(password="wrong-password-123")
    with pytest.raises(AuthError) as e:
        client.me()
    text = str(e.value)
    assert text.startswith("sign in: Unable to generate token. (ArcGIS error 400)")
    assert "hint: check RECONCILER_USERNAME and RECONCILER_PASSWORD" in text and "wrong-password-123" not in text


def test_token_expiry_mid_run_refreshes_once(make_client: MakeClient, emu: Emulator) -> None:
    client = make_client()
    client.me()
    expire_tokens(emu)
    clear_log(emu)
    assert list(client.iter_tasks()) == []
    assert [e["path"].rsplit("/", 1)[-1] for e in request_log(emu)] == ["tasks", "generateToken", "tasks"]


def test_a_write_rejected_with_498_is_resent_after_refresh(make_client: MakeClient, emu: Emulator) -> None:
    client = make_client()
    client.me()
    expire_tokens(emu)
    task = client.get_task(client.create_task(gp_fields(emu)))
    assert [t.id for t in client.iter_tasks()] == [task.id]
    assert len(request_log(emu, "createTask")) == 2


def test_token_is_refreshed_before_it_expires(make_client: MakeClient, emu: Emulator) -> None:
    now = [1000.0]
    client = make_client(clock=lambda: now[0], expiration_minutes=1)
    client.me()
    now[0] += 50  # 10 s left of 60: within the refresh margin (1/5 of the lifetime)
    advance_clock(emu, 61)  # the portal would now refuse the old token
    clear_log(emu)
    list(client.iter_tasks())
    assert [e["path"].rsplit("/", 1)[-1] for e in request_log(emu)] == ["generateToken", "tasks"]


def test_token_is_reused_while_valid(make_client: MakeClient, emu: Emulator) -> None:
    now = [0.0]
    client = make_client(clock=lambda: now[0], expiration_minutes=1)
    client.me()
    now[0] += 40
    list(client.iter_tasks())
    assert len(request_log(emu, "generateToken")) == 1


def test_fixed_token_or_api_key(make_client: MakeClient, emu: Emulator) -> None:
    client = make_client(token=real_token(emu))
    assert client.me().username == "publisher"
    assert len(request_log(emu, "generateToken")) == 1  # only the test's own sign-in


def test_an_expired_fixed_token_fails_once_with_a_hint(make_client: MakeClient, emu: Emulator) -> None:
    secret = real_token(emu)
    client = make_client(token=secret)
    expire_tokens(emu)
    clear_log(emu)
    with pytest.raises(AuthError) as e:
        client.me()
    assert e.value.code == 498 and "hint: the token is invalid or expired" in str(e.value)
    assert secret not in str(e.value) and len(request_log(emu)) == 1


def test_no_token_is_499_with_a_hint(emu: Emulator) -> None:
    http = Http(build_settings(portal=emu.sharing_url, token="unused"))
    with pytest.raises(AuthError) as e:
        http.call("GET", "community/self", operation="read the signed-in user")
    assert e.value.code == 499 and "hint: the portal wants a token" in str(e.value)
    http.close()


def test_token_never_goes_over_plain_http_to_a_remote_host(emu: Emulator) -> None:
    http = Http(build_settings(portal=emu.sharing_url, token="t0ken"), tokens=FixedToken("t0ken"))
    http.trust("http://gis.example.com/server")
    with pytest.raises(ConfigError, match="refusing to send the portal token over plain http:// to gis.example.com"):
        http.call("GET", "http://gis.example.com/server/rest/services", operation="x")
    http.close()


def test_secrets_never_in_logs_errors_or_repr(make_client: MakeClient, emu: Emulator,
                                              caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    token = real_token(emu)
    failures: list[str] = []
    good = make_client(verbose=True)
    task = good.get_task(good.create_task(gp_fields(emu)))
    good.update_task(task.id, gp_fields(emu, title="x"))
    expire_tokens(emu)
    list(good.iter_tasks())
    fixed = make_client(token=token)
    for call in (lambda: make_client(password="pw-SECRET-1").me(), lambda: make_client("viewer").get_task(task.id, "publisher"),
                 fixed.me):
        with pytest.raises(PortalError) as e:
            call()
        failures.append(str(e.value))
    internal = good._http.tokens
    secrets = ["pw-SECRET-1", token, PASSWORDS["publisher"], *(internal.secrets if internal else ())]
    everything = "\n".join([caplog.text, *failures, repr(good), repr(fixed), repr(good.settings), repr(internal)])
    assert "GET /portal/sharing/rest/community/users/publisher/tasks -> 200" in caplog.text
    for secret in secrets:
        assert secret not in everything


def test_to_exception_redacts_secrets_the_portal_echoes() -> None:
    exc = envelope.to_exception({"code": 400, "message": "bad token abc123", "details": ["abc123 again"]},
                                operation="op", secrets=("abc123",))
    assert "abc123" not in str(exc) and str(exc).startswith("op: bad token <redacted> (ArcGIS error 400)")


def test_a_wrong_portal_path_is_not_called_bad_credentials(make_client: MakeClient, emu: Emulator) -> None:
    with pytest.raises(PortalError) as e:
        make_client(portal=emu.origin + "/arcgis").me()
    assert not isinstance(e.value, AuthError) and e.value.code == 404
    assert "hint: check --portal: give the portal root" in str(e.value)


def test_an_answer_that_is_not_arcgis_json(make_client: MakeClient, emu: Emulator) -> None:
    client = make_client()
    with pytest.raises(PortalError, match=r"the answer to /portal/sharing/rest/oauth2/authorize is not ArcGIS JSON \(HTTP 200\)"):
        client._http.call("GET", "oauth2/authorize", params={"client_id": "x"}, operation="probe")


def test_498_refresh_happens_once_not_in_a_loop(emu: Emulator) -> None:
    fetched: list[dict] = []

    def fetch(form):  # a token source whose fresh tokens the portal also refuses
        fetched.append(dict(form))
        return {"token": f"bogus-{len(fetched)}", "expires": 0}

    from reconciler.portal.auth import PasswordToken

    tokens = PasswordToken(username="u", password="p", referer="r", fetch=fetch)
    http = Http(build_settings(portal=emu.sharing_url, token="unused"), tokens=tokens)
    with pytest.raises(AuthError) as e:
        http.call("GET", "community/self", operation="read the signed-in user")
    assert e.value.code == 498 and len(fetched) == 2 and len(request_log(emu, "community/self")) == 2
    assert "bogus" not in str(e.value)
    http.close()
