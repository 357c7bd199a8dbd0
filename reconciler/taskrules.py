"""Pure rules about task documents: values JSON cannot hold, GP task URLs, unique names."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any

from reconciler import schema
from reconciler.model import Problem, TaskSpec

Path = tuple[str | int, ...]


def not_json(value: Any, path: Path) -> list[tuple[Path, str, str | None, bool]]:
    """Values YAML can express but JSON (and so the portal) cannot, with where they are."""
    found: list[tuple[Path, str, str | None, bool]] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                found.append(((*path, key), f"field name {key!r} is not text", f'quote it: "{key}":', True))
            found.extend(not_json(item, (*path, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(not_json(item, (*path, index)))
    elif isinstance(value, float) and not math.isfinite(value):
        found.append((path, f"{value} is not a JSON number", "write a finite number, or quote it as text", False))
    elif not isinstance(value, (str, int, float, bool, type(None))):
        kinds: dict[type, str] = {bytes: "binary data (!!binary)", set: "a set (!!set)"}
        kind = kinds.get(type(value), f"a {type(value).__name__}")
        found.append((path, f"{kind} is not a JSON value", "use text, numbers, true/false, lists and mappings", False))
    return found


def jsonable(value: Any) -> Any:
    """`value` with keys as text and non-JSON values as None (they are reported separately)."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (str, int, float, bool, type(None))):
        return value
    return None


def diagnose_task_url(url: str) -> tuple[str, str] | None:
    """Why `url` is not a GP task URL, and how to fix it; None when it looks right."""
    if re.match(schema.task_schema()["properties"]["task_url"]["pattern"], url):
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


def duplicate_names(specs: Iterable[TaskSpec]) -> list[Problem]:
    """Names (and previous names) must be unique across the whole folder."""
    seen: dict[str, TaskSpec] = {}
    problems: list[Problem] = []
    for spec in specs:
        for name in (spec.name, *spec.previous_names):
            first = seen.get(name)
            if first is not None and first is not spec:
                problems.append(
                    Problem(
                        source=spec.source,
                        field="name" if name == spec.name else "previous_names",
                        message=f"task name '{name}' is already used at {first.source}",
                        hint="names identify tasks on the portal and must be unique across the folder",
                    )
                )
            else:
                seen[name] = spec
    return problems
