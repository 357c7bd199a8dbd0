"""The portal client: everything the reconciler knows about a portal comes through here."""

from __future__ import annotations

from reconciler.portal.client import PortalClient
from reconciler.portal.protocol import Portal
from reconciler.portal.retry import RetryPolicy

__all__ = ["Portal", "PortalClient", "RetryPolicy"]
