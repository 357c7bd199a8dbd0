"""Which portal tasks the reconciler manages: those whose title carries this project's mark.

Portal tasks have no labels or tags, so the mark travels in the title, the way Argo CD's
tracking annotation travels with the object: title = mark + name. The mark names the project
(`project:` in reconciler.yaml), e.g. "[reconciler:gis-prod] nightly-buffer", so two
repositories on one portal never take each other's tasks; runs without a project use the plain
mark "[reconciler] ". A title with another project's mark is "managed by" that project: listed,
never touched. A title without any mark is unmanaged: listed, never touched.

Migration: `adopt_mark` names an older mark (e.g. the plain one) whose tasks this project
claims; the plan retitles them. Nothing is ever claimed without it.
"""

from __future__ import annotations

import re

PLAIN_MARK = "[reconciler] "
DEFAULT_MARK = PLAIN_MARK
_ANY_MARK = re.compile(r"\[reconciler(?::([^\]\s]+))?\] ")


def mark_for(project: str | None) -> str:
    """The ownership mark of `project` (None: the plain mark of runs without a project)."""
    return f"[reconciler:{project}] " if project else PLAIN_MARK


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


def name_from_title(title: str, mark: str = DEFAULT_MARK, adopts: str | None = None) -> str | None:
    """The managed task's name, or None when the title carries neither `mark` nor the adopted mark."""
    for prefix in (mark, adopts):
        if prefix and title.startswith(prefix) and len(title) > len(prefix):
            return title[len(prefix):]
    return None


def is_managed(title: str, mark: str = DEFAULT_MARK, adopts: str | None = None) -> bool:
    return name_from_title(title, mark, adopts) is not None


def managed_by(title: str, mark: str = DEFAULT_MARK, adopts: str | None = None) -> str | None:
    """The project whose reconciler mark another project's task carries ("" for the plain mark);
    None for our own tasks and for titles without a reconciler mark."""
    if is_managed(title, mark, adopts):
        return None
    found = _ANY_MARK.match(title)
    return (found.group(1) or "") if found else None
