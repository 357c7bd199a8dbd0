"""Compare a desired task with the portal's copy by meaning, field by field. Pure.

The only module that imports deepdiff; its types never leave here (FieldChange is plan data).

Equal in meaning (never an update):
- schedules with the same Quartz canonical form (`*/1` = `*`, `MON` = `2`, case, `?` placement);
- parameters as JSON values: key order, a string holding a JSON object/array vs that object,
  and 250 vs 250.0 are the same; true vs 1 is not;
- dates in epoch ms (the spec's ISO datetimes are converted first); no `start` in the spec
  equals any start date the portal holds that is not in the future (a start in the past has no
  effect; some portals may fill it in on create [I]);
- max_occurrences None = the portal's -1/absent; item_id None = ""; task_url up to a trailing
  slash and the case of scheme and host.

Secrets are masked twice over, before anything is rendered (rules in reconciler.masking): by
path here (a field at or under a spec's secret path; `field_changes`, `created_fields`) and by
value in the planner (every secret value known in the run, so a secret that moved to another key
or shows up inside another string is masked as well).

Known limitation (not fixable without state): when a value stops being a `${secret:...}`
reference and its variable is no longer set, nothing tells that the portal's old value was a
secret, so it shows in clear as the "before" value of that field.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from reconciler import quartz
from reconciler.errors import CronError
from reconciler.instants import iso_ms
from reconciler.jsonforms import canonical_json, normal_json
from reconciler.masking import mask_field
from reconciler.model import CronFields, FieldPath, RemoteTask, TaskFields, dotted
from reconciler.planning.plan import FieldChange
from reconciler.urls import normal_url

SCHEDULE_PATHS = frozenset({"schedule", "start", "end", "max_occurrences"})


@dataclass(frozen=True)
class Differences:
    """What differs between a desired task and the portal's copy, found without deepdiff:
    parameters per top-level key. `field_changes` splits those into leaves (the costly part),
    so the planner decides the actions from this and expands only what it shows."""

    raw: tuple[tuple[FieldPath, Any, Any], ...]

    def __bool__(self) -> bool:
        return bool(self.raw)

    @cached_property
    def fields(self) -> frozenset[str]:
        """The top-level fields that differ ("schedule", "parameters", ...); asked for several
        times per task, so made once."""
        return frozenset(str(path[0]) for path, _, _ in self.raw)

    def field_changes(self, *, secret_paths: Sequence[FieldPath] = ()) -> tuple[FieldChange, ...]:
        """Per field, parameters per leaf, masked at `secret_paths`."""
        found: list[tuple[FieldPath, Any, Any]] = []
        for path, before, after in self.raw:
            both = path[0] == "parameters" and before is not _ABSENT and after is not _ABSENT
            found.extend(_leaves(path, before, after) if both else [(path, _value(before), _value(after))])
        return tuple(_field_change(path, before, after, secret_paths) for path, before, after in found)


_ABSENT = object()  # a parameter key on one side only


def _value(value: Any) -> Any:
    return None if value is _ABSENT else value


def differences(desired: TaskFields, remote: RemoteTask, *, now_ms: int | None = None) -> Differences:
    """What an update would change; empty when equal in meaning. `active` is not compared
    here (enable/disable are actions of their own)."""
    raw: list[tuple[FieldPath, Any, Any]] = []
    _scalar(raw, "title", remote.title, desired.title)
    _scalar(raw, "type", remote.task_type, desired.task_type)
    if not same_schedule(remote.schedule, desired.schedule):
        raw.append((("schedule",), remote.schedule.quartz(), desired.schedule.quartz()))
    if remote.task_url != desired.task_url and normal_url(remote.task_url) != normal_url(desired.task_url):
        raw.append((("task_url",), remote.task_url, desired.task_url))
    _scalar(raw, "item_id", remote.item_id or None, desired.item_id or None)
    if remote.parameters_json != desired.parameters_json:  # the same canonical text: the same values
        raw.extend(_parameter_keys(remote.parameters, desired.parameters))
    _scalar(raw, "max_occurrences", remote.max_occurrences, desired.max_occurrences)
    if not _same_start(remote.start_date, desired.start_date, now_ms):
        raw.append((("start",), iso_ms(remote.start_date), iso_ms(desired.start_date)))
    if remote.end_date != desired.end_date:
        raw.append((("end",), iso_ms(remote.end_date), iso_ms(desired.end_date)))
    return Differences(tuple(raw))


def field_changes(
    desired: TaskFields, remote: RemoteTask, *, secret_paths: Sequence[FieldPath] = (), now_ms: int | None = None
) -> tuple[FieldChange, ...]:
    """What an update would change, per field (parameters per leaf); empty when equal in meaning."""
    return differences(desired, remote, now_ms=now_ms).field_changes(secret_paths=secret_paths)


def created_fields(desired: TaskFields, *, secret_paths: Sequence[FieldPath] = ()) -> tuple[FieldChange, ...]:
    """Every field a create sets (before None); unset fields are left out."""
    raw: list[tuple[FieldPath, Any, Any]] = [
        (("title",), None, desired.title),
        (("type",), None, desired.task_type),
        (("schedule",), None, desired.schedule.quartz()),
    ]
    for name, value in (("task_url", desired.task_url), ("item_id", desired.item_id)):
        if value:
            raw.append(((name,), None, value))
    raw.extend((("parameters", key), None, v) for key, v in sorted(normal_json(desired.parameters).items()))
    if desired.max_occurrences is not None:
        raw.append((("max_occurrences",), None, desired.max_occurrences))
    for name, ms in (("start", desired.start_date), ("end", desired.end_date)):
        if ms is not None:
            raw.append(((name,), None, iso_ms(ms)))
    raw.append((("enabled",), None, desired.active))  # a task created paused must say so
    return tuple(_field_change(path, None, after, secret_paths) for path, _, after in raw)


def _scalar(raw: list[tuple[FieldPath, Any, Any]], name: str, before: Any, after: Any) -> None:
    if before != after:
        raw.append(((name,), before, after))


def _same_start(remote_ms: int | None, desired_ms: int | None, now_ms: int | None) -> bool:
    if desired_ms is None and remote_ms is not None and now_ms is not None:
        return remote_ms <= now_ms
    return remote_ms == desired_ms


def same_schedule(a: CronFields, b: CronFields) -> bool:
    """Same fire times: the same text, or the same Quartz canonical form."""
    if a == b or _text(a) == _text(b):
        return True
    first, second = _canonical_schedule(a), _canonical_schedule(b)
    return first is not None and first == second  # an invalid schedule differs from any valid one


def schedule_text(schedule: CronFields) -> str:
    """One text per set of fire times: the Quartz canonical form, or the fields as written when
    they are not valid Quartz."""
    return _canonical_schedule(schedule) or " ".join(_text(schedule))


def _canonical_schedule(schedule: CronFields) -> str | None:
    try:
        return quartz.from_fields(schedule).canonical()  # from_fields is cached
    except CronError:
        return None


def _text(c: CronFields) -> tuple[str, ...]:
    return tuple(v.strip().upper() for v in (c.minute, c.hour, c.day_of_month, c.month, c.day_of_week))


def _parameter_keys(before: dict[str, Any], after: dict[str, Any]) -> list[tuple[FieldPath, Any, Any]]:
    """Per top-level key (path, before, after) under "parameters"; _ABSENT on a side without it."""
    old, new = normal_json(before), normal_json(after)
    return [
        (("parameters", key), old.get(key, _ABSENT), new.get(key, _ABSENT))
        for key in sorted(set(old) | set(new))
        if key not in old or key not in new or canonical_json(old[key]) != canonical_json(new[key])
    ]


def _leaves(prefix: FieldPath, old: Any, new: Any) -> list[tuple[FieldPath, Any, Any]]:
    found: list[tuple[FieldPath, Any, Any]] = []
    if not _aligned_leaves(prefix, old, new, found):  # a list changed: deepdiff aligns its items
        from deepdiff import DeepDiff  # here: slow to import, and rarely needed

        tree = DeepDiff(old, new, view="tree", ignore_order=False, verbose_level=2)
        found = [
            ((*prefix, *item.path(output_format="list")), _present(item.t1), _present(item.t2))
            for items in tree.values()
            for item in items
        ]
    if not found:  # deepdiff saw no difference where the canonical forms differ: show it whole
        found.append((prefix, old, new))
    return sorted(found, key=lambda f: dotted(f[0]))


_DIFF_DEEPER = 0.33  # deepdiff's threshold_to_diff_deeper (its default)


def _aligned_leaves(path: FieldPath, old: Any, new: Any, found: list[tuple[FieldPath, Any, Any]]) -> bool:
    """The leaves deepdiff reports, found without it (a tenth of its time: 10,000 updates spent
    most of their planning in deepdiff), when no list changed; False otherwise.
    tests/planning/test_leaves.py pins that both agree."""
    if isinstance(old, dict) and isinstance(new, dict):
        union = old.keys() | new.keys()
        if len(union) > 1 and len(old.keys() & new.keys()) / len(union) < _DIFF_DEEPER:
            found.append((path, old, new))  # few keys in common: deepdiff shows the whole mapping
            return True
        for key in union:
            if key not in new or key not in old:
                found.append(((*path, key), old.get(key), new.get(key)))
            elif not _aligned_leaves((*path, key), old[key], new[key], found):
                return False
        return True
    if isinstance(old, list) and isinstance(new, list):  # deepdiff aligns changed lists by their items
        return canonical_json(old) == canonical_json(new)
    if type(old) is not type(new) or old != new:
        found.append((path, old, new))
    return True


def _present(value: Any) -> Any:
    return None if type(value).__name__ == "NotPresent" else value


def _field_change(path: FieldPath, before: Any, after: Any, secret_paths: Sequence[FieldPath]) -> FieldChange:
    before, after, secret = mask_field(path, before, after, secret_paths)
    return FieldChange(path=dotted(path), before=before, after=after, secret=secret)
