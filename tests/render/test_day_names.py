"""Issue 16, "Schedules": plan views name the days next to a numeric day-of-week (Quartz 1 = SUN,
Unix 1 = MON), so `1-5` is never read as weekdays by mistake; the JSON view keeps the value as is."""

from __future__ import annotations

import json

from reconciler.planning.plan import Action, Change, FieldChange, Plan
from reconciler.render import plan_json, plan_markdown, plan_text
from tests.render.conftest import desired, make_plan


def plan_with(before: str | None, after: str) -> Plan:
    change = Change(
        name="nightly", owner="publisher", actions=(Action.UPDATE,) if before else (Action.CREATE,),
        task_id="t1" if before else None, reason="schedule differs", desired=desired("[reconciler] nightly"),
        source=None, fields=(FieldChange(path="schedule", before=before, after=after),),
    )
    return make_plan(changes=(change,))


def test_text_view_names_the_days_of_both_sides() -> None:
    text = plan_text.render(plan_with("0 0 2 ? * 1-5", "0 0 2 ? * 2-6"))
    assert '    ~ schedule: "0 0 2 ? * 1-5" (1-5 = SUN-THU) -> "0 0 2 ? * 2-6" (2-6 = MON-FRI)\n' in text


def test_text_view_leaves_day_names_as_written() -> None:
    text = plan_text.render(plan_with(None, "0 0 2 ? * MON-FRI"))
    assert '    + schedule: "0 0 2 ? * MON-FRI"\n' in text


def test_markdown_view_names_the_days() -> None:
    text = plan_markdown.render(plan_with(None, "0 15 10 ? * 6#3"))
    assert '+ schedule: "0 15 10 ? * 6#3" (6#3 = FRI#3)\n' in text


def test_json_view_keeps_the_value_as_is() -> None:
    doc = json.loads(plan_json.render(plan_with(None, "0 0 2 ? * 1-5")))
    assert doc["changes"][0]["fields"][0]["after"] == "0 0 2 ? * 1-5"
