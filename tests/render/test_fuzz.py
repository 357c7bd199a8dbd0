"""Arbitrary user text cannot break a view: no terminal escapes in text, no raw HTML or
Markdown from user text in the PR comment, and the JSON always parses back to the dict."""

from __future__ import annotations

import json
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.model import Severity
from reconciler.planning.plan import Action, Change, Diagnostic, FieldChange, UnmanagedTask
from reconciler.render import render
from reconciler.render.plan_json import plan_to_dict
from tests.render.conftest import make_plan

TEXT = st.text(min_size=1, max_size=30)
JSONABLE = st.recursive(
    st.none() | st.booleans() | st.integers() | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=6,
)


@st.composite
def plans(draw: st.DrawFn):
    name, owner, reason, title = draw(TEXT), draw(TEXT), draw(TEXT), draw(TEXT)
    action = draw(st.sampled_from(list(Action)))
    field = FieldChange(path=draw(TEXT), before=draw(JSONABLE), after=draw(JSONABLE))
    change = Change(
        name=name, owner=owner, actions=(action,), task_id=None if action is Action.CREATE else draw(TEXT),
        reason=reason, fields=(field,), blocked=draw(st.none() | TEXT),
    )
    return make_plan(
        changes=(change,),
        unchanged=(draw(TEXT),),
        unmanaged=(UnmanagedTask(id=draw(TEXT), owner=owner, title=title, task_type="GPService", active=True),),
        diagnostics=(Diagnostic(severity=draw(st.sampled_from(list(Severity))), message=draw(TEXT), name=name),),
    )


USER_TEXT = st.sampled_from(["<b>x</b>", "</details>", "*a*", "`c`", "@team", "a|b", "x\x1b[31my", "l1\nl2"])


@settings(max_examples=60, deadline=None)
@given(plan=plans(), hostile=USER_TEXT)
def test_views_survive_arbitrary_text(plan, hostile) -> None:
    from dataclasses import replace

    plan = replace(plan, changes=(replace(plan.changes[0], name=hostile + plan.changes[0].name),))
    text = render(plan, "text", color=True)
    assert "\x1b" not in re.sub(r"\x1b\[[0-9;]*m", "", text)  # only our own colour codes
    md = render(plan, "markdown")
    outside = "".join(md.split("```")[::2])  # user values inside the diff block are inert text
    assert outside.count("<details>") == outside.count("</details>") == 2  # the change and the unchanged list
    assert hostile not in md.split("```")[0]  # never raw above the diff block
    assert json.loads(render(plan, "json")) == plan_to_dict(plan)
