"""The HTTP layer: parse requests, apply injected faults, dispatch, answer ArcGIS-style.

Every failure of ours is HTTP 200 with the error envelope, never a bare 4xx/5xx: Esri's client
retries a POST five times on a 5xx, creating duplicates (see the emulator issue). Only injected
faults produce other statuses.
"""

from __future__ import annotations

import email.parser
import email.policy
import socket
import ssl
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from reconciler.emulator import control, faults
from reconciler.emulator.context import Context
from reconciler.emulator.faults import Fault
from reconciler.emulator.routing import Route, dispatch
from reconciler.emulator.wire import ApiError, Request, Response, render_json


class Server(ThreadingHTTPServer):
    """Knows its routes and open connections, so `close_all` can end idle keep-alives on stop."""

    daemon_threads = False
    block_on_close = True

    def __init__(self, address: tuple[str, int], *, ctx: Context, routes: list[Route], control_routes: list[Route],
                 ipv6: bool = False, ssl_context: ssl.SSLContext | None = None) -> None:
        self.address_family = socket.AF_INET6 if ipv6 else socket.AF_INET
        super().__init__(address, Handler)
        self.ctx, self.routes, self.control_routes = ctx, routes, control_routes
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        if ssl_context is not None:
            self.socket = ssl_context.wrap_socket(self.socket, server_side=True, do_handshake_on_connect=False)

    def track(self, sock: socket.socket, *, add: bool) -> None:
        with self._open_lock:
            (self._open.add if add else self._open.discard)(sock)

    def close_all(self) -> None:
        with self._open_lock:
            for sock in list(self._open):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients that hang up or refuse our certificate are not the emulator's problem.
        if not isinstance(sys.exc_info()[1], (OSError, ssl.SSLError)):
            super().handle_error(request, client_address)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Server

    def date_time_string(self, timestamp: float | None = None) -> str:
        """The `Date` header by the emulator's clock (virtual in tests), as a portal's is by its own."""
        return super().date_time_string(self.server.ctx.clock.now_ms() / 1000 if timestamp is None else timestamp)

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes; without NODELAY, delayed ACKs add ~40 ms each.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.track(self.connection, add=True)
        if isinstance(self.connection, ssl.SSLSocket):
            try:
                self.connection.do_handshake()  # here, not in accept(): a slow client blocks only its thread
            except BaseException:
                self.server.track(self.connection, add=False)
                raise

    def finish(self) -> None:
        self.server.track(self.connection, add=False)
        super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the request log (/_emulator/requests) replaces the access log

    def do_GET(self) -> None:
        self._handle()

    do_POST = do_DELETE = do_PUT = do_PATCH = do_HEAD = do_GET

    def _handle(self) -> None:
        ctx = self.server.ctx
        req = self._read_request()
        if req.path == control.PREFIX or req.path.startswith(control.PREFIX + "/"):
            if ctx.control_enabled:
                return self._answer(req, self._call(self.server.control_routes, req))
        else:
            fault = ctx.faults.take(req.path)
            ctx.log.record(req, at_ms=ctx.clock.now_ms(), fault=fault.kind if fault else None)
            if fault is not None and fault.kind in faults.CORRUPTIONS:
                return self._answer(req, faults.corrupt(fault.kind, self._call(self.server.routes, req)))
            if fault is not None and self._inject(req, fault):
                return None
        return self._answer(req, self._call(self.server.routes, req))

    def _call(self, routes: list[Route], req: Request) -> Any:
        ctx = self.server.ctx
        try:
            with ctx.store.lock:
                return dispatch(routes, ctx, req)
        except ApiError as e:
            return e.envelope()
        except Exception:
            traceback.print_exc()
            return ApiError(500, "An internal error occurred in the emulator.").envelope()

    def _read_request(self) -> Request:
        parts = urlsplit(self.path)
        query = parse_qsl(parts.query, keep_blank_values=True)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        form = _parse_form(self.headers.get("Content-Type", ""), body)
        return Request(
            method=self.command,
            path=unquote(parts.path),
            query=dict(query),
            form=dict(form),
            headers={key.lower(): value for key, value in self.headers.items()},
            body=body,
        )

    def _inject(self, req: Request, fault: Fault) -> bool:
        """Apply a fault; True when the request has been answered (or dropped) by it."""
        if fault.kind == "delay":
            time.sleep(fault.seconds)
            return False
        if fault.kind == "drop":
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return True
        if fault.kind == "arcgis_error":
            self._answer(req, ApiError(500, "Internal server error (injected fault).").envelope())
            return True
        status = int(fault.kind[4:])
        headers = {"Retry-After": str(max(0, round(fault.seconds)))} if status == 429 else {}
        body = f"<html><body><h1>{status}</h1><p>Injected fault.</p></body></html>".encode()
        self._send(Response(status=status, body=body, headers={"Content-Type": "text/html", **headers}))
        return True

    def _answer(self, req: Request, result: Any) -> None:
        if isinstance(result, Response):
            return self._send(result)
        body = render_json(result, pretty=req.pretty)
        return self._send(Response(body=body, headers={"Content-Type": "application/json; charset=utf-8"}))

    def _send(self, response: Response) -> None:
        self.send_response(response.status)
        for key, value in response.headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)


def _parse_form(content_type: str, body: bytes) -> list[tuple[str, str]]:
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind == "application/x-www-form-urlencoded":
        return parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
    if kind == "multipart/form-data":
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
        )
        fields = []
        for part in message.iter_parts():
            name, payload = part.get_param("name", header="content-disposition"), part.get_payload(decode=True)
            if name and isinstance(payload, bytes):
                fields.append((str(name), payload.decode("utf-8", "replace")))
        return fields
    # Any other body (application/json included) carries no parameters: the portal reads form
    # fields only (docs/portal-api.md §1), so a JSON body is ignored, not decoded [I]. The raw body
    # stays on the Request for the control API, which takes JSON.
    return []
