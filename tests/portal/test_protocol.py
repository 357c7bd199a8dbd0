"""PortalClient has every method and property of the Portal protocol that plan/apply depend on, with the same parameters."""

from __future__ import annotations

import inspect

from reconciler.portal.client import PortalClient
from reconciler.portal.protocol import Portal


def _public(cls: type) -> set[str]:
    return {n for n in dir(cls) if not n.startswith("_")}


def test_signatures_match() -> None:
    for name in _public(Portal):
        mine, theirs = getattr(PortalClient, name), getattr(Portal, name)
        if isinstance(theirs, property):
            assert isinstance(mine, property)
            continue
        assert list(inspect.signature(mine).parameters) == list(inspect.signature(theirs).parameters), name
