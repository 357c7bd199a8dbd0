"""The Portal Administrator API (`<origin>/portal/portaladmin`): the few resources a scheduling
client reads: the root and `system` (which Esri's client reads first), `info` (11.1+) and
`system/limits` (11.2+, docs/portal-api.md §6.12).

Administrators only. Failures use the Sharing API's error envelope, as everywhere in the emulator;
the real admin API may answer `{"status": "error", "messages": [...]}` instead (§3) [I]. On a
release without a resource it answers as for an unknown path [I].
"""

from __future__ import annotations

from typing import Any

from reconciler.emulator import auth, limits, version
from reconciler.emulator.context import PORTAL_CONTEXT, Context
from reconciler.emulator.routing import READ, WRITE, Route, route
from reconciler.emulator.wire import ApiError, Request, forbidden

ADMIN_ROOT = PORTAL_CONTEXT + "/portaladmin"


def _admin(ctx: Context, req: Request, since: tuple[int, int]) -> None:
    if not ctx.settings.release.at_least(*since):
        raise ApiError(404, "Resource not found.", [f"{req.path} does not exist on ArcGIS Enterprise "
                                                     f"{ctx.settings.release.full}."])
    if not auth.require_user(ctx, req).is_admin:
        raise forbidden("Only administrators can use the Portal Administrator API.")


def _root(ctx: Context, req: Request, g: dict[str, str]) -> dict[str, Any]:
    """The root (10.2.1+, documented): its resources, version and build. Esri's client reads it
    before any admin resource (`gis.admin`), and `system` below it. The licence flags and the
    resource lists are the documented examples' [I]."""
    _admin(ctx, req, (10, 2))
    release = ctx.settings.release
    return {"isPostUpgrade": False, "isLicensePopulated": True, "isPortalLicensed": True,
            "isLicenseFileRequired": False, "isUserTypeLicensing": True,
            "resources": ["license", "system", "security", "federation", "logs", "machines"],
            "version": release.full, "currentbuild": release.build}


def _system(ctx: Context, req: Request, g: dict[str, str]) -> dict[str, Any]:
    _admin(ctx, req, (10, 2))
    return {"resources": ["webadaptors", "directories", "database", "indexer", "properties", "emailSettings",
                          "languages", "content", *(["limits"] if ctx.settings.release.at_least(
                              *version.SYSTEM_LIMITS_SINCE) else [])]}


def _info(ctx: Context, req: Request, g: dict[str, str]) -> dict[str, Any]:
    _admin(ctx, req, version.ADMIN_INFO_SINCE)
    release = ctx.settings.release
    return {"currentversion": release.full, "fullVersion": release.full, "currentbuild": release.build}


def _limits(ctx: Context, req: Request, g: dict[str, str]) -> dict[str, Any]:
    _admin(ctx, req, version.SYSTEM_LIMITS_SINCE)
    return limits.listing(ctx.settings.limits)


def _update_limits(ctx: Context, req: Request, g: dict[str, str]) -> dict[str, Any]:
    """All or nothing. A lower limit stops no existing task; it applies to the next create or
    enable, the next failure count and the next trim of runs [I]."""
    _admin(ctx, req, version.SYSTEM_LIMITS_SINCE)
    ctx.settings.limits.update(limits.parse_update(req.param("category"), req.param("properties")))
    return {"status": "success"}


def routes() -> list[Route]:
    return [
        route(READ, ADMIN_ROOT, "", _root),
        route(READ, ADMIN_ROOT, "/system", _system),
        route(READ, ADMIN_ROOT, "/info", _info),
        route(READ, ADMIN_ROOT, "/system/limits", _limits),
        route(WRITE, ADMIN_ROOT, "/system/limits/update", _update_limits),
    ]
