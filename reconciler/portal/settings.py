"""Connection settings for a portal: command-line flags > environment > the project file.

    parser = sub.add_parser("plan"); add_portal_arguments(parser)
    settings = settings_from(args, os.environ, defaults=project.connection)

`defaults` are the chosen environment's settings from reconciler.yaml (reconciler.taskfiles.project,
which refuses any credential in it) and the project's pinned owner.

Secrets come only from the environment: RECONCILER_PASSWORD, or RECONCILER_TOKEN (a token or
API key). Plain http:// is refused except to loopback, since the password or token would travel
in clear text.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from reconciler.defaults import DEFAULT_MAX_RESPONSE_MB, DEFAULT_TIMEOUT
from reconciler.errors import ConfigError
from reconciler.urls import is_loopback

FILE_KEYS = frozenset({"portal", "username", "owner", "ca_bundle", "insecure", "timeout", "max_response_mb"})
SHARING_SUFFIX = "/sharing/rest"
HOW_TO_SET_PORTAL = (
    "set one with --portal URL or RECONCILER_PORTAL, e.g. https://gis.example.com/portal "
    "(the portal root or its .../sharing/rest URL)"
)


@dataclass(frozen=True, kw_only=True)
class ConnectionSettings:
    """Everything needed to talk to one portal. `portal_url` is the Sharing API root
    (…/sharing/rest, no trailing slash). `verify` is True, False (--insecure) or a CA bundle path.
    `password` and `token` never appear in repr()."""

    portal_url: str
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)
    owner: str | None = None
    verify: bool | str = True
    timeout: float = DEFAULT_TIMEOUT  # the whole request, the answer's body included
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_MB * 1024 * 1024
    verbose: bool = False

    @property
    def secrets(self) -> tuple[str, ...]:
        return tuple(s for s in (self.password, self.token) if s)


def settings_from(
    args: argparse.Namespace, environ: Mapping[str, str], *, defaults: Mapping[str, Any] | None = None
) -> ConnectionSettings:
    """Merge flags, environment and the project file's `defaults` (FILE_KEYS) into validated settings.

    Raises:
        ConfigError: no portal, a bad URL, plain HTTP to a remote host, or no credentials; the
            message says how to fix it.
    """
    target = dict(defaults or {})
    flags = {
        "portal": getattr(args, "portal", None),
        "username": getattr(args, "username", None),
        "owner": getattr(args, "owner", None),
        "ca_bundle": getattr(args, "ca_bundle", None),
        "insecure": getattr(args, "insecure", None),
        "timeout": getattr(args, "timeout", None),
        "max_response_mb": getattr(args, "max_response_mb", None),
    }
    env = {
        "portal": environ.get("RECONCILER_PORTAL"),
        "username": environ.get("RECONCILER_USERNAME"),
        "owner": environ.get("RECONCILER_OWNER"),
        "ca_bundle": environ.get("REQUESTS_CA_BUNDLE") or environ.get("CURL_CA_BUNDLE"),
    }
    pick = {k: _first(flags.get(k), env.get(k), target.get(k)) for k in FILE_KEYS}
    return build_settings(
        portal=pick["portal"],
        username=pick["username"],
        password=environ.get("RECONCILER_PASSWORD") or None,
        token=environ.get("RECONCILER_TOKEN") or None,
        owner=pick["owner"],
        ca_bundle=pick["ca_bundle"],
        insecure=bool(pick["insecure"]),
        timeout=_positive(pick["timeout"], name="timeout", unit="seconds", default=DEFAULT_TIMEOUT),
        max_response_mb=_positive(pick["max_response_mb"], name="max_response_mb", unit="megabytes",
                                  default=DEFAULT_MAX_RESPONSE_MB),
        verbose=bool(getattr(args, "verbose", False)),
    )


def build_settings(
    *,
    portal: str | None,
    username: str | None = None,
    password: str | None = None,
    token: str | None = None,
    owner: str | None = None,
    ca_bundle: str | None = None,
    insecure: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    max_response_mb: float = DEFAULT_MAX_RESPONSE_MB,
    verbose: bool = False,
) -> ConnectionSettings:
    """Validated settings from plain values (what settings_from and tests use)."""
    if not portal:
        raise ConfigError(f"no portal given: {HOW_TO_SET_PORTAL}")
    if not token and password and not username:
        raise ConfigError("RECONCILER_PASSWORD is set, but no user to sign in as: set RECONCILER_USERNAME (or "
                          "--username, or username: in the project file's environment)")
    if not token and username and not password:
        raise ConfigError(f"no password for {username}: set RECONCILER_PASSWORD, or RECONCILER_TOKEN to a token or API key")
    if not token and not (username and password):
        raise ConfigError(
            "no credentials: set RECONCILER_USERNAME (or --username) and RECONCILER_PASSWORD, "
            "or RECONCILER_TOKEN to a token or API key"
        )
    if insecure and ca_bundle:
        raise ConfigError("--insecure and --ca-bundle contradict each other: keep --ca-bundle")
    return ConnectionSettings(
        portal_url=sharing_root(portal),
        username=username,
        password=password,
        token=token,
        owner=owner,
        verify=False if insecure else (ca_bundle or True),
        timeout=timeout,
        max_response_bytes=int(max_response_mb * 1024 * 1024),
        verbose=verbose,
    )


def sharing_root(url: str) -> str:
    """Normalise a portal URL to its Sharing API root; refuse plain HTTP except to loopback."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
        parts.port  # noqa: B018  (a port that is not a number raises here)
    except ValueError:
        raise ConfigError(f"portal URL {url!r} is not a valid URL: {HOW_TO_SET_PORTAL}") from None
    if parts.scheme not in ("http", "https") or not host:
        raise ConfigError(f"portal URL {url!r} is not an http(s) URL: {HOW_TO_SET_PORTAL}")
    if parts.username or parts.password:
        raise ConfigError("the portal URL must not contain credentials: use RECONCILER_USERNAME/RECONCILER_PASSWORD")
    if parts.scheme == "http" and not is_loopback(host):
        raise ConfigError(
            f"refusing plain http:// for {host}: the password or token would travel unencrypted. "
            f"Use https://{parts.netloc}{parts.path} (with --ca-bundle for an enterprise CA)"
        )
    path = parts.path.rstrip("/")
    for suffix in (SHARING_SUFFIX, "/sharing"):
        if path.endswith(suffix):
            path = path[: -len(suffix)]
            break
    return urlunsplit((parts.scheme, parts.netloc, path + SHARING_SUFFIX, "", ""))


def _first(*values: Any) -> Any:
    return next((v for v in values if v is not None and v != ""), None)


def _positive(value: Any, *, name: str, unit: str, default: float) -> float:
    """A positive number from a flag, the environment or a target; `default` when unset."""
    if value is None:
        return default
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{name} {value!r} is not a number of {unit}") from None
    if number != number or number == float("inf"):
        raise ConfigError(f"{name} {value!r} is not a finite number of {unit}")
    if number <= 0:
        raise ConfigError(f"{name} must be positive, got {number:g}")
    return number
