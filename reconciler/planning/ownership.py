"""Which portal tasks the reconciler manages: those whose title carries the ownership mark.

Portal tasks have no labels or tags, so the mark travels in the title, the way Argo CD's
tracking annotation travels with the object: title = mark + name, e.g. "[reconciler] nightly-buffer".
Tasks without the mark are unmanaged: listed in the plan, never updated, disabled or deleted.
The mark is configurable (--ownership-mark / RECONCILER_OWNERSHIP_MARK), e.g. to run two
independent repositories against one portal user.
"""

from __future__ import annotations

DEFAULT_MARK = "[reconciler] "


def title_for(name: str, mark: str = DEFAULT_MARK) -> str:
    return f"{mark}{name}"


def name_from_title(title: str, mark: str = DEFAULT_MARK) -> str | None:
    """The managed task's name, or None when the title has no mark (an unmanaged task)."""
    if mark and title.startswith(mark) and len(title) > len(mark):
        return title[len(mark):]
    return None


def is_managed(title: str, mark: str = DEFAULT_MARK) -> bool:
    return name_from_title(title, mark) is not None
