"""tasks.d/ -> TaskSpecs and Problems. Reports every problem in every file; never raises on bad input."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Collection, Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from reconciler import quartz
from reconciler.instants import parse_instant
from reconciler.jsonforms import canonical_json
from reconciler.masking import mask_words
from reconciler.model import FieldPath, LoadResult, Problem, Severity, SourceRef, TaskSpec, ZoneSettings, dotted
from reconciler.taskfiles import implicit, rules, schedules, schema, zoning
from reconciler.taskfiles import workers as workers_
from reconciler.taskfiles.discovery import discover
from reconciler.taskfiles.variables import Asked, Resolved, resolve, unused
from reconciler.taskfiles.yamlsource import Document, Position, YamlSyntaxError, load_documents

UTC_SCHEDULES = ZoneSettings()  # no project file: schedules are UTC, as written
_SHOWN_FIELDS = ("name", "previous_names", "owner", "type")  # identity: printed everywhere


MAX_FILE_BYTES = 2 * 1024 * 1024  # a task file larger than this is refused unread (see yamlsource.MAX_VALUES)


def load(
    directory: str | Path, *, variables: Mapping[str, str], now: datetime, allow_empty: bool = False,
    mark: str | None = None, unset_secrets_unknown: bool = False, assigned: Collection[str] = (),
    zones: ZoneSettings = UTC_SCHEDULES,
) -> LoadResult:
    """Load and check every task file in `directory`.

    Args:
        directory: the tasks folder (e.g. "tasks.d").
        variables: values for ${NAME} references (normally the environment).
        now: the current time, for warnings about schedules that already ended.
        allow_empty: a folder without task files is a warning, not an error (plan/apply
            --allow-empty: the user means to remove every managed task).
        mark: the ownership mark titles will carry, when known: names too long for a title
            with it are errors (rules.long_names).
        unset_secrets_unknown: an unset `${secret:NAME}` in a task's parameters is no error; the
            spec lists the value as unknown (TaskSpec.unknown_paths) for `reconciler status`.
        assigned: the --var names: one no task file refers to is a warning (a misspelt name).
        zones: the project's time-zone settings (a task's `timezone:` and its default).
    """
    with loading(directory, variables=variables, now=now, allow_empty=allow_empty, mark=mark,
                 unset_secrets_unknown=unset_secrets_unknown, assigned=assigned, zones=zones) as result:
        return result()


@contextlib.contextmanager
def loading(
    directory: str | Path, *, variables: Mapping[str, str], now: datetime, allow_empty: bool = False,
    mark: str | None = None, unset_secrets_unknown: bool = False, assigned: Collection[str] = (),
    zones: ZoneSettings = UTC_SCHEDULES, workers: bool = False,
) -> Iterator[Callable[[], LoadResult]]:
    """load(), begun: the block gets a function that returns the LoadResult. With `workers`, many
    files are read in worker processes (taskfiles.workers) while the block goes on, e.g. to page
    through the portal's listing: start any thread only inside the block (workers are forked)."""
    root = Path(directory)
    if not root.is_dir():
        problem = Problem(
            source=SourceRef(path=str(root)),
            field="",
            message="no such folder" if not root.exists() else "not a folder",
            hint="pass the folder that holds your task files, e.g. `reconciler validate tasks.d`",
        )
        yield lambda: LoadResult(specs=(), problems=(problem,), files=())
        return
    files, problems = discover(root)
    asked = Asked(variables)
    job = functools.partial(_load_asking, variables=asked, now=now, unset_secrets_unknown=unset_secrets_unknown,
                            zones=zones)
    pending = workers_.Pending(job, files, parallel=workers)

    def result() -> LoadResult:
        loaded = []
        for file_load, names in pending.results():
            loaded.append(file_load)
            asked.asked.update(names)  # a worker's own copy of `asked` saw them
        if not files and not problems:
            problems.append(
                Problem(
                    source=SourceRef(path=str(root)),
                    field="",
                    message="no task files (*.yaml, *.yml) found",
                    hint="add a task file, e.g. tasks.d/nightly-buffer.yaml (see the README for the format); plan "
                    "and apply --allow-empty remove every managed task on purpose",
                    severity=Severity.WARNING if allow_empty else Severity.ERROR,
                )
            )
        return finish(root, files, loaded, problems, asked=asked, assigned=assigned, mark=mark)

    try:
        yield result
    finally:
        pending.close()


def _load_asking(path: Path, *, variables: Asked, now: datetime, unset_secrets_unknown: bool,
                 zones: ZoneSettings) -> tuple[_FileLoad, frozenset[str]]:
    """load_file, and the variable names asked so far (in a worker, of its own copy of `variables`)."""
    loaded = load_file(path, variables=variables, now=now, unset_secrets_unknown=unset_secrets_unknown, zones=zones)
    return loaded, frozenset(variables.asked)


def finish(
    root: Path, files: list[Path], loaded: list[_FileLoad], problems: list[Problem], *, asked: Asked,
    assigned: Collection[str], mark: str | None, names_elsewhere: Collection[rules.Claim] = (),
) -> LoadResult:
    """The LoadResult of `files` (loaded by load_file): the checks across files added, problems
    sorted and masked. `names_elsewhere`: the names of task files not asked about (validate FILE),
    which the files' names must not repeat; their own problems are not reported."""
    specs = [spec for file_specs, _, _, _ in loaded for spec in file_specs]
    problems = [*problems, *(p for _, file_problems, _, _ in loaded for p in file_problems)]
    secrets = [secret for _, _, file_secrets, _ in loaded for secret in file_secrets]
    claims = [*names_elsewhere, *(c for _, _, _, file_claims in loaded for c in file_claims)]
    problems.extend(Problem(source=SourceRef(path=str(root)), field="", message=f"--var {name} is not used by any "
                            f"task file", hint=f"no task file holds ${{{name}}}: check the spelling, or drop "
                            f"--var {name}", severity=Severity.WARNING) for name in unused(assigned, asked))
    shown = {str(f) for f in files}
    across = [p for p in rules.duplicate_names(claims) if p.source.path in shown]  # elsewhere's come first
    across += rules.long_names(specs, mark) if mark is not None else ()
    problems.extend(across)
    failed = {p.source for p in across}
    specs = [spec for spec in specs if spec.source not in failed]  # so "N valid tasks" counts only those
    problems.sort(key=lambda p: (p.source.path, p.source.line or 0, p.source.column or 0))
    masked = tuple(_mask(p, tuple(secrets)) for p in problems)
    return LoadResult(
        specs=tuple(specs), problems=masked, files=tuple(str(f) for f in files), secret_values=tuple(secrets),
        referenced=tuple(sorted(asked.asked)),
    )


_FileLoad = tuple[list[TaskSpec], list[Problem], list[str], list[rules.Claim]]


def load_file(
    path: Path, *, variables: Mapping[str, str], now: datetime, unset_secrets_unknown: bool = False,
    zones: ZoneSettings = UTC_SCHEDULES,
) -> _FileLoad:
    """Specs, problems, secret values and the names claimed (rules.Claim) of one file."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
        if len(raw) > MAX_FILE_BYTES:
            return [], [Problem(source=SourceRef(path=str(path)), field="",
                                message=f"larger than {MAX_FILE_BYTES:,} bytes, the most a task file may hold",
                                hint="split it into several task files")], [], []
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        return [], [Problem(source=SourceRef(path=str(path)), field="", message=f"not UTF-8 text ({e.reason})")], [], []
    except OSError as e:
        return [], [Problem(source=SourceRef(path=str(path)), field="", message=f"cannot read: {e.strerror}")], [], []
    return _load_text(text, str(path), variables=variables, now=now, unset_secrets_unknown=unset_secrets_unknown,
                      zones=zones)


def load_text(
    text: str, path: str, *, variables: Mapping[str, str], now: datetime, unset_secrets_unknown: bool = False,
    zones: ZoneSettings = UTC_SCHEDULES,
) -> tuple[list[TaskSpec], list[Problem], list[str]]:
    """Specs, problems and secret values of one file's text (names are checked across files by load)."""
    specs, problems, secrets, _ = _load_text(text, path, variables=variables, now=now,
                                             unset_secrets_unknown=unset_secrets_unknown, zones=zones)
    return specs, problems, secrets


def _load_text(
    text: str, path: str, *, variables: Mapping[str, str], now: datetime, unset_secrets_unknown: bool = False,
    zones: ZoneSettings = UTC_SCHEDULES,
) -> _FileLoad:
    try:
        documents = load_documents(text)
    except YamlSyntaxError as e:
        where = SourceRef(path=path, line=e.position.line, column=e.position.column) if e.position else SourceRef(path=path)
        return [], [Problem(source=where, field="", message=str(e), hint=e.hint)], [], []
    specs: list[TaskSpec] = []
    problems: list[Problem] = []
    secrets: list[str] = []
    claims: list[rules.Claim] = []
    for document in documents:
        if document.data is None:
            continue
        spec, doc_problems, doc_secrets, doc_claim = _load_document(document, path, variables, now,
                                                                    unset_secrets_unknown, zones)
        problems.extend(doc_problems)
        secrets.extend(doc_secrets)
        claims.extend([doc_claim] if doc_claim else [])
        if spec is not None:
            specs.append(spec)
    if not specs and not problems:
        problems.append(
            Problem(source=SourceRef(path=path), field="", message="file holds no task", severity=Severity.WARNING)
        )
    return specs, problems, secrets, claims


class _DocumentChecker:
    """Collects the problems of one YAML document, each at the position of what it concerns."""

    def __init__(self, document: Document, path: str) -> None:
        self.document = document
        self.path = path
        self.problems: list[Problem] = []
        self.secret_paths: tuple[FieldPath, ...] = ()
        self.bad_fields: set[str | int] = set()  # top-level fields with an error

    def add(
        self,
        where: FieldPath,
        message: str,
        hint: str | None = None,
        *,
        at_key: bool = False,
        warning: bool = False,
        at: Position | None = None,
    ) -> None:
        pos = at or self.document.position(where, key=at_key)
        if not warning:
            self.bad_fields.add(where[0] if where else "")
        if any(where[: len(secret)] == secret for secret in self.secret_paths):
            # Hints may quote or correct the value ("write GPService"): never for a secret.
            hint = "the value comes from a ${secret:...} variable and is not shown"
        self.problems.append(
            Problem(
                source=SourceRef(path=self.path, line=pos.line, column=pos.column),
                field=dotted(where),
                message=message,
                hint=hint,
                severity=Severity.WARNING if warning else Severity.ERROR,
            )
        )

    def add_notes(self, notes: list[schedules.Note]) -> None:
        for note in notes:
            self.add(note.where, note.message, note.hint, warning=note.warning)

    @property
    def source(self) -> SourceRef:
        """Where the task's document starts: where the task is reported as a whole."""
        pos = self.document.start
        return SourceRef(path=self.path, line=pos.line, column=pos.column)

    @property
    def failed(self) -> bool:
        return any(p.severity is Severity.ERROR for p in self.problems)


def _load_document(
    document: Document, path: str, variables: Mapping[str, str], now: datetime, unset_secrets_unknown: bool,
    zones: ZoneSettings,
) -> tuple[TaskSpec | None, list[Problem], list[str], rules.Claim | None]:
    check = _DocumentChecker(document, path)
    if not isinstance(document.data, dict):
        check.add((), "a task must be a mapping of fields", "write e.g. `name: nightly-buffer` on its own line")
        return None, check.problems, [], None
    retyped_keys = {r.path for r in document.retyped if r.key}  # reported below, as what they were written as
    for key_path, position in document.duplicate_keys:
        if key_path not in retyped_keys:
            check.add(key_path, f"field '{key_path[-1]}' is given twice", "remove one of them", at=position)
    # What the fast reader saw spares two walks of the data (yamldoc.Document.json_plain, dollars).
    plain = document.json_plain and not document.duplicate_keys
    cleaned, not_json = (document.data, []) if plain else rules.json_only(document.data)
    for bad in not_json:
        if not (bad.at_key and bad.path in retyped_keys):
            check.add(bad.path, bad.message, bad.hint, at_key=bad.at_key)
    for found in implicit.problems(document.retyped):
        check.add(found.path, found.message, found.hint, at=found.position, warning=not found.key)
    resolved = resolve(cleaned, variables, unset_secrets_unknown=unset_secrets_unknown,
                       at=document.dollars if plain else None)
    for v in resolved.problems:
        check.add(v.path, v.message, v.hint)
    for where, name in resolved.unknown:
        if where[0] != "parameters":  # a URL, date or schedule left unknown would be checked as written
            check.add(where, f"secret variable {name} is not set", f"set {name} in the environment, e.g. from your "
                      "CI's secret store; status leaves only a parameter's secret unknown")
    check.secret_paths = resolved.secret_paths + tuple(where for where, _ in resolved.unknown)
    for where in resolved.secret_paths:
        if where[0] in _SHOWN_FIELDS:
            check.add(where, f"{where[0]} cannot be secret", f"{where[0]} is shown in every plan and on the portal")
    data = resolved.data
    _check_schema(check, data, resolved, skip=tuple(bad.path for bad in not_json))
    # Fields the schema accepted are checked further even when others failed, so one run
    # reports every problem; the spec is built only from a document without errors.
    spec = _build_spec(check, data, resolved, now, zones)
    claim = rules.claim(data, check.bad_fields, check.source)
    return (None if check.failed else spec), check.problems, list(resolved.secret_values), claim


def _check_schema(
    check: _DocumentChecker, data: dict[str, Any], resolved: Resolved, *, skip: tuple[FieldPath, ...]
) -> None:
    for problem in schema.check(data):
        if resolved.unresolved(problem.path):
            continue  # already reported as an unresolved variable
        if any(problem.path[: len(p)] == p for p in skip):
            continue  # already reported as not JSON
        check.add(problem.path, problem.message, problem.hint, at_key=problem.at_key)


def _build_spec(check: _DocumentChecker, data: dict[str, Any], resolved: Resolved, now: datetime,
                zones: ZoneSettings) -> TaskSpec | None:
    ok = {key for key in ("schedule", "start", "end", "timezone") if key in data and key not in check.bad_fields}
    schedule = None
    if "schedule" in ok:
        schedule, notes = schedules.read(data["schedule"])
        check.add_notes(notes)
    zone = data["timezone"] if "timezone" in ok else None if "timezone" in data else zoning.default_zone(zones)
    if "timezone" in ok and (problem := zoning.zone_problem(zone or "")):
        check.add(("timezone",), problem, zoning.ZONE_HINT)
        zone = None
    zoned, fields = None, schedule.fields if schedule else None
    if schedule is not None and zone is not None and not check.failed:
        zoned, fields, notes = zoning.compile_schedule(schedule.expr, zone, zones, now)
        check.add_notes(notes)
    start = _instant(check, data, "start") if "start" in ok else None
    end = _instant(check, data, "end") if "end" in ok else None
    if start and end and start >= end:
        check.add(("end",), "end must be after start", f"start is {data['start']}")
    if end and end <= now:
        check.add(("end",), "end is in the past: the task will never run", warning=True)
    if fields is not None and not check.failed:
        check.add_notes(schedules.window_notes(quartz.from_fields(fields), start=start, end=end, now=now,
                                               tz=ZoneInfo(zones.scheduler)))
    if schedule is None or fields is None or check.failed:
        return None
    return TaskSpec(
        name=data["name"],
        task_type=data.get("type", "GPService"),
        task_url=data.get("task_url"),
        parameters_json=canonical_json(data.get("parameters", {})),
        schedule=fields,
        schedule_text=schedule.text,
        zoned=zoned,
        enabled=data.get("enabled", True),
        max_occurrences=int(data["max_occurrences"]) if "max_occurrences" in data else None,
        start=start,
        end=end,
        item_id=data.get("item_id"),
        adopt_id=data.get("adopt_id"),
        owner=data.get("owner"),
        previous_names=tuple(data.get("previous_names", ())),
        secret_paths=check.secret_paths,
        unknown_paths=tuple(where for where, _ in resolved.unknown),
        unset_secrets=tuple(sorted({name for _, name in resolved.unknown})),
        source=check.source,
    )


def _instant(check: _DocumentChecker, data: dict[str, Any], key: str) -> datetime | None:
    text = data[key]
    try:
        value = parse_instant(text)
    except ValueError as e:
        check.add((key,), f"not a valid date-time: {e}", 'e.g. "2027-01-01T00:00:00Z"')
        return None
    return value


def _mask(problem: Problem, secrets: tuple[str, ...]) -> Problem:
    if not secrets:
        return problem
    from dataclasses import replace

    return replace(
        problem,
        message=mask_words(problem.message, secrets),
        hint=mask_words(problem.hint, secrets) if problem.hint else None,
    )
