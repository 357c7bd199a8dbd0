"""Portal tasks -> task files (`reconciler import`): the loader's inverse. Pure.

What is written reads back as the same task: the schedule as Quartz text, parameters as YAML,
dates as ISO 8601, and every `${` in a value escaped as `$${` (it would read as a variable).
A credential in a parameter (see credentials.py) is never written: it, or the part of a string
that is one, becomes `${secret:NAME}`, and NAME is reported so that it can be set in the
environment. A number at a credential-named key cannot be written either way (a variable reads
as text): such a task is not imported. A task that is not yet managed gets `adopt_id`, so the next plan
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
from reconciler.model import RemoteTask
from reconciler.taskfiles.credentials import is_credential_key, is_token, key_parts, spans

MAX_NAME = 100
_NOT_NAME = re.compile(r"[^A-Za-z0-9._-]+")
_RESERVED = frozenset({"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))})


@dataclass(frozen=True, kw_only=True)
class Imported:
    name: str
    file_name: str
    text: str
    secrets: tuple[tuple[str, str], ...]  # (parameter path, environment variable to set)
    refused: tuple[str, ...]  # why the file must not be written; empty: write it


def name_for(title: str, taken: set[str], *, longest: int = MAX_NAME) -> str:
    """A task name from a portal title (letters, digits, `.`, `_`, `-`; at most `longest`
    characters), unique among `taken`."""
    base = _NOT_NAME.sub("-", title).strip(".-_")[:min(longest, MAX_NAME) - 9] or "task"
    if not base[0].isalnum():
        base = "t" + base
    if base.split(".")[0].upper() in _RESERVED:  # a file Windows cannot create
        base += "-task"
    folded = {t.casefold() for t in taken}  # Case.yaml and case.yaml are one file on macOS and Windows
    name, n = base, 2
    while name.casefold() in folded:
        name, n = f"{base}-{n}", n + 1
    return name


def imported(task: RemoteTask, *, name: str, default_owner: str, adopt: bool,
             taken_variables: frozenset[str] = frozenset(), timezone: str | None = None) -> Imported:
    """The task file for `task`; `adopt`: the task is not managed yet (write adopt_id).
    `taken_variables`: secret variable names in use already (tasks.d, earlier files of this
    import): two tasks never share one, or setting it for one would give the other its secret.
    `timezone`: written with the schedule (the scheduler's zone, when the project's default zone
    differs: the portal's schedule is in the scheduler's zone, not the default one)."""
    found = _Found(secrets=[], refused=[], taken=set(taken_variables))
    data: dict[str, Any] = {"name": name}
    if adopt:
        data["adopt_id"] = task.id
    if task.owner != default_owner:
        data["owner"] = task.owner
    if task.task_type != "GPService":
        data["type"] = task.task_type
    if task.task_url:
        data["task_url"] = _parameters(task.task_url, name, ("task_url",), found)
    if task.item_id:
        data["item_id"] = task.item_id
    if task.parameters:
        data["parameters"] = _parameters(task.parameters, name, ("parameters",), found)
    notes = [f"# Imported by `reconciler import` from portal task {task.id} of {task.owner}, titled {task.title!r}."]
    try:
        quartz.from_fields(task.schedule)
        data["schedule"] = task.schedule.quartz()
    except CronError as e:
        data["schedule"] = {"minute": task.schedule.minute, "hour": task.schedule.hour,
                            "day_of_month": task.schedule.day_of_month, "month": task.schedule.month,
                            "day_of_week": task.schedule.day_of_week}
        notes.append(f"# The portal's schedule is not valid Quartz ({e}): fix it before applying.")
    if timezone is not None:
        data["timezone"] = timezone
    data["enabled"] = task.active
    if task.max_occurrences not in (None, -1):
        data["max_occurrences"] = task.max_occurrences
    for key, ms in (("start", task.start_date), ("end", task.end_date)):
        if ms is not None:
            data[key] = iso_ms(ms)
    notes += [f"# {path}: the portal's value looks like a credential and is not written; set {var} in the "
              "environment" for path, var in found.secrets]
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100)
    return Imported(name=name, file_name=f"{name}.yaml", text="\n".join(notes) + "\n" + body,
                    secrets=tuple(found.secrets), refused=tuple(found.refused))


def _parameters(value: Any, name: str, path: tuple[str, ...], found: _Found, *, credential: bool = False) -> Any:
    """`value` as it is written: every credential in it a `${secret:NAME}` reference; under a
    credential-named key, every string is one."""
    if isinstance(value, dict):
        return {k: _parameters(v, name, (*path, str(k)), found, credential=credential or is_credential_key(str(k)))
                for k, v in value.items()}
    if isinstance(value, list):
        return [_parameters(v, name, (*path, str(i)), found, credential=credential) for i, v in enumerate(value)]
    if isinstance(value, str):
        if value and (credential or is_token(value)):
            return _secret(name, path, found)
        parts, at = [], 0
        for start, end in spans(value):
            parts += [_escaped(value[at:start]), _secret(name, path, found)]
            at = end
        return "".join(parts) + _escaped(value[at:])
    if credential and isinstance(value, (int, float)) and not isinstance(value, bool) and _secret_number(path[-1]):
        # A task file reads a variable as text: a number written as ${secret:...} would change type.
        found.refused.append(f"{'.'.join(path)} holds a number at a password's key; a task file can hold a "
                             "secret only as text, so write this task's file by hand")
    return value


@dataclass
class _Found:
    secrets: list[tuple[str, str]]
    refused: list[str]
    taken: set[str]  # variable names in use


# A number is a secret only at a key naming a password or PIN (`token_expiration: 60` is not) [I].
_NUMBER_SECRETS = frozenset({"pass", "pw", "pwd", "passwd", "password", "passphrase", "passcode", "pin", "secret"})


def _secret_number(key: str) -> bool:
    return not _NUMBER_SECRETS.isdisjoint(key_parts(key))


def _secret(name: str, path: tuple[str, ...], found: _Found) -> str:
    where = path[1:] if path[0] == "parameters" else path
    base = re.sub(r"[^A-Z0-9]+", "_", f"IMPORTED_{name}_{'_'.join(where)}".upper()).strip("_")
    var, n = base, 2
    while var in found.taken:
        var, n = f"{base}_{n}", n + 1
    found.taken.add(var)
    found.secrets.append((".".join(path), var))
    return f"${{secret:{var}}}"


def _escaped(text: str) -> str:
    return text.replace("${", "$${")
