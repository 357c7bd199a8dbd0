"""What the plan must leave alone because the portal could not be read completely. Pure.

A task the reader missed would be planned as a create (a duplicate that runs twice), and a
managed task it could not read would be missed the same way, so:
- an owner whose listing failed its checks (reconciler.portal.paging) gets nothing planned;
  an incomplete organization-wide listing stops the whole plan;
- a task entry that cannot be read but carries the ownership mark blocks its name; one whose
  title cannot be read at all blocks its owner (or the whole plan, when the owner is unknown);
- an unreadable task whose title has no mark is unmanaged: a warning, and it is left alone.
Each is an error (apply refuses the plan) except the last.
"""

from __future__ import annotations

from dataclasses import dataclass

from reconciler.model import PortalState, Severity, UnreadableTask
from reconciler.planning.ownership import name_from_title
from reconciler.planning.plan import Diagnostic, Key

_AGAIN = "run plan again; if it persists, the portal's listing is inconsistent (nothing is changed until it is complete)"
_FIX = "fix or delete that task on the portal (its entry is not what the Sharing API documents), then run plan again"


@dataclass(frozen=True, kw_only=True)
class BlindSpots:
    everything: bool
    owners: frozenset[str]
    keys: frozenset[Key]
    diagnostics: tuple[Diagnostic, ...]

    def hides(self, name: str, owner: str) -> bool:
        return self.everything or owner in self.owners or Key(name, owner) in self.keys


def blind_spots(state: PortalState, mark: str, adopts: str | None = None) -> BlindSpots:
    everything = "" in state.incomplete
    owners = {owner for owner in state.incomplete if owner}
    keys: set[Key] = set()
    notes = [_incomplete(owner, detail) for owner, detail in sorted(state.incomplete.items())]
    for entry in state.unreadable:
        name = name_from_title(entry.title, mark, adopts) if entry.title is not None else None
        if entry.title is not None and name is None:
            notes.append(Diagnostic(severity=Severity.WARNING, message=f"{entry.reason}; it is not managed and is "
                                    "left alone", hint=_FIX, owner=entry.owner))
        elif name is not None and entry.owner:
            keys.add(Key(name, entry.owner))
            notes.append(Diagnostic(severity=Severity.ERROR, message=f"{entry.reason}; it carries the ownership mark, "
                                    f"so nothing is planned for {name}", hint=_FIX, name=name, owner=entry.owner))
        else:
            whose = entry.owner or "an owner the portal did not name"
            everything = everything or not entry.owner
            owners.update({entry.owner} if entry.owner else ())
            notes.append(_unknown(entry, whose))
    return BlindSpots(everything=everything, owners=frozenset(owners), keys=frozenset(keys), diagnostics=tuple(notes))


def _incomplete(owner: str, detail: str) -> Diagnostic:
    if not owner:
        return Diagnostic(severity=Severity.ERROR, message=f"the organization's task listing is incomplete ({detail}): "
                          "nothing is planned", hint=_AGAIN)
    return Diagnostic(severity=Severity.ERROR, message=f"the task listing of {owner} is incomplete ({detail}): "
                      f"nothing is planned for {owner}", hint=_AGAIN, owner=owner)


def _unknown(entry: UnreadableTask, whose: str) -> Diagnostic:
    scope = f"for {entry.owner}" if entry.owner else "at all"
    return Diagnostic(severity=Severity.ERROR, message=f"{entry.reason}; without its title it may be a managed task of "
                      f"{whose}, so nothing is planned {scope}", hint=_FIX, owner=entry.owner)
