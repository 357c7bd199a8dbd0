"""A user's content: add an item, list the items, delete one (docs/portal-api.md §16). What the
reconciler's apply lock needs; items are stored as given, with an id, owner and dates [I]."""

from __future__ import annotations

import uuid
from typing import Any

from reconciler.emulator import auth, items
from reconciler.emulator.context import SHARING_ROOT, Context
from reconciler.emulator.routing import READ, WRITE, Route, route
from reconciler.emulator.wire import Request, bad_request, forbidden, int_param

_SEG = r"[^/]+"
_CONTENT = rf"/content/users/(?P<user>{_SEG})"
FIELDS = ("title", "type", "url", "snippet", "description", "tags")  # kept as sent [I]


def _owner(ctx: Context, req: Request, g: dict[str, str]) -> str:
    """The content's owner; only they or an administrator may see or change it."""
    caller = auth.require_user(ctx, req)
    if caller.username != g["user"] and not caller.is_admin:
        raise forbidden(f"Only '{g['user']}' or an administrator can access this content.")
    if auth.find_user(ctx, g["user"]) is None:
        raise bad_request("User not found.", f"User '{g['user']}' does not exist or is inaccessible.")
    return g["user"]


def _add_item(ctx: Context, req: Request, g: dict[str, str]) -> dict[str, Any]:
    owner = _owner(ctx, req, g)
    if not (req.param("title") or "").strip() or not req.param("type"):
        raise bad_request("Unable to add item.", "'title' and 'type' are required.")
    # Strictly after the user's newest item, as real clocks all but always are: the virtual clock
    # stands still, and the apply lock orders its items by `created` [I].
    newest = max((i.get("created") or 0 for i in ctx.store.items_of(owner, offset=0, limit=10**6)[1]), default=0)
    now = max(ctx.clock.now_ms(), newest + 1)
    doc: dict[str, Any] = {k: req.param(k) for k in FIELDS if req.param(k) is not None}
    doc.update(id=uuid.uuid4().hex, owner=owner, created=now, modified=now)
    ctx.store.put_item(doc)
    return {"success": True, "id": doc["id"], "folder": None}


def _user_content(ctx: Context, req: Request, g: dict[str, str]) -> dict[str, Any]:
    owner = _owner(ctx, req, g)
    start = int_param(req, "start", strict=False) or 1
    num = min(max(int_param(req, "num", strict=False) or 10, 1), 100, ctx.settings.page_size)
    total, page = ctx.store.items_of(owner, offset=max(start, 1) - 1, limit=num)
    following = start + len(page) if start - 1 + len(page) < total else -1
    return {"username": owner, "total": total, "start": start, "num": len(page), "nextStart": following,
            "currentFolder": None, "items": [items.item_json(ctx, i) for i in page], "folders": []}


def _delete_item(ctx: Context, req: Request, g: dict[str, str]) -> dict[str, Any]:
    owner = _owner(ctx, req, g)
    item = ctx.store.item(g["item"])
    if item is None or item["owner"] != owner:
        raise bad_request("Item does not exist or is inaccessible.")
    ctx.store.delete_item(g["item"])
    return {"success": True, "itemId": g["item"]}


def routes() -> list[Route]:
    p = SHARING_ROOT
    return [
        route(READ, p, _CONTENT, _user_content),
        route(WRITE, p, _CONTENT + "/addItem", _add_item),
        route(WRITE, p, _CONTENT + rf"/items/(?P<item>{_SEG})/delete", _delete_item),
    ]
