"""HTTPS with the emulator's self-signed certificate: trusted via ca_bundle, refused without it,
accepted with --insecure only with a loud warning."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from reconciler.emulator.server import Emulator
from reconciler.errors import PortalError
from tests.portal.conftest import MakeClient


@pytest.fixture
def tls_emu() -> Iterator[Emulator]:
    with Emulator(port=0, tls=True) as emulator:
        yield emulator


@pytest.fixture
def ca_file(tls_emu: Emulator, tmp_path: Path) -> str:
    assert tls_emu.ca_pem is not None
    path = tmp_path / "ca.pem"
    path.write_bytes(tls_emu.ca_pem)
    return str(path)


def test_ca_bundle_trusts_the_enterprise_ca(make_client: MakeClient, tls_emu: Emulator, ca_file: str) -> None:
    client = make_client(portal=tls_emu.origin + "/portal", ca_bundle=ca_file)
    assert client.settings.portal_url.startswith("https://")
    assert client.me().username == "publisher" and list(client.iter_tasks()) == []


def test_unknown_ca_is_refused_with_a_hint(make_client: MakeClient, tls_emu: Emulator) -> None:
    client = make_client(portal=tls_emu.origin + "/portal")
    with pytest.raises(PortalError) as e:
        client.me()
    assert str(e.value).startswith("sign in: TLS verification failed for 127.0.0.1:")
    assert "hint: pass the enterprise CA with --ca-bundle PEM (or REQUESTS_CA_BUNDLE)" in str(e.value)


def test_insecure_works_and_warns_loudly(make_client: MakeClient, tls_emu: Emulator,
                                         caplog: pytest.LogCaptureFixture) -> None:
    client = make_client(portal=tls_emu.origin + "/portal", insecure=True)
    assert client.me().username == "publisher"
    (warning,) = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert "TLS certificate verification is OFF (--insecure)" in warning.getMessage()


def test_verbose_logs_each_request_at_info(make_client: MakeClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="reconciler.portal")
    make_client(verbose=True).me()
    lines = [r.getMessage() for r in caplog.records if r.name == "reconciler.portal"]
    assert [line.split(" (")[0] for line in lines] == [
        "POST /portal/sharing/rest/generateToken -> 200", "GET /portal/sharing/rest/community/self -> 200"]
    assert all(line.endswith(" ms)") for line in lines)


def test_quiet_by_default(make_client: MakeClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="reconciler.portal")
    make_client().me()
    assert [r for r in caplog.records if r.name == "reconciler.portal"] == []
