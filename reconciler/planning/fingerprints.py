"""The two fingerprints a saved plan carries, so `apply PLANFILE` can refuse a stale plan:
one of the managed portal tasks the plan was made from, one of the task definitions. Changing
what either hashes makes every saved plan stale."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from reconciler.instants import to_ms
from reconciler.jsonforms import canonical_json
from reconciler.masking import mask_paths
from reconciler.model import RemoteTask, TaskSpec
from reconciler.planning.desired import secret_bearing
from reconciler.planning.ownership import name_from_title


def observed_fingerprint(tasks: Sequence[RemoteTask], *, mark: str, adopts: str | None = None) -> str:
    """sha256 over the managed tasks (title carries `mark` or `adopts`), in any order: what apply may touch.

    Unmanaged tasks are left out, so a hand-made task changing between plan and apply does not
    make a saved plan stale. Run bookkeeping (lastStart, nextStart, runIntervalSeconds,
    created, updated) is left out too, so a task firing meanwhile does not either; active and
    taskState are in.

    Parameter values and the task URL's query are left out (only the parameters' keys count):
    the plan file is shared, an unsalted hash of a weak secret can be brute-forced offline, and
    which values were secret is not known for a task whose file was removed. A value changed on
    the portal since plan still makes a saved plan stale whenever it changes what apply would do,
    as apply compares the recomputed changes too.
    """
    rows = sorted(
        [t.id, t.owner, t.title, t.task_type, list(t.schedule.to_wire().values()), _keys(t.parameters),
         t.item_id, _without_query(t.task_url), t.max_occurrences, t.start_date, t.end_date, t.active,
         t.task_state]
        for t in tasks
        if name_from_title(t.title, mark, adopts) is not None
    )
    return _sha256(rows)


def _keys(value: Any) -> Any:
    """A JSON value's shape: its keys and list lengths, every scalar replaced by None."""
    if isinstance(value, dict):
        return {k: _keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_keys(v) for v in value]
    return None


def _without_query(url: str | None) -> str | None:
    return None if url is None else urlsplit(url)._replace(query="", fragment="").geturl()


def desired_fingerprint(specs: Sequence[TaskSpec]) -> str:
    """sha256 over every spec field that reaches the portal or the plan, in any order; file
    positions are left out.

    Secret values are left out too (only their paths count): the plan file is shared (e.g. as a
    CI artifact) and an unsalted hash of a weak secret can be brute-forced offline. A secret
    changed since plan still makes a saved plan stale when the portal holds the old value, as
    the recomputed plan then has an update the saved one lacks (apply compares the changes).
    """
    rows = sorted(
        [s.name, s.owner, s.task_type, _without_secrets(s), list(s.schedule.to_wire().values()),
         s.enabled, s.max_occurrences, to_ms(s.start), to_ms(s.end), list(s.previous_names),
         sorted(json.dumps(p) for p in s.secret_paths), s.adopt_id]
        for s in specs
    )
    return _sha256(rows)


def _without_secrets(spec: TaskSpec) -> object:
    """The fields a secret may be in (parameters, task_url, item_id), secret values masked;
    without secrets, the parameters' canonical text as it is (parsing it would only cost)."""
    if not spec.secret_paths:
        return [spec.parameters_json, spec.task_url, spec.item_id]
    return mask_paths(secret_bearing(spec), spec.secret_paths)


def _sha256(rows: object) -> str:
    text = canonical_json(rows, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()

