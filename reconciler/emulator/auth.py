"""Users, roles, privileges and tokens.

A token is accepted as the `token` parameter, `X-Esri-Authorization: Bearer` or
`Authorization: Bearer` (docs/portal-api.md §2.2). No token -> 499, unknown or expired -> 498,
both as the ArcGIS error envelope with HTTP 200 (§3). Expiry is measured on the emulator's clock,
so moving the virtual clock past it expires tokens as a real portal would.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

from reconciler.emulator.context import Context
from reconciler.emulator.wire import ApiError, Request, bad_request, int_param
from reconciler.errors import UsageError

# The privileges the GP-scheduling blog requires of a custom role (docs/portal-api.md §6.2):
# Publish hosted feature layers; Create, update, and delete items; Standard feature analysis.
GP_SCHEDULING_PRIVILEGES = (
    "portal:publisher:publishFeatures",
    "portal:user:createItem",
    "premium:user:featureanalysis",
)
ADMIN_PRIVILEGES = (
    "portal:admin:viewUsers",
    "portal:admin:updateUsers",
    "portal:admin:viewItems",
    "portal:admin:updateItems",
    "portal:admin:deleteItems",
    "portal:admin:manageSecurity",
    *GP_SCHEDULING_PRIVILEGES,
    "portal:user:joinGroup",
    "portal:user:viewOrgItems",
)
ROLE_PRIVILEGES = {
    "org_admin": ADMIN_PRIVILEGES,
    "org_publisher": (*GP_SCHEDULING_PRIVILEGES, "portal:user:joinGroup", "portal:user:viewOrgItems"),
    "org_user": ("portal:user:joinGroup", "portal:user:viewOrgItems"),
}
DEFAULT_USERS: tuple[dict[str, Any], ...] = (
    {"username": "admin", "password": "admin123", "role": "org_admin", "fullName": "Emulator Administrator"},
    {"username": "publisher", "password": "publisher123", "role": "org_publisher", "fullName": "Emulator Publisher"},
    {"username": "viewer", "password": "viewer123", "role": "org_user", "fullName": "Emulator Viewer"},
)
ORG_ID = "0123456789ABCDEF"  # the one organisation, as `portals/self` `id` and users' `orgId`
DEFAULT_EXPIRATION_MINUTES = 60  # arcgis sends expiration=60; Enterprise docs differ (60/120) [I]
MAX_EXPIRATION_MINUTES = 20_160  # 14 days; larger requests are clamped silently (§2.1)


@dataclass(frozen=True, kw_only=True)
class User:
    username: str
    role: str
    privileges: tuple[str, ...]
    full_name: str

    @property
    def is_admin(self) -> bool:
        return self.role == "org_admin"

    def has_all(self, privileges: tuple[str, ...]) -> bool:
        return set(privileges) <= set(self.privileges)


def seed_users(ctx: Context, users: list[dict[str, Any]] | None) -> None:
    """Load `users` (replacing all users), or the defaults into an empty database."""
    if users is None and ctx.store.user_count():
        return
    if users is not None:
        ctx.store.delete_users()
    for spec in users if users is not None else DEFAULT_USERS:
        role = spec.get("role", "org_user")
        privileges = list(spec.get("privileges", ROLE_PRIVILEGES.get(role, ())))
        ctx.store.put_user(spec["username"], spec["password"], role, privileges, spec.get("fullName", spec["username"]))


def load_users_file(path: str) -> list[dict[str, Any]]:
    """`[{"username", "password", "role"?, "privileges"?, "fullName"?}]`, or that list under "users"."""
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, ValueError) as e:
        raise UsageError(f"--users {path}: {e}") from None
    users = data.get("users") if isinstance(data, dict) else data
    if not isinstance(users, list) or not all(isinstance(u, dict) and "username" in u and "password" in u for u in users):
        raise UsageError(f"--users {path}: expected a list of objects with 'username' and 'password'")
    return users


def find_user(ctx: Context, username: str) -> User | None:
    row = ctx.store.user(username)
    return None if row is None else _user(row)


def _user(row: dict[str, Any]) -> User:
    return User(username=row["username"], role=row["role"], privileges=tuple(row["privileges"]), full_name=row["full_name"])


def check_password(ctx: Context, username: str, password: str) -> User | None:
    row = ctx.store.user(username)
    if row is None or not secrets.compare_digest(row["password"], password):
        return None
    return _user(row)


def issue_token(ctx: Context, user: User, *, minutes: int) -> tuple[str, int]:
    """(token, `expires` as clients are told it). Validity is kept on the emulator's clock, but
    clients compare `expires` with their own wall clock (Esri's client drops a token it believes
    expired), so the reported instant is wall time + lifetime even when the clock is virtual."""
    token = secrets.token_urlsafe(48)
    expires = ctx.clock.now_ms() + minutes * 60_000
    ctx.store.put_token(token, user.username, expires)
    return token, wall_expiry(ctx, expires)


def wall_expiry(ctx: Context, expires: int) -> int:
    return int(time.time() * 1000) + (expires - ctx.clock.now_ms())


def generate_token(ctx: Context, req: Request) -> dict[str, Any]:
    """`generateToken`: username/password -> `{token, expires, ssl}` (§2.1)."""
    if req.method != "POST":
        raise ApiError(405, "generateToken is only supported via POST.")
    # The docs say HTTPS only; plain HTTP is served too, since the emulator defaults to loopback [I].
    username, password = req.param("username") or "", req.param("password") or ""
    if not username and req.param("serverUrl") and presented_token(req):
        return _server_token(ctx, req)
    if not username or not password:
        raise bad_request("Unable to generate token.", "'username' and 'password' are required.")
    client = req.param("client") or "requestip"
    if client == "referer" and not req.param("referer"):
        raise bad_request("Unable to generate token.", "'referer' is required when client=referer.")
    user = check_password(ctx, username, password)
    if user is None:
        raise bad_request("Unable to generate token.", "Invalid username or password.")
    minutes = int_param(req, "expiration") or DEFAULT_EXPIRATION_MINUTES
    token, expires = issue_token(ctx, user, minutes=max(1, min(minutes, MAX_EXPIRATION_MINUTES)))
    # Tokens are not bound to the referer or IP they were issued for [I]: binding would only
    # break clients, and the emulator serves one trusted machine.
    return {"token": token, "expires": expires, "ssl": ctx.tls}


def _server_token(ctx: Context, req: Request) -> dict[str, Any]:
    """A portal token exchanged for a federated-server token (§2.1): the same token serves both [I]."""
    user = require_user(ctx, req)
    token = presented_token(req)
    found = ctx.store.token(token or "")
    assert user is not None and found is not None
    return {"token": token, "expires": wall_expiry(ctx, found[1]), "ssl": ctx.tls}


def presented_token(req: Request) -> str | None:
    for header in ("X-Esri-Authorization", "Authorization"):
        value = req.header(header)
        if value and value.lower().startswith("bearer "):
            return value[7:].strip()
    return req.param("token") or None


def optional_user(ctx: Context, req: Request) -> User | None:
    """The caller, None when anonymous; a presented but bad token is always 498."""
    token = presented_token(req)
    if token is None:
        return None
    found = ctx.store.token(token)
    if found is None or found[1] <= ctx.clock.now_ms():
        raise ApiError(498, "Invalid token.", message_code="GWM_0003")
    user = find_user(ctx, found[0])
    if user is None:  # the user was removed by a --users reload
        raise ApiError(498, "Invalid token.", message_code="GWM_0003")
    return user


def require_user(ctx: Context, req: Request) -> User:
    user = optional_user(ctx, req)
    if user is None:
        raise ApiError(499, "Token Required")
    return user


def user_json(user: User, *, include_private: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "username": user.username,
        "fullName": user.full_name,
        "role": user.role,  # built-in roles have no roleId; custom ones would
        "userLicenseTypeId": "creatorUT",
        "orgId": ORG_ID,
        "privileges": list(user.privileges),
    }
    if not include_private:
        # Real portals hide privileges of other users from non-admins [I].
        data.pop("privileges")
    return data
