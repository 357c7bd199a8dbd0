"""PortalClient satisfies the Portal protocol that plan/apply will depend on."""

from __future__ import annotations

import inspect

from reconciler.portal import Portal, PortalClient


def _public(cls: type) -> set[str]:
    return {n for n in dir(cls) if not n.startswith("_")}


def test_client_is_a_portal(client: PortalClient) -> None:
    assert isinstance(client, Portal)


def test_signatures_match() -> None:
    for name in _public(Portal):
        mine, theirs = getattr(PortalClient, name), getattr(Portal, name)
        if isinstance(theirs, property):
            assert isinstance(mine, property)
            continue
        assert list(inspect.signature(mine).parameters) == list(inspect.signature(theirs).parameters), name


def _typed(client: PortalClient) -> Portal:
    return client  # mypy checks the structural match
