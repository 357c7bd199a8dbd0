"""Which portal tasks the reconciler manages: those whose title carries the ownership mark.

Portal tasks have no labels or tags, so the mark travels in the title, the way Argo CD's
tracking annotation travels with the object: title = mark + name, e.g. "[reconciler] nightly-buffer".
Tasks without the mark are unmanaged: listed in the plan, never updated, disabled or deleted.
The mark is configurable (--ownership-mark / RECONCILER_OWNERSHIP_MARK), e.g. to run two
independent repositories against one portal user.
"""

from __future__ import annotations

DEFAULT_MARK = "[reconciler] "


def mark_problem(mark: str) -> str | None:
    """Why titles could not carry `mark` reliably (None: they can). An empty mark would make
    every title "managed" and every task a duplicate; a portal may trim leading spaces [I] or
    mangle control characters, so the mark would not come back as sent."""
    if not mark.strip():
        return "the ownership mark must hold some visible text, e.g. '[reconciler] '"
    if mark[0].isspace():
        return "the ownership mark must not start with a space (a portal may trim it from titles)"
    if any(not c.isprintable() for c in mark):
        return "the ownership mark must not hold control characters"
    return None


def title_for(name: str, mark: str = DEFAULT_MARK) -> str:
    return f"{mark}{name}"


def name_from_title(title: str, mark: str = DEFAULT_MARK) -> str | None:
    """The managed task's name, or None when the title has no mark (an unmanaged task)."""
    if mark and title.startswith(mark) and len(title) > len(mark):
        return title[len(mark):]
    return None


def is_managed(title: str, mark: str = DEFAULT_MARK) -> bool:
    return name_from_title(title, mark) is not None
