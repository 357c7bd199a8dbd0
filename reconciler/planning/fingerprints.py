"""The two fingerprints a saved plan carries, so `apply PLANFILE` can refuse a stale plan:
one of the managed portal tasks the plan was made from, one of the task definitions. Changing
what either hashes makes every saved plan stale."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence

from reconciler.instants import to_ms
from reconciler.jsonforms import canonical_json
from reconciler.masking import mask_credential_keys, mask_paths
from reconciler.model import FieldPath, RemoteTask, TaskSpec
from reconciler.planning.desired import secret_bearing
from reconciler.planning.ownership import name_from_title


def observed_fingerprint(tasks: Sequence[RemoteTask], *, mark: str,
                         secret_paths: Mapping[str, Sequence[FieldPath]] | None = None) -> str:
    """sha256 over the managed tasks (title carries `mark`), in any order: what apply may touch.

    Unmanaged tasks are left out, so a hand-made task changing between plan and apply does not
    make a saved plan stale. Run bookkeeping (lastStart, nextStart, runIntervalSeconds,
    created, updated) is left out too, so a task firing meanwhile does not either; active and
    taskState are in.

    Secrets are left out: the values at the secret paths the task files declare (`secret_paths`,
    by task name) and every credential-named parameter, since the plan file is shared and an
    unsalted hash of a weak secret can be brute-forced offline. A secret changed on the portal
    since plan still makes a saved plan stale whenever it changes what apply would do (apply
    compares the recomputed changes too).
    """
    paths = secret_paths or {}
    rows = sorted(
        [t.id, t.owner, t.title, t.task_type, list(t.schedule.to_wire().values()),
         _without_secrets_of(t, paths.get(name, ())), t.item_id, t.task_url, t.max_occurrences,
         t.start_date, t.end_date, t.active, t.task_state]
        for t in tasks
        if (name := name_from_title(t.title, mark)) is not None
    )
    return _sha256(rows)


def _without_secrets_of(task: RemoteTask, secret_paths: Sequence[FieldPath]) -> object:
    masked = mask_paths({"parameters": task.parameters, "task_url": task.task_url, "item_id": task.item_id},
                        secret_paths)
    return canonical_json(mask_credential_keys(masked["parameters"]))


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
         sorted(json.dumps(p) for p in s.secret_paths)]
        for s in specs
    )
    return _sha256(rows)


def _without_secrets(spec: TaskSpec) -> object:
    """The fields a secret may be in (parameters, task_url, item_id), secret values masked."""
    return mask_paths(secret_bearing(spec), spec.secret_paths)


def _sha256(rows: object) -> str:
    text = canonical_json(rows, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()

