"""Portal tasks -> task files (`reconciler import`): the loader's inverse. Pure.

What is written reads back as the same task: the schedule as Quartz text, parameters as YAML,
dates as ISO 8601, and every `${` in a value escaped as `$${` (it would read as a variable).
A parameter value that looks like a credential (at a credential-named key, or a long token-like
string [I]) is never written: it becomes `${secret:NAME}`, and NAME is reported so that it can
be set in the environment. A task that is not yet managed gets `adopt_id`, so the next plan
retitles it with the ownership mark instead of creating a second one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from reconciler import quartz
from reconciler.errors import CronError
from reconciler.instants import iso_ms
from reconciler.masking import is_credential_key
from reconciler.model import RemoteTask

MAX_NAME = 100
_NOT_NAME = re.compile(r"[^A-Za-z0-9._-]+")
# A long unbroken string mixing cases and digits, or a JWT: what access tokens and API keys look
# like. Item ids (32 lower-case hex) and URLs do not match [I].
_TOKEN = re.compile(r"^(?=.*[a-z])(?=.*[A-Z])(?=.*\d)[A-Za-z0-9._~+=-]{40,}$|^[\w-]{10,}\.[\w-]{10,}\.[\w-]{10,}$")


@dataclass(frozen=True, kw_only=True)
class Imported:
    name: str
    file_name: str
    text: str
    secrets: tuple[tuple[str, str], ...]  # (parameter path, environment variable to set)


def name_for(title: str, taken: set[str], *, longest: int = MAX_NAME) -> str:
    """A task name from a portal title (letters, digits, `.`, `_`, `-`; at most `longest`
    characters), unique among `taken`."""
    base = _NOT_NAME.sub("-", title).strip(".-_")[:min(longest, MAX_NAME) - 4] or "task"
    if not base[0].isalnum():
        base = "t" + base
    name, n = base, 2
    while name in taken:
        name, n = f"{base}-{n}", n + 1
    return name


def imported(task: RemoteTask, *, name: str, default_owner: str, adopt: bool) -> Imported:
    """The task file for `task`; `adopt`: the task is not managed yet (write adopt_id)."""
    secrets: list[tuple[str, str]] = []
    data: dict[str, Any] = {"name": name}
    if adopt:
        data["adopt_id"] = task.id
    if task.owner != default_owner:
        data["owner"] = task.owner
    if task.task_type != "GPService":
        data["type"] = task.task_type
    if task.task_url:
        data["task_url"] = _escaped(task.task_url)
    if task.item_id:
        data["item_id"] = task.item_id
    if task.parameters:
        data["parameters"] = _parameters(task.parameters, name, ("parameters",), secrets)
    notes = [f"# Imported by `reconciler import` from portal task {task.id} of {task.owner}, titled {task.title!r}."]
    try:
        quartz.from_fields(task.schedule)
        data["schedule"] = task.schedule.quartz()
    except CronError as e:
        data["schedule"] = {"minute": task.schedule.minute, "hour": task.schedule.hour,
                            "day_of_month": task.schedule.day_of_month, "month": task.schedule.month,
                            "day_of_week": task.schedule.day_of_week}
        notes.append(f"# The portal's schedule is not valid Quartz ({e}): fix it before applying.")
    data["enabled"] = task.active
    if task.max_occurrences not in (None, -1):
        data["max_occurrences"] = task.max_occurrences
    for key, ms in (("start", task.start_date), ("end", task.end_date)):
        if ms is not None:
            data[key] = iso_ms(ms)
    notes += [f"# {path}: the portal's value looks like a credential and is not written; set {var} in the "
              "environment" for path, var in secrets]
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100)
    return Imported(name=name, file_name=f"{name}.yaml", text="\n".join(notes) + "\n" + body, secrets=tuple(secrets))


def _parameters(value: Any, name: str, path: tuple[str, ...], secrets: list[tuple[str, str]]) -> Any:
    if isinstance(value, dict):
        return {k: _secret(name, (*path, str(k)), secrets) if is_credential_key(str(k)) and _scalar(v)
                else _parameters(v, name, (*path, str(k)), secrets) for k, v in value.items()}
    if isinstance(value, list):
        return [_parameters(v, name, (*path, str(i)), secrets) for i, v in enumerate(value)]
    if isinstance(value, str) and _TOKEN.match(value):
        return _secret(name, path, secrets)
    return _escaped(value) if isinstance(value, str) else value


def _secret(name: str, path: tuple[str, ...], secrets: list[tuple[str, str]]) -> str:
    var = re.sub(r"[^A-Z0-9]+", "_", f"IMPORTED_{name}_{'_'.join(path[1:])}".upper()).strip("_")
    secrets.append((".".join(path), var))
    return f"${{secret:{var}}}"


def _scalar(value: Any) -> bool:
    return value is not None and not isinstance(value, (dict, list))


def _escaped(text: str) -> str:
    return text.replace("${", "$${")
