"""Flags > process environment > the project file's environment > its top level; variables the
other way round for the environment (--var > project file > process environment)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.cli.parser import build_parser
from reconciler.cli.resolve import planning
from reconciler.errors import ConfigError, UsageError
from reconciler.planning.options import Policy

PROJECT = """\
project: gis
owner: file_owner
variables: {GP_SERVER_URL: https://file.example.com/server, KEEP: file}
on_remove: disable
mass_delete: {share: 0.2, count: 1}
environments:
  prod:
    portal: https://gis.example.com/portal
    owner: prod_owner
    variables: {GP_SERVER_URL: https://prod.example.com/server}
"""
ENV = {"RECONCILER_PASSWORD": "pw", "RECONCILER_USERNAME": "svc"}


def asked(folder: Path, *argv: str, environ: dict[str, str] | None = None, variables: dict[str, str] | None = None):
    args = build_parser().parse_args(["plan", *argv])
    return planning(args, {**ENV, **(environ or {})}, variables=variables or {}, cwd=folder)


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "reconciler.yaml").write_text(PROJECT)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_project_file_pins_owner_mark_policy_and_variables(folder: Path) -> None:
    request = asked(folder, "--portal", "https://x.example.com").request
    assert (request.mark, request.owner_pinned, request.tasks_dir) == ("[reconciler:gis] ", True, "tasks.d")
    assert request.policy == Policy(on_remove="disable", mass_delete_share=0.2, mass_delete_count=1)
    assert request.variables["GP_SERVER_URL"] == "https://file.example.com/server"


def test_flags_and_the_process_environment_beat_the_file(folder: Path) -> None:
    request = asked(folder, "-e", "prod", "--on-remove", "delete", "--only", "a*", "--allow-mass-delete",
                    environ={"GP_SERVER_URL": "https://ambient.example.com", "KEEP": "ambient", "ONLY_ENV": "x"},
                    variables={"KEEP": "flag"}).request
    assert request.policy.on_remove == "delete" and request.policy.only == ("a*",) and request.policy.allow_mass_delete
    assert request.variables["GP_SERVER_URL"] == "https://prod.example.com/server", "the file beats the ambient"
    assert (request.variables["KEEP"], request.variables["ONLY_ENV"]) == ("flag", "x")


def test_the_owner_comes_from_flag_then_environment_then_file(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from reconciler import connection

    seen: list[str | None] = []
    monkeypatch.setattr(connection, "remote", lambda settings: seen.append(settings.owner))
    asked(folder, "-e", "prod").connect()
    asked(folder, "-e", "prod", environ={"RECONCILER_OWNER": "env_owner"}).connect()
    asked(folder, "-e", "prod", "--owner", "flag_owner", environ={"RECONCILER_OWNER": "env_owner"}).connect()
    asked(folder, "--portal", "https://x.example.com").connect()
    assert seen == ["prod_owner", "env_owner", "flag_owner", "file_owner"]


def test_without_a_project_file_nothing_is_pinned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    request = asked(tmp_path, "--portal", "https://x.example.com").request
    assert (request.mark, request.owner_pinned, request.adopts) == ("[reconciler] ", False, None)
    with pytest.raises(UsageError, match="--environment 'prod' needs a project file"):
        asked(tmp_path, "-e", "prod")
    with pytest.raises(ConfigError, match="no portal given"):
        asked(tmp_path)


def test_the_emulator_and_an_environments_portal_contradict(folder: Path) -> None:
    with pytest.raises(UsageError, match="--emulator and a portal"):
        asked(folder, "--emulator", "-e", "prod")
    assert asked(folder, "--emulator").request.owner_pinned


def test_a_saved_plan_of_before_projects_still_reads_with_the_old_keys() -> None:
    old = {"on_remove": "delete", "no_delete": False, "allow_empty": True, "allow_active_runs": False}
    assert Policy.from_dict(old) == Policy(allow_empty=True)
    new = Policy(only=("a", "b*"), mass_delete_share=0.3, allow_mass_delete=True)
    assert Policy.from_dict(new.to_dict()) == new
    with pytest.raises(ValueError):
        Policy.from_dict({**old, "mass_delete_share": 2})
