"""What every handler needs: state, time, the GP catalog and the emulator's own URLs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import SplitResult, urlsplit, urlunsplit

from reconciler.emulator import limits, version
from reconciler.emulator.clock import Clock
from reconciler.emulator.faults import Faults
from reconciler.emulator.requestlog import RequestLog
from reconciler.emulator.store import Store

PORTAL_CONTEXT = "/portal"
SERVER_CONTEXT = "/server"
SHARING_ROOT = PORTAL_CONTEXT + "/sharing/rest"
SERVICES_ROOT = SERVER_CONTEXT + "/rest/services"
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")


@dataclass(kw_only=True)
class Settings:
    """What the emulated portal is: its `system/limits` (docs/portal-api.md §6.12; `limits` given
    here override the defaults, and tests may set `settings.limits["GPServiceUserLimit"] = 3` while
    it runs), its listing page size and its release. ValueError for an unknown limit or release."""

    limits: dict[str, int] = field(default_factory=dict)
    page_size: int = 100  # the most tasks one listing page holds, whatever `num` asks [I]
    enterprise_version: str = version.DEFAULT

    def __post_init__(self) -> None:
        self.limits = limits.merged(self.limits)
        version.parse(self.enterprise_version)

    @property
    def release(self) -> version.Release:
        return version.parse(self.enterprise_version)


@dataclass(kw_only=True)
class Context:
    store: Store
    clock: Clock
    faults: Faults
    log: RequestLog
    settings: Settings = field(default_factory=Settings)
    origin: str = "http://127.0.0.1:0"
    host_aliases: tuple[str, ...] = ()
    oauth: dict[str, dict[str, Any]] = field(default_factory=dict)  # pending sign-ins and codes
    control_enabled: bool = True  # serve /_emulator/ (loopback or --enable-control)

    @property
    def tls(self) -> bool:
        return self.origin.startswith("https:")

    @property
    def sharing_url(self) -> str:
        return self.origin + SHARING_ROOT

    @property
    def server_url(self) -> str:
        return self.origin + SERVER_CONTEXT

    @property
    def services_url(self) -> str:
        return self.origin + SERVICES_ROOT

    def services_path_of(self, url: str) -> str | None:
        """The path under /server/rest/services/ when `url` points at our federated server, else None.

        Any of the host's names is accepted with the same port (a client may say `localhost` where
        we said `127.0.0.1`); the scheme is not compared, since a TLS-terminating proxy may sit in
        front of a real federated server [I].
        """
        parts = _ours(url, hosts=self.host_names(), port=urlsplit(self.origin).port)
        if parts is None:
            return None
        return parts.path[len(SERVICES_ROOT) + 1:]

    def host_names(self) -> list[str]:
        """Every name the emulator answers to, lower-case, without IPv6 brackets."""
        names = [urlsplit(self.origin).hostname or "", *self.host_aliases]
        return list(dict.fromkeys(h.strip("[]").lower() for h in names if h))

    def relocate_url(self, url: str, *, hosts: list[str], port: int | None) -> str | None:
        """`url` moved to the current origin when it is a URL under the services root of a federated
        server that answered to `hosts` on `port` (None: any port); else None."""
        parts = _ours(url, hosts=hosts, port=port)
        if parts is None:
            return None
        ours = urlsplit(self.origin)
        return urlunsplit((ours.scheme, ours.netloc, parts.path, parts.query, parts.fragment))


def _ours(url: str, *, hosts: list[str], port: int | None) -> SplitResult | None:
    try:
        parts = urlsplit(url)
        url_port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or (port is not None and url_port != port):
        return None
    if (parts.hostname or "").lower() not in hosts:
        return None
    return parts if parts.path.startswith(SERVICES_ROOT + "/") else None
