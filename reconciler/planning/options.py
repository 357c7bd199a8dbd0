"""What the planner is asked to do: the run's options, and the removal policy and guards that a
saved plan records so that apply recomputes it the same way."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, Literal

from reconciler.planning.ownership import DEFAULT_MARK

OnRemove = Literal["delete", "disable"]
ON_REMOVE: tuple[OnRemove, ...] = ("delete", "disable")


@dataclass(frozen=True, kw_only=True)
class Policy:
    """The planning choices of `plan`/`apply` flags, declared once: the command line builds it
    from the flags of the same names, and a saved plan stores and reads it field by field."""

    on_remove: OnRemove = "delete"  # what a managed task whose file was removed becomes
    no_delete: bool = False  # plan no deletions at all
    allow_empty: bool = False  # allow an empty task folder to remove every managed task
    allow_active_runs: bool = False  # change or remove tasks while a run is in flight

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, data: Any) -> Policy:
        """The policy a saved plan recorded.

        Raises:
            KeyError, TypeError, ValueError: a field is missing or has a wrong value.
        """
        on_remove = data["on_remove"]
        if on_remove not in ON_REMOVE:
            raise ValueError(f"on_remove {on_remove!r}")
        flags = {f.name: bool(data[f.name]) for f in fields(cls) if f.name != "on_remove"}
        return cls(on_remove=on_remove, **flags)


@dataclass(frozen=True, kw_only=True)
class PlanOptions:
    default_owner: str  # the signed-in user unless --owner
    portal: str  # Sharing API root URL, or "emulator"
    now: datetime  # aware UTC
    mark: str = DEFAULT_MARK
    policy: Policy = Policy()
    # Every secret value known in this run (LoadResult.secret_values): masked wherever it shows
    # up in the plan, even at a path that is not secret (e.g. a secret moved to another key).
    secret_values: tuple[str, ...] = field(default=(), repr=False)
