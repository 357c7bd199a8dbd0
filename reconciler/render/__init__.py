"""Views of a Plan. Each renderer is pure, `Plan -> str`; JSON is the canonical form and the
text and Markdown views are rendered from it (reconciler.render.plan_json.plan_to_dict)."""

from __future__ import annotations

from typing import Protocol

from reconciler.planning.plan import Plan
from reconciler.render import plan_json, plan_markdown, plan_text


class Renderer(Protocol):
    def __call__(self, plan: Plan, *, color: bool = False) -> str: ...


RENDERERS: dict[str, Renderer] = {"text": plan_text.render, "markdown": plan_markdown.render, "json": plan_json.render}
FORMATS = tuple(RENDERERS)


def render(plan: Plan, fmt: str, *, color: bool = False) -> str:
    """The plan in `fmt` (one of FORMATS). `color` adds ANSI colours to the text view only."""
    try:
        renderer = RENDERERS[fmt]
    except KeyError:
        raise ValueError(f"unknown plan format {fmt!r}; expected one of {', '.join(FORMATS)}") from None
    return renderer(plan, color=color)
