"""The project file: found upward to the repository root, checked with file:line errors, never a
credential, one environment merged over the top level."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.taskfiles import project
from reconciler.taskfiles.project import ProjectFileError

FULL = """\
project: gis-prod
owner: gp_owner
tasks: jobs
variables: {GP_SERVER_URL: https://top.example.com/server, REGION: north}
mass_delete: {share: 0.25}
environments:
  staging:
    portal: https://staging.example.com/portal
    variables: {GP_SERVER_URL: https://staging.example.com/server}
    mass_delete: {count: 10}
  production:
    portal: https://gis.example.com/portal
    username: svc_gp
    owner: prod_owner
    on_remove: disable
"""


def write(folder: Path, text: str) -> Path:
    path = folder / project.PROJECT_FILE
    path.write_text(text)
    return path


def problems(path: Path, environment: str | None = None) -> list[str]:
    with pytest.raises(ProjectFileError) as e:
        project.load(path, environment=environment)
    return [f"{p.source.line}:{p.source.column} {p.field}: {p.message}" for p in e.value.problems]


def test_an_environment_overrides_the_top_level_key_by_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "jobs").mkdir()
    path = write(tmp_path, FULL)
    staging = project.load(path, environment="staging")
    assert (staging.project, staging.owner, staging.tasks_dir, staging.on_remove) == ("gis-prod", "gp_owner", "jobs", None)
    assert staging.variables == {"GP_SERVER_URL": "https://staging.example.com/server", "REGION": "north"}
    assert staging.mass_delete == {"share": 0.25, "count": 10}
    assert staging.connection == {"portal": "https://staging.example.com/portal"}
    production = project.load(path, environment="production")
    assert (production.owner, production.on_remove) == ("prod_owner", "disable")
    assert production.connection == {"portal": "https://gis.example.com/portal", "username": "svc_gp"}
    bare = project.load(path)
    assert bare.connection == {} and bare.owner == "gp_owner" and bare.environment is None


def test_it_is_found_upward_but_not_past_the_repository_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "project: outside\n")
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "tasks.d" / "deep").mkdir(parents=True)
    monkeypatch.chdir(repo / "tasks.d" / "deep")
    assert project.find(Path.cwd()) is None, "a file above the repository is not this repository's"
    write(repo, "project: inside\n")
    found = project.find(Path.cwd())
    assert found is not None and project.load(found).project == "inside"
    assert project.load(found).tasks_dir == str(repo / "tasks.d"), "tasks is relative to the file, not the cwd"


def test_every_problem_at_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, "project: Bad Id\nowner: ''\ntasks: x\ntask: y\nenvironments:\n  prod:\n"
                           "    portal: https://x\n    timeout: 0\n    on_remove: keep\n")
    assert problems(path) == [
        "1:10 project: must be 1-20 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit",
        "2:8 owner: must be at least 1 characters long",
        "4:1 task: unknown field 'task'",
        "8:14 environments.prod.timeout: must be more than 0",
        "9:16 environments.prod.on_remove: must be one of: delete, disable",
    ]


@pytest.mark.parametrize("text, where", [
    ("project: p\npassword: hunter2\n", "2:1 password"),
    ("project: p\nenvironments:\n  prod: {token: hunter2}\n", "3:10 environments.prod.token"),
    ("project: p\nvariables:\n  GP_API_KEY: hunter2\n", "3:3 variables.GP_API_KEY"),
])
def test_a_credential_is_refused_and_never_shown(tmp_path: Path, text: str, where: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ProjectFileError) as e:
        project.load(path)
    assert "hunter2" not in str(e.value)
    assert [f"{p.source.line}:{p.source.column} {p.field}" for p in e.value.problems] == [where]
    assert "RECONCILER_PASSWORD or RECONCILER_TOKEN" in (e.value.problems[0].hint or "")


@pytest.mark.parametrize("text, message", [
    ("", "must hold exactly one YAML document"),
    ("project: a\n---\nproject: b\n", "must hold exactly one YAML document"),
    ("project: [\n", "project"),
    ("owner: x\n", "missing required field 'project'"),
    ("project: p\nadopt_mark: ' [x]'\n", "must start with visible text"),
])
def test_malformed_files(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ProjectFileError, match=message.replace("[", r"\[")):
        project.load(path)


def test_an_unknown_environment_lists_the_known_ones(tmp_path: Path) -> None:
    (tmp_path / "jobs").mkdir()
    assert problems(write(tmp_path, FULL), "qa") == ["6:1 environments: no environment 'qa' (known: production, staging)"]


def test_a_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(project.ConfigError, match="cannot read the project file"):
        project.load(tmp_path / "nope.yaml")


def test_keys_yaml_does_not_read_as_names_and_urls_with_credentials(tmp_path: Path) -> None:
    path = write(tmp_path, "project: p\nvariables: {1: a}\nenvironments:\n  ~: {}\n"
                           "  prod: {portal: 'https://bob:pw@gis.example.com/portal'}\n")
    assert problems(path) == [
        "2:13 variables.1: a name must be text, and YAML reads this key as a number",
        "4:3 environments.None: a name must be text, and YAML reads this key as null",
        "5:18 environments.prod.portal: must not hold a user name or password",
    ]


def test_a_tasks_folder_that_is_not_there_is_refused_at_its_line(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert problems(write(tmp_path, "project: p\ntasks: nope\n")) == [
        "2:1 tasks: the task folder nope is not a folder (or does not exist)"]
