"""The task JSON Schema: where it lives, and its errors in words a GIS administrator can act on."""

from __future__ import annotations

import difflib
import functools
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import fastjsonschema

from reconciler.model import FieldPath

if TYPE_CHECKING:  # jsonschema is imported when a document fails the compiled check: start-up stays short
    import jsonschema
    from jsonschema.exceptions import ValidationError
from reconciler.taskfiles.placeholders import for_checking

SCHEMA_FILE = "task.schema.json"
PROJECT_SCHEMA_FILE = "project.schema.json"

_PATTERN_MESSAGES = {
    "name": (
        "must be 1-100 ASCII letters (A-Z, a-z), digits, '.', '_' or '-', starting with a letter or digit",
        "e.g. name: nightly-buffer",
    ),
    "previous_names": ("must be a task name: ASCII letters (A-Z, a-z), digits, '.', '_' or '-'", "e.g. previous_names: [old-name]"),
    "start": (
        "must be an ISO 8601 date-time with an offset",
        'e.g. start: "2027-01-01T00:00:00Z" or "2027-01-01T02:00:00+01:00"',
    ),
    "end": (
        "must be an ISO 8601 date-time with an offset",
        'e.g. end: "2027-12-31T23:59:59Z"',
    ),
    "item_id": ("must be a portal item ID: 32 lowercase hexadecimal characters", "copy it from the item's page URL"),
    "adopt_id": ("must be a portal task id: letters and digits", "reconciler import writes it; copy it from the task"),
    # the project file's
    "project": ("must be 1-20 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit",
                "e.g. project: gis-prod"),
    "environments": ("an environment's name must be ASCII letters, digits, '.', '_' or '-'", "e.g. production"),
    "variables": ("a variable's name must be ASCII letters, digits and '_', not starting with a digit", "e.g. GP_SERVER_URL"),
}


@dataclass(frozen=True, kw_only=True)
class SchemaProblem:
    path: FieldPath
    message: str
    hint: str | None
    at_key: bool  # point at the key (e.g. an unknown field) rather than its value


def schema_text(name: str = SCHEMA_FILE) -> str:
    """A schema shipped in the wheel (package reconciler.schemas), or the repository's copy."""
    try:
        return resources.files("reconciler.schemas").joinpath(name).read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        # Running from a source checkout: schemas/ is beside the package.
        return (Path(__file__).resolve().parents[2] / "schemas" / name).read_text(encoding="utf-8")


@functools.cache
def load_schema(name: str) -> dict[str, Any]:
    """The schema the loader checks with: substituted values get no `${...}` excuse."""
    schema: dict[str, Any] = for_checking(json.loads(schema_text(name)))
    return schema


def task_schema() -> dict[str, Any]:
    return load_schema(SCHEMA_FILE)


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str]:
    # JSON Schema patterns are ECMA-262: "$" is the end of the text. Python's "$" also matches
    # before a final newline, which would let `name: "abc\n"` through.
    return re.compile(re.sub(r"(?<!\\)\$$", r"\\Z", pattern))


def matches(pattern: str, text: str) -> bool:
    """`pattern` (from the schema) found in `text`, with ECMA-262 semantics for "$"."""
    return _compiled(pattern).search(text) is not None


def _pattern(validator: Any, pattern: str, instance: Any, subschema: Any) -> Iterator[ValidationError]:
    from jsonschema.exceptions import ValidationError

    if validator.is_type(instance, "string") and not matches(pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


@functools.cache
def _validator(name: str) -> jsonschema.protocols.Validator:
    import jsonschema

    schema = load_schema(name)
    base = jsonschema.validators.validator_for(schema)
    base.check_schema(schema)
    cls = jsonschema.validators.extend(base, {"pattern": _pattern})
    return cls(schema)


@functools.cache
def _fast(name: str) -> Callable[[Any], object] | None:
    """A compiled validator for the common case, a valid document: fastjsonschema generates Python
    code from the schema and answers about ten times faster than jsonschema, which walks the schema
    for every document (a third of loading 10,000 tasks, issue 14). It only says "valid"; every
    message still comes from jsonschema. It reads the schema as draft 7, which agrees with 2020-12 on
    every keyword the schema uses (tests/taskfiles/test_schema_fast.py pins that it never accepts what
    jsonschema refuses), and a final "$" in a pattern as the end of the text, as `matches` does.
    `use_default=False`: by default it writes the schema's defaults into the document it checks,
    and a check must leave the document (and what jsonschema then sees) as written.
    None when it cannot compile the schema: then jsonschema decides alone."""
    try:
        return fastjsonschema.compile(load_schema(name), use_default=False)
    except Exception:  # a schema it cannot read must not stop validation: jsonschema decides
        return None


def fast_valid(instance: Any, schema_file: str = SCHEMA_FILE) -> bool:
    """True when the compiled validator accepts `instance` (then jsonschema would too)."""
    validate = _fast(schema_file)
    if validate is None:
        return False
    try:
        validate(instance)
    except Exception:  # JsonSchemaValueException, or anything odd: let jsonschema judge
        return False
    return True


def check(instance: Any, schema_file: str = SCHEMA_FILE) -> list[SchemaProblem]:
    """Every schema violation of one task document (or of the project file), most specific first."""
    if fast_valid(instance, schema_file):
        return []
    problems: list[SchemaProblem] = []
    for error in sorted(_validator(schema_file).iter_errors(instance), key=lambda e: [str(p) for p in e.absolute_path]):
        problems.extend(p for p in _translate(error, instance) if p not in problems)
    return problems


def _translate(error: ValidationError, instance: Any) -> list[SchemaProblem]:
    path: FieldPath = tuple(error.absolute_path)  # context errors of oneOf have relative paths
    kind = error.validator
    if kind == "oneOf" and error.context:
        return _translate_one_of(error, instance)
    if kind == "required":
        missing = _missing(error)
        return [
            SchemaProblem(
                path=(*path, name), message=f"missing required field '{name}'", hint=_required_hint(name), at_key=True
            )
            for name in missing
        ] or [SchemaProblem(path=path, message=error.message, hint=None, at_key=True)]
    if kind == "additionalProperties":
        subschema: Any = error.schema
        allowed = sorted(subschema.get("properties", {}))
        extra = [k for k in error.instance if k not in allowed] if isinstance(error.instance, dict) else []
        return [
            SchemaProblem(
                path=(*path, name), message=f"unknown field '{name}'", hint=_suggest(str(name), allowed), at_key=True
            )
            for name in extra
        ]
    if kind == "not" and path == () and error.validator_value == {"required": ["task_url"]}:
        if instance.get("type") not in task_schema()["properties"]["type"]["enum"]:
            return []  # a follow-on of the bad type, which is reported itself ("case matters: write GPService")
        return [
            SchemaProblem(
                path=("task_url",),
                message=f"task_url is only for GPService tasks, not {instance.get('type')}",
                hint="remove task_url, or set type: GPService",
                at_key=True,
            )
        ]
    return [SchemaProblem(path=path, message=_message(error, path), hint=_hint(error, path), at_key=False)]


def _translate_one_of(error: ValidationError, instance: Any) -> list[SchemaProblem]:
    """Explain the branch whose type fits the value (a schedule mapping missing fields gets
    every missing field, not "must be a string"); if none fits, name the types accepted."""
    branches: dict[Any, list[ValidationError]] = {}
    for sub in error.context or ():
        branches.setdefault(sub.schema_path[0] if sub.schema_path else None, []).append(sub)
    fitting = [errs for errs in branches.values() if not any(e.validator == "type" and not e.relative_path for e in errs)]
    if fitting:
        return [problem for sub in fitting[0] for problem in _translate(sub, instance)]
    types: Any = [e.validator_value for errs in branches.values() for e in errs if e.validator == "type"]
    names = " or ".join(_article(_word(t)) + _word(t) for t in types if isinstance(t, str))
    path: FieldPath = tuple(error.absolute_path)
    if not names:
        from jsonschema.exceptions import best_match

        return _translate(best_match(error.context), instance)
    return [SchemaProblem(path=path, message=f"must be {names}, not {_json_type(error.instance)}", hint=None, at_key=False)]


def _missing(error: ValidationError) -> list[str]:
    present = error.instance if isinstance(error.instance, dict) else {}
    required: Any = error.validator_value
    return [name for name in required if name not in present]


def _required_hint(name: str) -> str | None:
    return {
        "name": "every task needs a unique name, e.g. name: nightly-buffer",
        "schedule": 'add a Quartz schedule, e.g. schedule: "0 0 2 ? * MON-FRI" (02:00 UTC, Monday to Friday)',
        "task_url": "GPService tasks need the GP task URL, e.g. "
        "https://gis.example.com/server/rest/services/Tools/Buffer/GPServer/Buffer",
        "item_id": "this task type runs against a portal item: give its 32-character ID",
        "parameters": "this task type needs parameters (see the ArcGIS docs for its shape)",
    }.get(name)


def _suggest(name: str, choices: list[str]) -> str | None:
    close = difflib.get_close_matches(name, choices, n=1)
    if close:
        return f"did you mean '{close[0]}'?"
    return "allowed fields: " + ", ".join(choices)


def _field(path: FieldPath) -> str:
    named = [p for p in path if isinstance(p, str)]
    return named[0] if named else ""


def _pattern_field(error: ValidationError, path: FieldPath) -> str:
    """The field whose pattern failed: for a key's name (propertyNames) the mapping holding it."""
    if "propertyNames" in error.schema_path:
        named = [p for p in path if isinstance(p, str)]
        return named[-1] if named else ""
    return _field(path)


def _message(error: ValidationError, path: FieldPath) -> str:
    kind = error.validator
    value: Any = error.validator_value
    if kind == "pattern" and path == ("task_url",):
        return (diagnose_task_url(str(error.instance)) or ("task_url is not a GP task URL", ""))[0]
    if kind == "pattern":
        known = _PATTERN_MESSAGES.get(_pattern_field(error, path))
        if known:
            return known[0]
        return f"{error.instance!r} does not have the expected form"
    if kind == "type":
        expected = value
        expected_text = " or ".join(map(_word, expected)) if isinstance(expected, list) else _word(expected)
        return f"must be {_article(expected_text)}{expected_text}, not {_json_type(error.instance)}"
    if kind == "enum":
        return "must be one of: " + ", ".join(str(v) for v in value)
    if kind == "minimum":
        return f"must be at least {value}"
    if kind == "exclusiveMinimum":
        return f"must be more than {value}"
    if kind == "maximum":
        return f"must be at most {value}"
    if kind in ("minLength", "maxLength"):
        return f"must be {'at least' if kind == 'minLength' else 'at most'} {value} characters long"
    if kind == "uniqueItems":
        return "must not list the same value twice"
    return error.message


def _hint(error: ValidationError, path: FieldPath) -> str | None:
    if error.validator == "pattern" and path == ("task_url",):
        return (diagnose_task_url(str(error.instance)) or ("", None))[1]
    if error.validator == "pattern":
        known = _PATTERN_MESSAGES.get(_pattern_field(error, path))
        return known[1] if known else None
    if error.validator == "enum" and isinstance(error.instance, str):
        enum: Any = error.validator_value
        choices = [str(v) for v in enum]
        close = difflib.get_close_matches(error.instance, choices, n=1, cutoff=0.5)
        lowered = {c.lower(): c for c in choices}
        if error.instance.lower() in lowered:
            return f"case matters: write {lowered[error.instance.lower()]}"
        return f"did you mean {close[0]}?" if close else None
    if error.validator == "type" and _field(path) in ("start", "end"):
        return 'quote the date-time, e.g. start: "2027-01-01T00:00:00Z"'
    return None


def _word(json_type: str) -> str:
    """JSON Schema type names in YAML terms."""
    return {"object": "mapping", "array": "list"}.get(json_type, json_type)


def _article(word: str) -> str:
    return "an " if word[:1] in "aeiou" else "a "


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def diagnose_task_url(url: str) -> tuple[str, str] | None:
    """Why `url` is not a GP task URL, and how to fix it; None when it looks right."""
    if matches(task_schema()["properties"]["task_url"]["pattern"], url):
        return None
    if not re.match(r"^https?://[^/\s]+/", url):
        return "task_url must be an http(s) URL", "e.g. https://gis.example.com/server/rest/services/Tools/Buffer/GPServer/Buffer"
    trimmed = url.rstrip("/")
    if re.search(r"/GPServer$", trimmed, re.I):
        return (
            "task_url points at the GP service, not one of its tasks",
            f"append the task name: {trimmed}/<TaskName> (the service's REST page lists its tasks)",
        )
    job_op = re.search(r"/GPServer/[^/]+/(submitJob|execute|jobs(/.*)?)$", trimmed, re.I)
    if job_op:
        return "task_url must end at the GP task, not an operation", f"remove '/{job_op.group(1)}': {trimmed[: job_op.start(1) - 1]}"
    if "/rest/services/" not in trimmed:
        return (
            "task_url is not an ArcGIS Server REST services URL",
            "expected https://host/<context>/rest/services/[folder/]<service>/GPServer/<task>",
        )
    other = re.search(r"/(MapServer|FeatureServer|ImageServer|SceneServer|GeometryServer)\b", trimmed)
    if other:
        return (
            f"task_url points at a {other.group(1)}, not a geoprocessing service",
            "a GPService task needs .../GPServer/<task>",
        )
    return (
        "task_url is not a GP task URL",
        "expected https://host/<context>/rest/services/[folder/]<service>/GPServer/<task>",
    )
