"""Proxies come from the environment, read once per origin (not on every request)."""

from __future__ import annotations

import pytest

from reconciler.portal.http import Http
from reconciler.portal.settings import build_settings


def test_the_environments_proxy_is_used_and_no_proxy_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example.com:3128")
    monkeypatch.setenv("NO_PROXY", "internal.example.com")
    http = Http(build_settings(portal="https://gis.example.com/portal", token="t"))
    assert http._proxies_for("https://gis.example.com/portal/sharing/rest")["https"] == "http://proxy.example.com:3128"
    assert "https" not in http._proxies_for("https://internal.example.com/server/rest/services")
    monkeypatch.setenv("HTTPS_PROXY", "http://other.example.com:3128")
    assert http._proxies_for("https://gis.example.com/x")["https"] == "http://proxy.example.com:3128", "read once"
