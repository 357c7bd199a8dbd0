"""`Emulator`: the whole emulated portal + federated server, started and stopped in-process.

    with Emulator(port=0) as emu:
        requests.get(emu.sharing_url + "/info", params={"f": "json"})

Like the threaded test server of the requests project: binds port 0 by default, serves from a
thread, and `stop()` shuts the listener, ends idle keep-alive connections and joins every thread.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import sqlite3
import threading
from types import TracebackType
from typing import Any

from reconciler.emulator import auth, content, control, gpserver, items, oauth, portaladmin, sharing, tasks, tls
from reconciler.emulator.clock import Clock
from reconciler.emulator.context import LOOPBACK_NAMES, Context, Settings
from reconciler.emulator.faults import Faults
from reconciler.emulator.httpd import Server
from reconciler.emulator.requestlog import RequestLog
from reconciler.emulator.scheduler import Scheduler
from reconciler.emulator.store import Store
from reconciler.errors import UsageError

WILDCARDS = ("", "0.0.0.0", "::")


def is_loopback(host: str) -> bool:
    if host.lower() in ("localhost",):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class Emulator:
    """Args:
        host, port: where to listen (port 0 picks a free port).
        data: SQLite file for state; None keeps it in memory.
        users: users to seed instead of admin/publisher/viewer (see auth.load_users_file).
        tls: serve HTTPS with a certificate made at start; `ca_pem` is what clients should trust.
        enable_control: serve /_emulator/ even when not on loopback.
        clock_ms: start with a virtual clock at this epoch-ms instant (tests); None = wall time.
        settings: the portal's system limits, listing page size and release (context.Settings).
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        data: str | None = None,
        users: list[dict[str, Any]] | None = None,
        tls: bool = False,
        enable_control: bool = False,
        clock_ms: int | None = None,
        settings: Settings | None = None,
    ) -> None:
        self._host, self._port, self._data, self._users, self._tls = host, port, data, users, tls
        self._settings = settings or Settings()
        self._control_enabled = enable_control or is_loopback(host)
        self._clock_ms = clock_ms
        self.ca_pem: bytes | None = None
        self._server: Server | None = None
        self._thread: threading.Thread | None = None
        self._scheduler: Scheduler | None = None
        self.ctx: Context | None = None

    def start(self) -> Emulator:
        """Raises UsageError for a `data` path that cannot hold the state and a port outside
        0..65535; OSError when the address cannot be bound."""
        if not 0 <= self._port <= 65535:
            raise UsageError(f"port {self._port} is out of range: use 0..65535 (0 picks a free port)")
        store = self._open_store()
        ctx = Context(store=store, clock=Clock(self._clock_ms), faults=Faults(), log=RequestLog(), settings=self._settings,
                      control_enabled=self._control_enabled)
        try:
            self._bind(ctx)
        except BaseException:
            store.close()
            raise
        auth.seed_users(ctx, self._users)
        items.seed_items(ctx)
        tasks.follow_origin(ctx)  # before the scheduler or any client sees a stored task URL
        self.ctx = ctx
        assert self._server is not None and self._scheduler is not None
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="emulator-http", daemon=True)
        self._thread.start()
        self._scheduler.start()
        return self

    def _open_store(self) -> Store:
        data = self._data
        if data and os.path.isdir(data):
            raise UsageError(f"--data {data} is a directory; give a file, e.g. {os.path.join(data, 'emulator.sqlite')}")
        try:
            return Store(data)
        except (OSError, sqlite3.Error) as e:
            raise UsageError(f"--data {data}: cannot keep the emulator's state there ({e}); "
                             "give a writable path to a new or existing emulator SQLite file") from None

    def _bind(self, ctx: Context) -> None:
        names = self._names()
        ssl_context = None
        if self._tls:
            ssl_context, self.ca_pem = tls.server_context(names)
        self._scheduler = Scheduler(ctx)
        self._server = Server(
            (self._host, self._port), ctx=ctx, routes=sharing.routes() + content.routes() + oauth.routes() + portaladmin.routes() + gpserver.routes(),
            control_routes=control.routes(self._scheduler), ipv6=":" in self._host, ssl_context=ssl_context,
        )
        port = self._server.server_address[1]
        display = names[0]
        display = f"[{display}]" if ":" in display else display
        ctx.origin = f"{'https' if self._tls else 'http'}://{display}:{port}"
        ctx.host_aliases = names

    def _names(self) -> tuple[str, ...]:
        """Host names the emulator answers to; the first one appears in its URLs."""
        if self._host in WILDCARDS:
            return (socket.getfqdn(), socket.gethostname(), *LOOPBACK_NAMES)
        if is_loopback(self._host):
            return (self._host, *(n for n in LOOPBACK_NAMES if n != self._host))
        return (self._host,)

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.close_all()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join()
        if self._scheduler is not None:
            self._scheduler.stop()
        if self.ctx is not None:
            self.ctx.store.close()
        self._server = self._thread = self._scheduler = None

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()

    @property
    def _ctx(self) -> Context:
        if self.ctx is None:
            raise RuntimeError("the emulator is not started")
        return self.ctx

    @property
    def origin(self) -> str:
        return self._ctx.origin

    @property
    def port(self) -> int:
        return int(self.origin.rsplit(":", 1)[1])

    @property
    def sharing_url(self) -> str:
        return self._ctx.sharing_url

    @property
    def server_url(self) -> str:
        return self._ctx.server_url

    @property
    def services_url(self) -> str:
        return self._ctx.services_url

    @property
    def control_enabled(self) -> bool:
        return self._control_enabled

    @property
    def control_url(self) -> str:
        return self.origin + control.PREFIX

    def task_url(self, tool_key: str) -> str:
        """e.g. task_url("Samples/Buffer/GPServer/Buffer")."""
        return f"{self.services_url}/{tool_key}"
