"""The project file, `reconciler.yaml`: which portal tasks this repository owns, and where they go.

    project: gis-prod              # the id in every managed title: "[reconciler:gis-prod] <name>"
    owner: gp_owner                # tasks without `owner:` belong to this user, whoever signs in
    tasks: tasks.d                 # relative to this file
    collisions: {per_minute: 5}    # plan warns when more tasks start in one minute on one GP service
    environments:                  # chosen with --environment NAME
      production: {portal: https://gis.example.com/portal, variables: {GP_SERVER_URL: ...}}

It is found from the working directory upward (stopping at the repository root, the folder
that holds `.git`), or named with --config. Checked against schemas/project.schema.json with
`path:line:column` errors like a task file's; it never holds a credential (a key or variable
named like one is refused). An environment's settings override the file's top level.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from reconciler.errors import ConfigError
from reconciler.masking import is_credential_key
from reconciler.model import FieldPath, Problem, SourceRef, ZoneSettings, dotted
from reconciler.taskfiles import schema, zoning
from reconciler.taskfiles.yamlsource import Document, YamlSyntaxError, load_documents

PROJECT_FILE = "reconciler.yaml"
DEFAULT_TASKS = "tasks.d"
MAX_BYTES = 256 * 1024
CONNECTION_KEYS = ("portal", "username", "ca_bundle", "insecure", "timeout", "max_response_mb")
_NO_SECRETS = ("secrets never go in the project file: set RECONCILER_PASSWORD or RECONCILER_TOKEN, "
               "or reference ${secret:NAME} in a task file and set NAME in the environment")


@dataclass(frozen=True, kw_only=True)
class ProjectConfig:
    """The project file with one environment's settings merged over its top level."""

    path: str
    project: str
    tasks_dir: str  # relative to the working directory, or absolute
    adopt_mark: str | None = None
    environment: str | None = None
    owner: str | None = None
    variables: Mapping[str, str] = field(default_factory=dict)
    on_remove: str | None = None
    mass_delete: Mapping[str, float] = field(default_factory=dict)  # share, count
    collisions: Mapping[str, int] = field(default_factory=dict)  # per_minute
    connection: Mapping[str, Any] = field(default_factory=dict)  # CONNECTION_KEYS given
    environments: tuple[str, ...] = ()  # the names under environments:, chosen or not
    zones: ZoneSettings = field(default_factory=ZoneSettings)  # timezone, scheduler_timezone, dst_notice_days


class ProjectFileError(ConfigError):
    """The project file cannot be used; `problems` are its findings, each at its line."""

    def __init__(self, path: str, problems: list[Problem]) -> None:
        lines = [f"{path} is not a valid project file:"]
        for p in problems:
            lines.append(f"{p.source}: {p.field + ': ' if p.field else ''}{p.message}")
            if p.hint:
                lines.append(f"  hint: {p.hint}")
        super().__init__("\n".join(lines))
        self.problems = problems


def find(start: Path) -> Path | None:
    """`reconciler.yaml` in `start` or the nearest folder above it, up to the repository root."""
    for folder in (start, *start.parents):
        candidate = folder / PROJECT_FILE
        if candidate.is_file():
            return _relative(candidate)
        if (folder / ".git").exists():
            return None
    return None


def load(path: str | Path, *, environment: str | None = None) -> ProjectConfig:
    """Read and check the project file, then merge `environment` (if given) over its top level.

    Raises:
        ProjectFileError: unreadable, not YAML, against the schema, a credential in it, or no
            such environment.
    """
    where = str(path)
    try:
        with Path(path).open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
        text = raw.decode("utf-8")
    except OSError as e:
        raise ConfigError(f"cannot read the project file {where}: {e.strerror or e}") from None
    except UnicodeDecodeError as e:
        raise _error(where, (), f"not UTF-8 text ({e.reason})") from None
    if len(raw) > MAX_BYTES:
        raise _error(where, (), f"larger than {MAX_BYTES:,} bytes, far more than a project file needs")
    try:
        documents = [d for d in load_documents(text) if d.data is not None]
    except YamlSyntaxError as e:
        source = SourceRef(path=where, line=e.position.line, column=e.position.column) if e.position else SourceRef(path=where)
        raise ProjectFileError(where, [Problem(source=source, field="", message=str(e), hint=e.hint)]) from None
    if len(documents) != 1:
        raise _error(where, (), "must hold exactly one YAML document (a mapping with at least `project:`)")
    document = documents[0]
    problems = sorted(_problems(document, where), key=lambda p: (p.source.line or 0, p.source.column or 0))
    if problems:
        raise ProjectFileError(where, problems)
    return _merged(document, Path(path), environment)


def _problems(document: Document, where: str) -> list[Problem]:
    def at(path: FieldPath, message: str, hint: str | None, *, key: bool) -> Problem:
        pos = document.position(path, key=key)
        return Problem(source=SourceRef(path=where, line=pos.line, column=pos.column), field=dotted(path),
                       message=message, hint=hint)

    problems = [at(path, f"field '{path[-1]}' is given twice", "remove one of them", key=True)
                for path, _ in document.duplicate_keys]
    credentials = list(_credentials(document.data, ()))
    problems += [at(path, "holds a credential", _NO_SECRETS, key=True) for path in credentials]
    problems += [at(p.path, p.message, p.hint, key=p.at_key)
                 for p in schema.check(document.data, schema.PROJECT_SCHEMA_FILE)
                 if not any(p.path[: len(c)] == c for c in credentials)]
    data = document.data
    problems += [at((*path[:-1], str(path[-1])), f"a name must be text, and YAML reads this key as "
                    f"{_yaml_word(path[-1])}", "quote it, e.g. \"1\": or \"null\":", key=True)
                 for path in _odd_keys(data)]  # positions are recorded under the key's text
    problems += [at(path, message, hint, key=False) for path, message, hint in _bad_portals(data)]
    problems += [at(path, message, zoning.ZONE_HINT, key=False) for path, message in _bad_zones(data)]
    adopt = data.get("adopt_mark") if isinstance(data, dict) else None
    if isinstance(adopt, str) and adopt and (adopt[0].isspace() or not adopt.isprintable()):
        problems.append(at(("adopt_mark",), "must start with visible text and hold no control characters",
                           "copy the mark exactly as your task titles start, e.g. adopt_mark: '[reconciler] '", key=False))
    return problems


def _named(data: Any) -> list[tuple[FieldPath, dict[Any, Any]]]:
    """The mappings whose keys are names: environments, and every `variables`."""
    if not isinstance(data, dict):
        return []
    found: list[tuple[FieldPath, Any]] = [(("variables",), data.get("variables"))]
    environments = data.get("environments")
    if isinstance(environments, dict):
        found.append((("environments",), environments))
        found += [(("environments", name, "variables"), entry.get("variables"))
                  for name, entry in environments.items() if isinstance(entry, dict)]
    return [(path, value) for path, value in found if isinstance(value, dict)]


def _odd_keys(data: Any) -> list[FieldPath]:
    """Keys of name mappings that YAML read as something else (`1:`, `true:`, `~:`)."""
    return [(*path, key) for path, mapping in _named(data) for key in mapping if not isinstance(key, str)]


def _yaml_word(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return "a number" if isinstance(value, (int, float)) else type(value).__name__


def _bad_portals(data: Any) -> list[tuple[FieldPath, str, str]]:
    """Environment portals that are no http(s) URL, or that carry a user name or password."""
    environments = data.get("environments") if isinstance(data, dict) else None
    found: list[tuple[FieldPath, str, str]] = []
    for name, entry in (environments or {}).items() if isinstance(environments, dict) else ():
        url = entry.get("portal") if isinstance(entry, dict) else None
        if isinstance(url, str):
            problem = _url_problem(url)
            if problem is not None:
                found.append((("environments", name, "portal"), *problem))
    return found


def _bad_zones(data: Any) -> list[tuple[FieldPath, str]]:
    """`timezone` and `scheduler_timezone` values, at the top and in each environment, that name no zone."""
    if not isinstance(data, dict):
        return []
    environments = data.get("environments")
    places: list[tuple[FieldPath, Any]] = [((), data)]
    if isinstance(environments, dict):
        places += [(("environments", name), entry) for name, entry in environments.items()]
    return [((*where, key), problem) for where, entry in places if isinstance(entry, dict)
            for key in ("timezone", "scheduler_timezone") if isinstance(entry.get(key), str)
            and (problem := zoning.zone_problem(entry[key])) is not None]


def _url_problem(url: str) -> tuple[str, str] | None:
    example = "e.g. https://gis.example.com/portal"
    try:
        parts = urlsplit(url.strip())
        host, _ = parts.hostname, parts.port
    except ValueError:
        return "is not a valid URL", example
    if parts.scheme not in ("http", "https") or not host:
        return "is not an http(s) URL", example
    if parts.username or parts.password:
        return ("must not hold a user name or password",
                "give the user as `username:`; the password comes from RECONCILER_PASSWORD")
    return None


def _credentials(value: Any, path: FieldPath) -> list[FieldPath]:
    """Paths of every key named like a credential (password, token, api_key, ...), at any depth."""
    found: list[FieldPath] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if is_credential_key(str(key)):
                found.append((*path, key))
            else:
                found.extend(_credentials(item, (*path, key)))
    return found


def _merged(document: Document, path: Path, environment: str | None) -> ProjectConfig:
    data: dict[str, Any] = document.data
    environments: dict[str, Any] = data.get("environments") or {}
    chosen: dict[str, Any] = {}
    if environment is not None:
        if environment not in environments:
            known = ", ".join(sorted(environments)) or "none"
            raise _error(str(path), ("environments",), f"no environment {environment!r} (known: {known})",
                         hint="pick one of them with --environment, or add it under environments:",
                         document=document)
        chosen = environments[environment] or {}

    def pick(key: str) -> Any:
        return chosen.get(key, data.get(key))

    tasks = Path(data.get("tasks", DEFAULT_TASKS))
    if not tasks.is_absolute():
        tasks = _relative(path.parent / tasks)
    if "tasks" in data and not tasks.is_dir():
        raise _error(str(path), ("tasks",), f"the task folder {tasks} is not a folder (or does not exist)",
                     hint="`tasks:` is relative to this file; point it at the folder of task files", document=document)
    return ProjectConfig(
        path=str(path),
        project=data["project"],
        tasks_dir=str(tasks),
        adopt_mark=data.get("adopt_mark"),
        environment=environment,
        environments=tuple(sorted(environments)),
        owner=pick("owner"),
        variables={**(data.get("variables") or {}), **(chosen.get("variables") or {})},
        on_remove=pick("on_remove"),
        mass_delete={**(data.get("mass_delete") or {}), **(chosen.get("mass_delete") or {})},
        collisions={**(data.get("collisions") or {}), **(chosen.get("collisions") or {})},
        connection={k: chosen[k] for k in CONNECTION_KEYS if k in chosen},
        zones=ZoneSettings(timezone=pick("timezone"), scheduler=pick("scheduler_timezone") or "UTC",
                           notice_days=pick("dst_notice_days") if pick("dst_notice_days") is not None else 7),
    )


def _relative(path: Path) -> Path:
    """`path` relative to the working directory when it lies below it (shorter in messages)."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def _error(where: str, path: FieldPath, message: str, *, hint: str | None = None,
           document: Document | None = None) -> ProjectFileError:
    pos = document.position(path, key=True) if document is not None else None
    source = SourceRef(path=where, line=pos.line, column=pos.column) if pos else SourceRef(path=where)
    return ProjectFileError(where, [Problem(source=source, field=dotted(path), message=message, hint=hint)])
