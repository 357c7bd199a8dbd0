"""Issue 16, connections: each failure named for what it is, through the CLI over real HTTP."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from reconciler.emulator.server import Emulator
from tests.conftest import PASSWORDS
from tests.e2e.conftest import Run


class _Answer(BaseHTTPRequestHandler):
    """Answers every request with the status and headers the test put on the server."""

    def _reply(self) -> None:
        status, headers = self.server.answer  # type: ignore[attr-defined]
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = _reply

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def answering() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Answer)
    server.answer = (501, {})  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _portal(server: ThreadingHTTPServer) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}/portal"


@pytest.fixture
def signed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECONCILER_PASSWORD", PASSWORDS["publisher"])


def test_https_to_a_port_that_speaks_plain_http_says_so(run: Run, emu: Emulator, signed: None) -> None:
    result = run("plan", "--portal", emu.sharing_url.replace("http://", "https://"), "--username", "publisher")
    assert result.code == 1
    host = emu.sharing_url.split("/")[2]
    assert f"{host} does not speak TLS on that port: it answered in plain HTTP" in result.err
    assert "hint: check the port (and the scheme) in --portal: https:// needs the portal's HTTPS port" in result.err
    assert "--ca-bundle" not in result.err


def test_a_redirect_is_an_http_status_with_its_full_location(run: Run, answering: ThreadingHTTPServer,
                                                             signed: None) -> None:
    answering.answer = (302, {"Location": "https://gis.example.com/arcgis/sharing/rest/generateToken?x=1"})  # type: ignore[attr-defined]
    result = run("plan", "--portal", _portal(answering), "--username", "publisher")
    assert result.code == 1
    assert "the portal redirected (HTTP 302) to https://gis.example.com/arcgis/sharing/rest/generateToken?x=1" \
        in result.err
    assert "ArcGIS error" not in result.err


def test_an_http_status_without_an_arcgis_answer_is_named_as_one(run: Run, answering: ThreadingHTTPServer,
                                                                 signed: None) -> None:
    result = run("plan", "--portal", _portal(answering), "--username", "publisher")
    assert result.code == 1
    assert "is not ArcGIS JSON (HTTP 501)" in result.err and "ArcGIS error" not in result.err


def test_a_password_without_a_user_says_exactly_that(run: Run, emu: Emulator, signed: None) -> None:
    result = run("plan", "--portal", emu.sharing_url)
    assert result.code == 1
    assert result.err.strip() == ("error: RECONCILER_PASSWORD is set, but no user to sign in as: set RECONCILER_USERNAME "
                                  "(or --username, or username: in the project file's environment)")


def test_a_token_beside_a_password_says_which_is_used(run: Run, emu: Emulator, signed: None, workdir,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECONCILER_TOKEN", "not-a-real-token-0000")
    result = run("plan", "--portal", emu.sharing_url, "--username", "publisher")
    assert ("warning: both RECONCILER_TOKEN and RECONCILER_PASSWORD are set: the token takes precedence, so the "
            "password and the user name are not used to sign in") in result.err
    assert "not-a-real-token-0000" not in result.out + result.err


def test_a_long_wait_before_a_retry_is_shown_without_verbose(on_emu: Run, emu: Emulator) -> None:
    from tests.conftest import fault

    fault(emu, "tasks$", "http429", count=1, seconds=1)
    result = on_emu("plan", "--owner", "publisher")
    assert result.code == 0, result.err
    (line,) = [line for line in result.err.splitlines() if line.startswith("retrying ")]
    assert line.startswith("retrying GET /portal/sharing/rest/community/users/publisher/tasks in 1.00 s "
                           "(the portal is rate-limiting requests (HTTP 429))"), line


def test_environments_and_none_chosen_lists_them(run: Run, workdir, signed: None) -> None:
    (workdir / "reconciler.yaml").write_text("project: gis\nenvironments:\n  staging: {portal: https://s.example.com/portal}\n"
                                             "  production: {portal: https://p.example.com/portal}\n")
    result = run("plan", "--username", "publisher")
    assert result.code == 1
    assert result.err.strip() == ("error: no portal given: choose one of reconciler.yaml's environments (production, "
                                  "staging) with --environment NAME (-e, RECONCILER_ENVIRONMENT), or give --portal URL")
