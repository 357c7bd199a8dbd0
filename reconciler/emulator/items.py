"""Portal items: one "Web Tool" item per sample GP service, as publishing a web tool creates."""

from __future__ import annotations

import hashlib
from typing import Any

from reconciler.emulator import samples
from reconciler.emulator.context import SERVICES_ROOT, Context


def web_tool_item_id(tool: samples.Tool) -> str:
    """Stable across restarts and instances, so docs and tests can name it."""
    return hashlib.md5(f"webtool:{tool.folder}/{tool.service}".encode()).hexdigest()


def seed_items(ctx: Context) -> None:
    """Sample services' items belong to `publisher` (system ones to an admin) when those users exist [I]."""
    admin = "admin" if ctx.store.user("admin") else None
    publisher = "publisher" if ctx.store.user("publisher") else admin
    for tool in samples.TOOLS:
        owner = admin if tool.system else publisher
        if owner is None:
            continue
        ctx.store.put_item({
            "id": web_tool_item_id(tool),
            "owner": owner,
            "title": tool.service,
            "type": "Web Tool",
            "typeKeywords": ["Web Tool", "Geoprocessing", "Service"],
            "servicePath": f"{tool.folder}/{tool.service}/GPServer",
        })


def item_json(ctx: Context, item: dict[str, Any]) -> dict[str, Any]:
    data = {k: v for k, v in item.items() if k != "servicePath"}
    if "servicePath" in item:
        data["url"] = f"{ctx.origin}{SERVICES_ROOT}/{item['servicePath']}"
    return data
