"""Connection settings: flags > environment > the project file's environment; URLs; refusals with fixes."""

from __future__ import annotations

import argparse

import pytest

from reconciler.cli.parser import add_portal_arguments
from reconciler.errors import ConfigError
from reconciler.portal.settings import build_settings, settings_from, sharing_root

ENV = {"RECONCILER_USERNAME": "svc", "RECONCILER_PASSWORD": "s3cret-pw"}


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="reconciler plan")
    add_portal_arguments(parser)
    return parser.parse_args(list(argv))


@pytest.mark.parametrize("given", [
    "https://gis.example.com/portal", "https://gis.example.com/portal/", "https://gis.example.com/portal/sharing",
    "https://gis.example.com/portal/sharing/rest", "https://gis.example.com/portal/sharing/rest/?f=json",
])
def test_portal_root_or_sharing_root_normalise_to_the_sharing_root(given: str) -> None:
    assert sharing_root(given) == "https://gis.example.com/portal/sharing/rest"


def test_arcgis_online_root_has_no_context() -> None:
    assert sharing_root("https://myorg.maps.arcgis.com") == "https://myorg.maps.arcgis.com/sharing/rest"


@pytest.mark.parametrize("host", ["127.0.0.1", "127.8.9.1", "localhost", "[::1]"])
def test_plain_http_is_allowed_to_loopback(host: str) -> None:
    assert sharing_root(f"http://{host}:8765/portal").startswith(f"http://{host}:8765/")


def test_plain_http_to_a_remote_host_is_refused_with_the_fix() -> None:
    with pytest.raises(ConfigError) as e:
        sharing_root("http://gis.example.com/portal")
    assert str(e.value) == (
        "refusing plain http:// for gis.example.com: the password or token would travel unencrypted. "
        "Use https://gis.example.com/portal (with --ca-bundle for an enterprise CA)"
    )


@pytest.mark.parametrize("bad", ["gis.example.com/portal", "ftp://gis.example.com", "https://"])
def test_not_a_url(bad: str) -> None:
    with pytest.raises(ConfigError, match="is not an http\\(s\\) URL: set one with --portal URL"):
        sharing_root(bad)


def test_credentials_in_the_url_are_refused() -> None:
    with pytest.raises(ConfigError, match="must not contain credentials"):
        sharing_root("https://me:pw@gis.example.com/portal")


def test_flags_override_environment() -> None:
    env = {**ENV, "RECONCILER_PORTAL": "https://env.example.com/portal", "RECONCILER_OWNER": "env_owner"}
    s = settings_from(parse("--portal", "https://flag.example.com/portal", "--username", "flaguser", "--timeout", "7"), env)
    assert (s.portal_url, s.username, s.owner, s.timeout) == (
        "https://flag.example.com/portal/sharing/rest", "flaguser", "env_owner", 7.0)
    assert s.password == "s3cret-pw" and s.verify is True and s.verbose is False


def test_environment_alone_is_enough() -> None:
    s = settings_from(parse(), {"RECONCILER_PORTAL": "https://gis.example.com/portal/sharing/rest",
                                "RECONCILER_TOKEN": "tok-123", "REQUESTS_CA_BUNDLE": "/etc/ca.pem"})
    assert s.token == "tok-123" and s.username is None and s.verify == "/etc/ca.pem"


def test_missing_portal_says_how_to_set_one() -> None:
    with pytest.raises(ConfigError) as e:
        settings_from(parse(), ENV)
    assert str(e.value) == (
        "no portal given: set one with --portal URL or RECONCILER_PORTAL, e.g. https://gis.example.com/portal "
        "(the portal root or its .../sharing/rest URL)"
    )


def test_missing_credentials_say_how_to_set_them() -> None:
    with pytest.raises(ConfigError, match="no credentials: set RECONCILER_USERNAME .* or RECONCILER_TOKEN"):
        settings_from(parse("--portal", "https://gis.example.com/portal"), {})
    with pytest.raises(ConfigError) as e:
        settings_from(parse("--portal", "https://gis.example.com/portal", "--username", "u"), {})
    assert str(e.value) == "no password for u: set RECONCILER_PASSWORD, or RECONCILER_TOKEN to a token or API key"


def test_no_password_flag_exists() -> None:
    with pytest.raises(SystemExit):
        parse("--password", "x")


def test_secrets_never_appear_in_repr() -> None:
    s = settings_from(parse("--portal", "https://gis.example.com/portal"), {**ENV, "RECONCILER_TOKEN": "tok-SECRET"})
    assert "s3cret-pw" not in repr(s) and "tok-SECRET" not in repr(s)
    assert "svc" in repr(s)


def test_insecure_and_verbose_flags() -> None:
    s = settings_from(parse("--portal", "https://gis.example.com/portal", "--insecure", "-v"), ENV)
    assert s.verify is False and s.verbose is True


def test_insecure_with_ca_bundle_is_a_contradiction() -> None:
    with pytest.raises(ConfigError, match="contradict"):
        settings_from(parse("--portal", "https://g.example.com", "--insecure", "--ca-bundle", "/x.pem"), ENV)


@pytest.mark.parametrize("value", ["0", "-1"])
def test_timeout_must_be_positive(value: str) -> None:
    with pytest.raises(ConfigError, match="timeout must be positive"):
        settings_from(parse("--portal", "https://g.example.com", "--timeout", value), ENV)


def test_the_project_environment_fills_what_flags_and_environment_leave_open() -> None:
    defaults = {"portal": "https://dev.example.com/portal", "username": "dev_user", "ca_bundle": "/etc/ssl/corp.pem",
                "timeout": 5}
    s = settings_from(parse(), ENV, defaults=defaults)
    # the file's username loses to RECONCILER_USERNAME; portal, CA and timeout come from the file
    assert (s.portal_url, s.username, s.verify, s.timeout) == (
        "https://dev.example.com/portal/sharing/rest", "svc", "/etc/ssl/corp.pem", 5.0)


def test_flags_beat_the_project_environment() -> None:
    s = settings_from(parse("--owner", "other", "--portal", "https://flag.example.com"), ENV,
                      defaults={"portal": "https://gis.example.com/portal", "owner": "gp_owner"})
    assert s.portal_url == "https://flag.example.com/sharing/rest" and s.owner == "other"


def test_build_settings_defaults() -> None:
    s = build_settings(portal="https://g.example.com/portal", token="t")
    assert s.timeout == 30.0 and s.verify is True and s.secrets == ("t",)


def test_flags_come_after_the_command_name() -> None:
    parser = argparse.ArgumentParser(prog="reconciler")
    sub = parser.add_subparsers(dest="command")
    add_portal_arguments(sub.add_parser("plan"))
    add_portal_arguments(sub.add_parser("apply"))
    args = parser.parse_args(["apply", "--portal", "https://gis.example.com/portal", "--owner", "o", "-v"])
    s = settings_from(args, {"RECONCILER_TOKEN": "t"})
    assert (args.command, s.owner, s.verbose) == ("apply", "o", True)
