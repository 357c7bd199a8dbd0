"""The portal's OAuth 2 sign-in flow, which `arcgis.GIS(url, user, password)` uses by default.

authorize (HTML page carrying `var oAuthInfo = {..."oauth_state"...};`) -> POST signin with
username/password/oauth_state -> either a redirect to `redirect_uri` carrying `code` (query) or
`access_token` (fragment), or, for `urn:ietf:wg:oauth:2.0:oob`, a page with `<input id="code">`
-> POST oauth2/token exchanges a code or refresh token for `access_token` (docs/portal-api.md §2.4).
The page markup is the emulator's own; only the pieces clients parse are kept [I].
"""

from __future__ import annotations

import html
import json
import secrets
from typing import Any
from urllib.parse import urlencode

from reconciler.emulator import auth
from reconciler.emulator.context import PORTAL_CONTEXT, SHARING_ROOT, Context
from reconciler.emulator.routing import READ, WRITE, Route, route
from reconciler.emulator.wire import ApiError, Request, Response, bad_request, int_param

OOB = "urn:ietf:wg:oauth:2.0:oob"
SIGNIN_PATH = PORTAL_CONTEXT + "/sharing/oauth2/signin"
REFRESH_PREFIX = "refresh:"  # refresh tokens share the token table but can never pass as access tokens


def _authorize(ctx: Context, req: Request, g: dict[str, str]) -> Response:
    client_id = req.param("client_id")
    response_type = req.param("response_type") or "code"
    if not client_id or response_type not in ("code", "token"):
        raise bad_request("Invalid OAuth request.", "'client_id' and response_type=code|token are required.")
    state = secrets.token_urlsafe(24)
    ctx.oauth[state] = {
        "client_id": client_id,
        "response_type": response_type,
        "redirect_uri": req.param("redirect_uri") or OOB,
        "expiration": int_param(req, "expiration") or auth.DEFAULT_EXPIRATION_MINUTES * 2,
        "state": req.param("state"),
    }
    return _page(ctx, state, client_id)


def _page(ctx: Context, state: str, client_id: str, error: str = "") -> Response:
    info = json.dumps({"oauth_state": state, "client_id": client_id, "portalName": "Reconciler emulator"})
    body = f"""<!DOCTYPE html><html><head><title>Sign in</title>
<script>var oAuthInfo = {info};</script></head><body>
<p class="error">{html.escape(error)}</p>
<form method="post" action="{ctx.origin}{SIGNIN_PATH}">
<input type="hidden" name="oauth_state" value="{html.escape(state)}">
<input name="username"><input type="password" name="password"><button type="submit">Sign in</button>
</form></body></html>"""
    return Response(body=body.encode(), headers={"Content-Type": "text/html; charset=utf-8"})


def _signin(ctx: Context, req: Request, g: dict[str, str]) -> Response:
    state = req.param("oauth_state") or ""
    pending = ctx.oauth.get(state)
    if pending is None:
        raise bad_request("Invalid or expired OAuth state.")
    user = auth.check_password(ctx, req.param("username") or "", req.param("password") or "")
    if user is None:
        return _page(ctx, state, pending["client_id"], "Invalid username or password.")
    del ctx.oauth[state]
    extra = {"state": pending["state"]} if pending["state"] else {}
    if pending["response_type"] == "token":
        token, _ = auth.issue_token(ctx, user, minutes=_minutes(pending["expiration"]))
        fragment = urlencode({"access_token": token, "expires_in": _minutes(pending["expiration"]) * 60,
                              "username": user.username, "ssl": str(ctx.tls).lower(), **extra})
        return _redirect(f"{pending['redirect_uri']}#{fragment}")
    code = secrets.token_urlsafe(24)
    ctx.oauth["code:" + code] = {**pending, "username": user.username}
    if pending["redirect_uri"] == OOB:
        body = f'<!DOCTYPE html><html><body><input type="text" id="code" value="{code}"></body></html>'
        return Response(body=body.encode(), headers={"Content-Type": "text/html; charset=utf-8"})
    return _redirect(f"{pending['redirect_uri']}?{urlencode({'code': code, **extra})}")


def _redirect(location: str) -> Response:
    return Response(status=302, headers={"Location": location})


def _minutes(expiration: int) -> int:
    # -1 asks for the longest allowed lifetime [I].
    return auth.MAX_EXPIRATION_MINUTES if expiration < 0 else max(1, min(expiration, auth.MAX_EXPIRATION_MINUTES))


def _token(ctx: Context, req: Request, g: dict[str, str]) -> dict[str, Any]:
    grant = req.param("grant_type")
    if grant == "authorization_code":
        pending = ctx.oauth.pop("code:" + (req.param("code") or ""), None)
        if pending is None or pending["client_id"] != req.param("client_id"):
            raise ApiError(400, "Invalid authorization code.", ["invalid_grant"])
        user = auth.find_user(ctx, pending["username"])
        minutes = _minutes(pending["expiration"])
    elif grant == "refresh_token":
        found = ctx.store.token(REFRESH_PREFIX + (req.param("refresh_token") or ""))
        if found is None:
            raise ApiError(498, "Invalid refresh token.", ["invalid_grant"])
        user, minutes = auth.find_user(ctx, found[0]), auth.DEFAULT_EXPIRATION_MINUTES * 2
    else:
        raise bad_request("Unsupported grant_type.", "Use authorization_code or refresh_token.")
    if user is None:
        raise ApiError(400, "Invalid authorization code.", ["invalid_grant"])
    token, _ = auth.issue_token(ctx, user, minutes=minutes)
    data: dict[str, Any] = {"access_token": token, "expires_in": minutes * 60, "username": user.username, "ssl": ctx.tls}
    if grant == "authorization_code":
        refresh = secrets.token_urlsafe(48)
        ctx.store.put_token(REFRESH_PREFIX + refresh, user.username, 2**62)
        data["refresh_token"] = refresh
    return data


def routes() -> list[Route]:
    return [
        route(READ, SHARING_ROOT, "/oauth2/authorize", _authorize),
        route(READ, PORTAL_CONTEXT, "/sharing/oauth2/authorize", _authorize),
        route(WRITE, PORTAL_CONTEXT, "/sharing/oauth2/signin", _signin),
        route(WRITE, SHARING_ROOT, "/oauth2/signin", _signin),
        route(WRITE, SHARING_ROOT, "/oauth2/token", _token),
    ]
