"""URL rules shared by the planner and the portal client: the normal form of a URL, which hosts
are loopback (the only ones credentials may reach over plain HTTP), and the one rule for "this
GP task URL is on a server federated with the portal"."""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Iterable
from urllib.parse import urlsplit, urlunsplit

from reconciler.model import FederatedServer

_LOOPBACK = {"localhost", "127.0.0.1", "::1"}


def normal_url(url: str | None) -> str | None:
    """Scheme and host lower-cased, no trailing slash, no fragment; None for no URL."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path.rstrip("/"), parts.query, ""))


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 and localhost: the only hosts credentials may reach over plain HTTP."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def on_federated_server(url: str, servers: Iterable[FederatedServer]) -> bool:
    """Whether `url` lies under one of `servers`: the one rule for "federated", used by the
    planner's federation check and by the portal reader to decide which GP tasks to read."""
    return any(_under_server(url, s.url) for s in servers if s.url)


@functools.lru_cache(maxsize=4096)  # a plan asks for each task: the same few URLs again and again
def _under_server(url: str, server_url: str) -> bool:
    """Same host (loopback names are one host) and port, under the server's path; scheme not
    compared, as a TLS-terminating proxy may front the server [I]."""
    try:
        a, b = urlsplit(normal_url(url) or ""), urlsplit(normal_url(server_url) or "")
        same_port = (a.port or _default_port(a.scheme)) == (b.port or _default_port(b.scheme))
    except ValueError:
        return False
    hosts = {a.hostname or "", b.hostname or ""}
    same_host = len(hosts) == 1 or hosts <= _LOOPBACK
    return same_host and same_port and (a.path + "/").startswith(b.path + "/")


def _default_port(scheme: str) -> int:
    return 443 if scheme == "https" else 80
