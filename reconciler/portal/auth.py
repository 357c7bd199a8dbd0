"""Where the portal token comes from: a fixed token/API key, or generateToken with a password.

The token travels only in the `X-Esri-Authorization: Bearer` header (docs/portal-api.md §2.2),
never in a URL; the password only in the POST body of generateToken (§2.1).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from reconciler.errors import AuthError
from reconciler.masking import CREDENTIAL_MASK

Fetch = Callable[[Mapping[str, str]], Mapping[str, Any]]  # POSTs generateToken, returns the decoded body
DEFAULT_EXPIRATION_MINUTES = 60  # what arcgis asks for (§2.4)


class TokenSource(Protocol):
    def token(self) -> str:
        """A token believed valid now (refreshed first when close to expiry)."""
        ...

    def invalidate(self, token: str) -> bool:
        """The portal rejected `token` (498): forget it; True when a new one can be obtained."""
        ...

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every secret this source holds, for redaction."""
        ...


class FixedToken:
    """RECONCILER_TOKEN: a token or API key used as is; it cannot be refreshed."""

    def __init__(self, token: str) -> None:
        self._token = token

    def __repr__(self) -> str:
        return f"FixedToken({CREDENTIAL_MASK})"

    def token(self) -> str:
        return self._token

    def invalidate(self, token: str) -> bool:
        return False

    @property
    def secrets(self) -> tuple[str, ...]:
        return (self._token,)


class PasswordToken:
    """generateToken (client=referer) with a username and password, refreshed before it expires.

    The response's `expires` is in the portal's clock, which may differ from ours, so the client
    trusts the lifetime it asked for, measured on its own clock, and refreshes once
    `margin` of it is left; a portal that clamps the lifetime lower (§2.1) is caught by the
    one refresh on 498 [I].
    """

    def __init__(self, *, username: str, password: str, referer: str, fetch: Fetch,
                 expiration_minutes: int = DEFAULT_EXPIRATION_MINUTES, clock: Callable[[], float] = time.monotonic) -> None:
        self._username, self._password, self._referer = username, password, referer
        self._fetch, self._clock = fetch, clock
        self._lifetime = expiration_minutes * 60.0
        self._margin = min(120.0, self._lifetime / 5)
        self._lock = threading.Lock()
        self._token: str | None = None
        self._deadline = 0.0

    def __repr__(self) -> str:
        return f"PasswordToken(username={self._username!r})"

    @property
    def secrets(self) -> tuple[str, ...]:
        return tuple(s for s in (self._password, self._token) if s)

    def token(self) -> str:
        with self._lock:
            if self._token is None or self._clock() >= self._deadline - self._margin:
                self._token = self._generate()
            return self._token

    def invalidate(self, token: str) -> bool:
        with self._lock:
            if self._token == token:
                self._token = None
        return True

    def _generate(self) -> str:
        issued = self._clock()
        body = self._fetch({
            "username": self._username,
            "password": self._password,
            "client": "referer",
            "referer": self._referer,
            "expiration": str(int(self._lifetime // 60)),
        })
        token = body.get("token")
        if not isinstance(token, str) or not token:
            raise AuthError("generateToken answered without a token.", operation="sign in",
                            hint="check that --portal points at the portal (…/portal or …/sharing/rest)")
        self._deadline = issued + self._lifetime
        return token
