"""Saved plans (`plan --out FILE`, `apply FILE`): the plan's JSON view plus what it was made from.

    {"format_version": "1", "created": "...Z", "plan": plan_to_dict(plan), "tasks_dir": "tasks.d",
     "owner": "...", "portal": "...", "mark": "...", "adopt_mark": "..." | null,
     "options": Policy.to_dict() (on_remove, no_delete, allow_empty, allow_active_runs, allow_mass_delete,
                                  mass_delete_share, mass_delete_count, only),
     "task_file_warnings": [validate's problem dicts]   # what plan printed before the plan
     "digest": "sha256:..."}                            # of everything else (jsonforms.canonical_json)

read() checks the whole file, schemas/plan-file.schema.json and the digest, so `show` (in every
view) and `apply FILE` refuse the same damaged or edited files; a file without a digest (edited,
or saved before plan wrote one) is refused too: plans are short-lived, plan again. The digest has
no key: it catches damage and hand edits, not a forger (apply FILE recomputes the plan anyway).

No secret is stored in clear text: plan_to_dict masks secret values, the desired fingerprint is
a hash, and write() refuses to save a document that still contains a secret value.
`apply FILE` does not trust the file's changes: it recomputes the plan from tasks.d/ and the
portal with the saved options and instant, and refuses unless the result is the same plan.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from reconciler.errors import ReconcilerError, UsageError
from reconciler.instants import iso, parse_instant
from reconciler.jsonforms import MAX_DEPTH, canonical_json, depth
from reconciler.masking import leaks
from reconciler.model import Problem, Severity, TaskSpec
from reconciler.planning.options import Policy
from reconciler.planning.plan import Plan
from reconciler.render.plan_json import plan_to_dict
from reconciler.render.validate import problem_to_dict
from reconciler.render.version import FORMAT_VERSION
from reconciler.taskfiles import schema

STALE = "plan is stale, run plan again"
SCHEMA_FILE = "plan-file.schema.json"
# Parameter values nest up to MAX_DEPTH levels (task files, portal answers); the plan around them
# adds a few. Deeper is damage, refused before anything recursive walks it.
MAX_NESTING = MAX_DEPTH + 10


class StalePlanError(ReconcilerError):
    """The portal or tasks.d/ changed since the plan was saved."""


@dataclass(frozen=True, kw_only=True)
class SavedPlan:
    plan: dict[str, Any]
    tasks_dir: str
    owner: str
    portal: str
    mark: str
    created: datetime
    policy: Policy
    adopts: str | None = None
    warnings: tuple[dict[str, Any], ...] = ()  # the task files' warnings plan printed (validate's problem dicts)


def to_document(plan: Plan, *, tasks_dir: str, policy: Policy, created: datetime,
                adopts: str | None = None, problems: Sequence[Problem] = ()) -> dict[str, Any]:
    """The file's content, digest last. `problems`: the task files' (only warnings are kept)."""
    document = {
        "format_version": FORMAT_VERSION,
        "created": iso(created),
        "plan": plan_to_dict(plan),
        "tasks_dir": tasks_dir,
        "owner": plan.owner,
        "portal": plan.portal,
        "mark": plan.mark,
        "adopt_mark": adopts,
        "options": policy.to_dict(),
        "task_file_warnings": [problem_to_dict(p) for p in problems if p.severity is Severity.WARNING],
    }
    return {**document, "digest": digest(document)}


def digest(document: dict[str, Any]) -> str:
    """The hash of a plan file's content but its digest."""
    rest = {k: v for k, v in document.items() if k != "digest"}
    return "sha256:" + hashlib.sha256(canonical_json(rest).encode("utf-8")).hexdigest()


def damage(data: dict[str, Any]) -> str | None:
    """What is wrong with a decoded plan file, or None: nested too deeply, not the shape plan
    writes (the schema), or content that no longer matches its digest."""
    if depth(data, limit=MAX_NESTING) > MAX_NESTING:
        return f"values nested deeper than {MAX_NESTING} levels"
    problems = schema.check(data, SCHEMA_FILE)
    if problems:
        first = problems[0]
        where = ".".join(str(p) for p in (first.path[:-1] if first.at_key else first.path))  # at_key: it names the key
        return f"{where or 'the file'}: {first.message}"
    if "digest" not in data:  # every plan --out writes one: a file without it was edited, or is older
        return "it has no digest: it was edited, or saved by an older reconciler"
    if data["digest"] != digest(data):
        return "its content does not match its digest: it was edited or damaged after plan saved it"
    return None


def write(path: str, plan: Plan, *, tasks_dir: str, policy: Policy, created: datetime,
          secrets: tuple[str, ...] = (), adopts: str | None = None, problems: Sequence[Problem] = ()) -> None:
    """Save the plan atomically.

    Raises:
        UsageError: the file cannot be written.
        RuntimeError: a secret value would be written (a bug: the views must mask it).
    """
    document = to_document(plan, tasks_dir=tasks_dir, policy=policy, created=created, adopts=adopts, problems=problems)
    text = json.dumps(document, indent=2)
    if leaks(document, tuple(secrets)):
        raise RuntimeError("refusing to write a plan file that contains a secret value (a masking bug)")
    target = Path(path)
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        tmp.write_text(text + "\n", encoding="utf-8")
        os.replace(tmp, target)  # never leave half a plan behind
    except OSError as e:
        raise UsageError(f"cannot write plan file {path}: {e.strerror or e}") from None


def read(path: str) -> SavedPlan:
    """The one check of a saved plan, for every command that reads one (show, apply FILE).

    Raises: UsageError when the file is missing, not JSON, not a plan of this version, or damaged.
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as e:
        raise UsageError(f"cannot read plan file {path}: {e.strerror or e}") from None
    except RecursionError:  # nested deeper than the decoder goes
        raise UsageError(f"{path}: damaged plan file (values nested too deeply); run plan again") from None
    except ValueError:
        raise UsageError(f"{path} is not a plan file (not JSON); make one with `reconciler plan --out {path}`") from None
    if not isinstance(data, dict) or "plan" not in data:
        raise UsageError(f"{path} is not a plan file; make one with `reconciler plan --out {path}`")
    if str(data.get("format_version", "")).split(".")[0] != FORMAT_VERSION:
        raise UsageError(f"{path}: plan file format {data.get('format_version')!r} is not supported "
                         f"(this reconciler reads {FORMAT_VERSION}); run plan again")
    found = damage(data)
    if found is not None:
        raise UsageError(f"{path}: damaged plan file ({found}); run plan again")
    try:
        options = data["options"]  # read first, as it always was: the message names the first key missing
        return SavedPlan(
            plan=dict(data["plan"]),
            tasks_dir=str(data["tasks_dir"]), owner=str(data["owner"]), portal=str(data["portal"]),
            mark=str(data["mark"]), created=parse_instant(str(data["created"])),
            policy=Policy.from_dict(options),
            adopts=None if data.get("adopt_mark") is None else str(data["adopt_mark"]),
            warnings=tuple(data.get("task_file_warnings", ())),
        )
    except (KeyError, TypeError, ValueError) as e:
        raise UsageError(f"{path}: damaged plan file ({e}); run plan again") from None


def differences(saved: SavedPlan, current: Plan) -> tuple[str, ...]:
    """Why `current` (recomputed now) is not the saved plan; empty when it is the same plan."""
    found = []
    if current.portal != saved.portal:
        found.append(f"the plan was made against {saved.portal}, not {current.portal}")
    if current.owner != saved.owner:
        found.append(f"the plan was made for owner {saved.owner}, not {current.owner}")
    if current.observed != saved.plan.get("observed"):
        found.append("the portal's tasks changed since the plan was made")
    if current.desired != saved.plan.get("desired"):
        found.append("the task files (or their variables) changed since the plan was made")
    now = plan_to_dict(current)
    if not found and _changes(now) != _changes(saved.plan):
        found.append("the changes to make are no longer the same")
    tasks = _differing_tasks(saved.plan, now)
    if found and tasks:
        found.append(f"the plan now differs for {', '.join(tasks)}")
    return tuple(found)


def _differing_tasks(saved: dict[str, Any], now: dict[str, Any], *, shown: int = 10) -> list[str]:
    """`nightly (publisher, tasks.d/nightly.yaml)`: each task whose change (or lack of one) is not
    what the saved plan says, with its file when it has one; at most `shown`, then how many more."""
    def by_key(doc: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
        changes = doc.get("changes")
        return {(c["name"], c["owner"]): c for c in changes} if isinstance(changes, list) else {}

    before, after = by_key(saved), by_key(now)
    labels = set()
    for key in sorted(before.keys() | after.keys()):
        if before.get(key) != after.get(key):
            source = (after.get(key) or before.get(key) or {}).get("source")
            where = f", {source['path']}" if isinstance(source, dict) and source.get("path") else ""
            labels.add(f"{key[0]} ({key[1]}{where})")
    unchanged = set(saved.get("unchanged") or ()) ^ set(now.get("unchanged") or ())
    labels |= {n for n in unchanged if not any(label.startswith(f"{n} (") for label in labels)}
    listed = sorted(labels)
    more = [f"and {len(listed) - shown} more"] if len(listed) > shown else []
    return listed[:shown] + more


def check_project(saved: SavedPlan, *, mark: str, adopts: str | None) -> None:
    """Raises: StalePlanError when the project file now gives another project (mark) or adopt_mark:
    applied with the saved ones, the plan would manage tasks the project no longer claims."""
    if (saved.mark, saved.adopts) != (mark, adopts):
        raise StalePlanError(f"{STALE}: the plan was made for the ownership mark {saved.mark!r} (adopting "
                             f"{saved.adopts!r}), and the project file now gives {mark!r} (adopting {adopts!r}).")


def check_fresh(saved: SavedPlan, current: Plan, specs: Sequence[TaskSpec] = (), now: datetime | None = None) -> None:
    """Raises: StalePlanError naming what differs, or the tasks written in local time whose
    compiled schedule (made at the plan's time) a daylight-saving change before `now` (the
    portal's clock) has outdated."""
    found = list(differences(saved, current))
    passed = sorted(s.name for s in specs if s.zoned is not None and s.zoned.next_change is not None
                    and now is not None and s.zoned.next_change <= now)
    if passed:
        shown = ", ".join(passed[:10]) + (f" and {len(passed) - 10} more" if len(passed) > 10 else "")
        found.append(f"a daylight-saving change since the plan was made changes the schedule sent for {shown}")
    if found:
        raise StalePlanError(f"{STALE}: " + "; ".join(found) + ".")


def _changes(data: dict[str, Any]) -> Any:
    return data.get("changes")
