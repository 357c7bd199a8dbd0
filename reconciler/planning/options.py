"""What the planner is asked to do: the run's options, and the removal policy and guards that a
saved plan records so that apply recomputes it the same way."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, Literal

from reconciler import defaults
from reconciler.planning.ownership import DEFAULT_MARK

OnRemove = Literal["delete", "disable"]
ON_REMOVE: tuple[OnRemove, ...] = ("delete", "disable")
assert ON_REMOVE == defaults.ON_REMOVE, "the command line offers what the planner knows"


@dataclass(frozen=True, kw_only=True)
class Policy:
    """The planning choices of `plan`/`apply` flags and the project file, declared once: the
    command line builds it, and a saved plan stores and reads it field by field."""

    on_remove: OnRemove = "delete"  # what a managed task whose file was removed becomes
    no_delete: bool = False  # plan no deletions at all
    allow_empty: bool = False  # allow an empty task folder to remove every managed task
    allow_active_runs: bool = False  # change or remove tasks while a run is in flight
    allow_mass_delete: bool = False  # allow deleting more than the mass-delete guard lets through
    # The mass-delete guard: deleting more than `mass_delete_count` managed tasks *and* more than
    # `mass_delete_share` of them is refused (Argo CD asks before pruning; so do we).
    mass_delete_share: float = 0.5
    mass_delete_count: int = 3
    only: tuple[str, ...] = ()  # --only: plan just the tasks whose names match (a partial plan)
    # The collision warning: more tasks than this starting in one minute on one GP service
    # (the project file's collisions.per_minute; reconciler.planning.load).
    collisions_per_minute: int = 5

    def to_dict(self) -> dict[str, Any]:
        return {f.name: list(v) if isinstance(v := getattr(self, f.name), tuple) else v for f in fields(self)}

    @classmethod
    def from_dict(cls, data: Any) -> Policy:
        """The policy a saved plan recorded (keys added since format 1 default when absent).

        Raises:
            KeyError, TypeError, ValueError: a field is missing or has a wrong value.
        """
        on_remove = data["on_remove"]
        if on_remove not in ON_REMOVE:
            raise ValueError(f"on_remove {on_remove!r}")
        flags = {name: bool(data[name]) for name in ("no_delete", "allow_empty", "allow_active_runs")}
        only = data.get("only", [])
        if not isinstance(only, list) or not all(isinstance(p, str) for p in only):
            raise ValueError(f"only {only!r}")
        share, count = data.get("mass_delete_share", 0.5), data.get("mass_delete_count", 3)
        if isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 <= share <= 1:
            raise ValueError(f"mass_delete_share {share!r}")
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ValueError(f"mass_delete_count {count!r}")
        per_minute = data.get("collisions_per_minute", 5)
        if isinstance(per_minute, bool) or not isinstance(per_minute, int) or per_minute < 1:
            raise ValueError(f"collisions_per_minute {per_minute!r}")
        return cls(on_remove=on_remove, **flags, allow_mass_delete=bool(data.get("allow_mass_delete", False)),
                   mass_delete_share=float(share), mass_delete_count=count, only=tuple(only),
                   collisions_per_minute=per_minute)


@dataclass(frozen=True, kw_only=True)
class PlanOptions:
    default_owner: str  # the pinned owner (project file or --owner), else the signed-in user
    portal: str  # Sharing API root URL, or "emulator"
    now: datetime  # aware UTC
    mark: str = DEFAULT_MARK
    adopts: str | None = None  # an older mark whose tasks this project claims (adopt_mark)
    # False: default_owner is only whoever signed in, so a task found under another owner is not
    # moved (it would follow each account that signs in) and the plan says how to pin one.
    owner_pinned: bool = True
    policy: Policy = Policy()
    # Every secret value known in this run (LoadResult.secret_values): masked wherever it shows
    # up in the plan, even at a path that is not secret (e.g. a secret moved to another key).
    secret_values: tuple[str, ...] = field(default=(), repr=False)
    scheduler_zone: str = "UTC"  # the zone the portal's scheduler reads schedules in (fire times) [I]
