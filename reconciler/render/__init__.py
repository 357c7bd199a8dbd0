"""Every view the reconciler prints, each rendered from its JSON form: the plan (`plan_json`, the
canonical versioned form; `plan_text`, `plan_markdown`), `validate`, `apply` and `cron`. All are
pure; `version` holds the one format_version. This face is the plan's renderer registry."""

from __future__ import annotations

import json
from typing import Any, Protocol

from reconciler.defaults import FORMATS as DEFAULT_FORMATS
from reconciler.planning.plan import Plan
from reconciler.render import plan_json, plan_markdown, plan_text


class Renderer(Protocol):
    def __call__(self, plan: Plan, *, color: bool = False) -> str: ...


RENDERERS: dict[str, Renderer] = {"text": plan_text.render, "markdown": plan_markdown.render, "json": plan_json.render}
FORMATS = tuple(RENDERERS)
assert set(FORMATS) == set(DEFAULT_FORMATS), "reconciler.defaults.FORMATS names every view"


NOT_SAVED = "The plan has errors, so it was not saved to {path}."
SAVED = "Saved the plan to {path}. To carry out exactly this plan: reconciler apply {path}"


def render(plan: Plan, fmt: str, *, color: bool = False) -> str:
    """The plan in `fmt` (one of FORMATS). `color` adds ANSI colours to the text view only."""
    try:
        renderer = RENDERERS[fmt]
    except KeyError:
        raise ValueError(f"unknown plan format {fmt!r}; expected one of {', '.join(FORMATS)}") from None
    return renderer(plan, color=color)


def render_doc(doc: dict[str, Any], fmt: str, *, color: bool = False) -> str:
    """A plan's JSON form (plan_json.plan_to_dict, e.g. as a saved plan holds it) in `fmt`: what
    `render` prints for the Plan it came from, without the Plan (`reconciler show`)."""
    if fmt == "json":
        return json.dumps(doc, indent=2, ensure_ascii=False)
    if fmt == "markdown":
        return plan_markdown.render_dict(doc)
    if fmt == "text":
        return plan_text.render_dict(doc, color=color)
    raise ValueError(f"unknown plan format {fmt!r}; expected one of {', '.join(FORMATS)}")
