"""The one request choke-point: URL, f=json, token header, timeout, retries, error decoding, logging.

Only `Http.call` sends anything. It never puts a secret in a URL, refuses to send a token over
plain HTTP except to loopback, and logs each attempt as "METHOD /path -> status (N ms)" with no
query string, header or body, so no secret can reach a log.
"""

from __future__ import annotations

import email.utils
import json
import logging
import threading
import time
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlsplit

import requests
import urllib3

from reconciler import __version__
from reconciler.errors import ConfigError, PortalError
from reconciler.masking import mask_url_token
from reconciler.portal import envelope, transport
from reconciler.portal.auth import TokenSource
from reconciler.portal.retry import RetryPolicy
from reconciler.portal.settings import ConnectionSettings
from reconciler.urls import is_loopback

log = logging.getLogger("reconciler.portal")
TRANSIENT_STATUSES = frozenset({500, 502, 503, 504})


LONG_WAIT = 1.0  # seconds: a wait before a retry this long is shown without -v


class WriteOutcomeUnknown(PortalError):
    """A write may or may not have reached the portal (dropped connection, read timeout, 5xx)."""


class _Again(Exception):
    """One attempt failed in a way the retry policy may retry."""

    def __init__(self, final: PortalError, *, retry_after: float | None = None) -> None:
        super().__init__(str(final))
        self.final, self.retry_after = final, retry_after


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


class Http:
    """Args:
        settings: where and how to connect.
        tokens: the token source; None for anonymous calls only.
        retry: the retry policy; sleep/clock are injectable so tests never wait.
    """

    def __init__(self, settings: ConnectionSettings, *, tokens: TokenSource | None = None,
                 retry: RetryPolicy | None = None, sleep: Callable[[float], None] = time.sleep) -> None:
        self.settings, self.tokens = settings, tokens
        self.retry = retry or RetryPolicy()
        self.sleep = sleep
        self.session = requests.Session()
        # Proxies are read from the environment once per origin, not on every request (requests
        # does that with trust_env, 12% of a large plan); the CA bundle variables are settings'.
        self.session.trust_env = False
        self._proxies: dict[str, dict[str, str]] = {}
        self.session.headers.update({"User-Agent": f"reconciler/{__version__}", "Accept": "application/json"})
        self.trusted = {origin(settings.portal_url)}  # origins the token may be sent to
        self._lock = threading.Lock()
        self.level = logging.INFO if settings.verbose else logging.DEBUG
        self._skew: float | None = None  # the portal's clock minus ours (its Date header), once known
        if settings.verify is False:
            # Said once, loudly, here; urllib3's per-request InsecureRequestWarning is turned off
            # once instead of a catch_warnings() around each request (global state, not thread-safe).
            urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
            log.warning("WARNING: TLS certificate verification is OFF (--insecure): anyone on the network path "
                        "can impersonate %s and read the token. Use --ca-bundle instead.", urlsplit(settings.portal_url).netloc)
        if settings.token and settings.password:
            log.warning("warning: both RECONCILER_TOKEN and RECONCILER_PASSWORD are set: the token takes precedence, "
                        "so the password%s not used to sign in", " and the user name are" if settings.username else " is")

    def __repr__(self) -> str:
        return f"Http(portal_url={self.settings.portal_url!r})"

    def portal_time(self) -> datetime:
        """Now by the portal's clock: this machine's, corrected by the `Date` header of the
        portal's latest answer (to the second); this machine's until one was read."""
        return datetime.now(timezone.utc) + timedelta(seconds=self._skew or 0.0)

    @property
    def date_seen(self) -> bool:
        """Whether any answer carried a `Date` header (portal_time is this machine's clock until one does)."""
        return self._skew is not None

    def _note_date(self, response: requests.Response) -> None:
        try:
            said = email.utils.parsedate_to_datetime(response.headers.get("Date", ""))
        except (TypeError, ValueError, IndexError):
            return
        if said.tzinfo is not None:
            self._skew = (said - datetime.now(timezone.utc)).total_seconds()

    def close(self) -> None:
        self.session.close()

    def trust(self, url: str) -> None:
        """Allow the token to be sent to `url`'s origin (a federated server of the portal)."""
        with self._lock:
            self.trusted.add(origin(url))

    @property
    def secrets(self) -> tuple[str, ...]:
        return tuple({*self.settings.secrets, *(self.tokens.secrets if self.tokens else ())})

    def url(self, path: str) -> str:
        return path if "://" in path else f"{self.settings.portal_url}/{path.lstrip('/')}"

    def call(self, method: str, path: str, *, params: Mapping[str, str] | None = None,
             data: Mapping[str, str] | None = None, write: bool = False, auth: bool = True,
             operation: str, credentials_check: bool = False) -> dict[str, Any]:
        """Send one logical request (with retries) and return the decoded JSON body.

        Raises:
            PortalError: (or a subclass) the portal's error, or a transport failure after retries.
            WriteOutcomeUnknown: a write (`write=True`) may or may not have taken effect.
            ConfigError: a token would go over plain HTTP to a host that is not loopback.
        """
        url = self.url(path)
        with_token = auth and self.tokens is not None and origin(url) in self.trusted
        if with_token and urlsplit(url).scheme != "https" and not is_loopback(urlsplit(url).hostname or ""):
            raise ConfigError(f"refusing to send the portal token over plain http:// to {urlsplit(url).hostname}; use https")
        retry, refreshed = 0, False
        while True:
            token = self.tokens.token() if with_token and self.tokens else None
            try:
                return self._attempt(method, url, params, data, token, write=write, operation=operation,
                                     credentials_check=credentials_check)
            except _Again as again:
                wait = self.retry.delay(retry, again.retry_after)
                if wait is None:
                    raise again.final from None
                level = logging.WARNING if wait >= LONG_WAIT else self.level  # a silent wait would look hung
                log.log(level, "retrying %s %s in %.2f s (%s)", method, urlsplit(url).path, wait, again.final.message)
                self.sleep(wait)
                retry += 1
            except PortalError as e:
                # 498: the token expired or was revoked; refresh it once and try again.
                if e.code != 498 or token is None or refreshed or not (self.tokens and self.tokens.invalidate(token)):
                    raise
                refreshed = True

    def _attempt(self, method: str, url: str, params: Mapping[str, str] | None, data: Mapping[str, str] | None,
                 token: str | None, *, write: bool, operation: str, credentials_check: bool) -> dict[str, Any]:
        deadline = time.monotonic() + self.settings.timeout
        with self._send(method, url, params, data, token, write=write, operation=operation) as response:
            status = response.status_code
            if status in (429, *TRANSIENT_STATUSES):
                return self._transient(response, write=write, operation=operation)
            body = self._decode(response, self._body(response, deadline, write=write, operation=operation), operation)
        error = envelope.error_of(body)
        if error is None:
            return body
        exc = envelope.to_exception(error, operation=operation, secrets=self.secrets, credentials_check=credentials_check)
        if exc.code in TRANSIENT_STATUSES and not credentials_check:
            if write:
                raise WriteOutcomeUnknown(exc.message, code=exc.code, details=exc.details, hint=exc.hint, operation=operation)
            raise _Again(exc)
        raise exc

    def _transient(self, response: requests.Response, *, write: bool, operation: str) -> dict[str, Any]:
        status = response.status_code
        if status == 429:
            raise _Again(self._fail("the portal is rate-limiting requests (HTTP 429)", 429, operation),
                         retry_after=transport.retry_after(response.headers.get("Retry-After")))
        final = self._fail(f"the portal answered HTTP {status}", status, operation)
        if write:
            raise WriteOutcomeUnknown(final.message, code=status, hint=final.hint, operation=operation, http=True)
        raise _Again(final)

    def _body(self, response: requests.Response, deadline: float, *, write: bool, operation: str) -> bytes:
        """The whole answer, read as it arrives: --timeout bounds the request as a whole (a
        server dripping a byte a second never resets it), and an answer larger than
        --max-response-mb is refused before it fills memory."""
        limit, parts, size = self.settings.max_response_bytes, [], 0
        try:
            while chunk := response.raw.read1(1 << 16, decode_content=True):
                size += len(chunk)
                if size > limit:
                    raise PortalError(f"the answer is larger than {limit / (1 << 20):g} MB", operation=operation,
                                      hint="raise --max-response-mb if the portal really sends that much")
                if time.monotonic() > deadline:
                    raise self._slow(write=write, operation=operation)
                parts.append(chunk)
        except (OSError, urllib3.exceptions.HTTPError) as e:
            if isinstance(e, urllib3.exceptions.ReadTimeoutError) or "timed out" in str(e):
                raise self._slow(write=write, operation=operation) from None
            dropped = PortalError(f"the connection was dropped while the answer was read ({type(e).__name__})",
                                  operation=operation, hint="check the network and proxies; the portal may be down")
            if write:
                raise WriteOutcomeUnknown(dropped.message, hint=dropped.hint, operation=operation) from None
            raise _Again(dropped) from None
        return b"".join(parts)

    def _proxies_for(self, url: str) -> dict[str, str]:
        key = origin(url)
        with self._lock:
            if key not in self._proxies:
                self._proxies[key] = requests.utils.get_environ_proxies(url)  # honours NO_PROXY
            return self._proxies[key]

    def _slow(self, *, write: bool, operation: str) -> Exception:
        slow = PortalError(f"no complete answer within {self.settings.timeout:g} s (--timeout)", operation=operation,
                           hint="raise --timeout if the portal is slow, or check the network")
        return WriteOutcomeUnknown(slow.message, hint=slow.hint, operation=operation) if write else _Again(slow)

    def _send(self, method: str, url: str, params: Mapping[str, str] | None, data: Mapping[str, str] | None,
              token: str | None, *, write: bool, operation: str) -> requests.Response:
        headers = {}
        if token is not None:
            headers = {"X-Esri-Authorization": f"Bearer {token}", "Referer": origin(self.settings.portal_url)}
        query = {**(params or {}), "f": "json"} if method == "GET" else dict(params or {})
        form = {**(data or {}), "f": "json"} if method != "GET" else None
        path, started = urlsplit(url).path, time.monotonic()
        try:
            # No redirects: requests would carry X-Esri-Authorization to another host (it strips
            # only Authorization), and a redirected POST silently turns into a GET.
            response = self.session.request(method, url, params=query, data=form, headers=headers,
                                            timeout=self.settings.timeout, verify=self.settings.verify,
                                            proxies=self._proxies_for(url),
                                            allow_redirects=False, stream=True)
        except requests.RequestException as e:
            log.log(self.level, "%s %s -> %s (%d ms)", method, path, type(e).__name__, _ms(started))
            raise self._transport(e, url, write=write, operation=operation) from None
        log.log(self.level, "%s %s -> %d (%d ms)", method, path, response.status_code, _ms(started))
        if urlsplit(url).netloc == urlsplit(self.settings.portal_url).netloc:
            self._note_date(response)  # the portal's own answers only, not a federated server's
        if response.is_redirect:
            response.close()
            where = mask_url_token(response.headers.get("Location", "")) or "elsewhere (no Location)"
            raise PortalError(f"the portal redirected (HTTP {response.status_code}) to {where}",
                              code=response.status_code, operation=operation, http=True,
                              hint="use the final portal URL in --portal (often https:// instead of http://, or the web adaptor path)")
        return response

    def _transport(self, e: requests.RequestException, url: str, *, write: bool, operation: str) -> Exception:
        host = urlsplit(url).netloc
        if isinstance(e, requests.exceptions.SSLError) and transport.plain_http(e):
            return PortalError(f"{host} does not speak TLS on that port: it answered in plain HTTP", operation=operation,
                               hint="check the port (and the scheme) in --portal: https:// needs the portal's HTTPS port")
        if isinstance(e, requests.exceptions.SSLError):
            return PortalError(f"TLS verification failed for {host}", operation=operation,
                               hint="pass the enterprise CA with --ca-bundle PEM (or REQUESTS_CA_BUNDLE)")
        reached = not transport.never_sent(e)
        final = PortalError(f"could not talk to {host}: {transport.describe(e)}", operation=operation,
                            hint="check --portal, the network and proxies; the portal may be down")
        if write and reached:
            return WriteOutcomeUnknown(final.message, hint=final.hint, operation=operation)
        return _Again(final)

    def _decode(self, response: requests.Response, raw: bytes, operation: str) -> dict[str, Any]:
        try:
            body = json.loads(raw)
        except (ValueError, RecursionError):  # RecursionError: nested deeper than the decoder goes
            body = None
        if not isinstance(body, dict):
            raise PortalError(f"the answer to {urlsplit(response.url).path} is not ArcGIS JSON (HTTP {response.status_code})",
                              code=response.status_code if response.status_code >= 400 else None, operation=operation,
                              hint=envelope.WRONG_PORTAL, http=True)
        return body

    def _fail(self, message: str, status: int, operation: str) -> PortalError:
        return PortalError(message, code=status, hint=envelope.hint_for(status), operation=operation, http=True)


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
