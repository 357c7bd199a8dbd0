"""The time-zone parts of a plan in every view: each change's time_zone facts and the notices,
rendered from the JSON dict; a plan saved before these keys existed still renders."""

from __future__ import annotations

from dataclasses import replace

from reconciler.planning.plan import Notice, Plan, ZoneView
from reconciler.render import plan_markdown, plan_text
from reconciler.render.plan_json import plan_to_dict

ZONE = ZoneView(local="0 30 2 * * ?", zone="Europe/Berlin", scheduler_zone="UTC", compiled="0 30 1 * * ?",
                next_change="2026-03-29T01:00:00Z", next_compiled="0 30 0 * * ?")
NOTICE = Notice(name="berlin", owner="publisher", message="daylight-saving change in Europe/Berlin soon")


def zoned(plan: Plan) -> Plan:
    first = replace(plan.changes[0], zone=ZONE)
    return replace(plan, changes=(first, *plan.changes[1:]), notices=(NOTICE,))


def test_json_carries_the_zone_and_the_notices(full_plan: Plan) -> None:
    doc = plan_to_dict(zoned(full_plan))
    assert doc["changes"][0]["time_zone"] == {"local": "0 30 2 * * ?", "zone": "Europe/Berlin", "scheduler_zone": "UTC",
                                              "compiled": "0 30 1 * * ?", "next_change": "2026-03-29T01:00:00Z",
                                              "next_compiled": "0 30 0 * * ?"}
    assert [c["time_zone"] for c in doc["changes"][1:]] == [None] * (len(doc["changes"]) - 1)
    assert doc["notices"] == [{"name": "berlin", "owner": "publisher",
                               "message": "daylight-saving change in Europe/Berlin soon"}]


def test_text_and_markdown_show_them(full_plan: Plan) -> None:
    text = plan_text.render(zoned(full_plan))
    assert "    # local time: 0 30 2 * * ? in Europe/Berlin, sent as 0 30 1 * * ? (UTC)\n" \
           "    # next daylight-saving change: 2026-03-29T01:00:00Z, then sent as 0 30 0 * * ?" in text
    assert "Notes:\n  - berlin (owner publisher): daylight-saving change in Europe/Berlin soon" in text
    markdown = plan_markdown.render(zoned(full_plan))
    assert "- Local time: 0 30 2 &#42; &#42; ? in Europe/Berlin, sent as 0 30 1 &#42; &#42; ? (UTC)" in markdown
    assert "> [!NOTE]\n> - **berlin** (owner publisher): daylight-saving change in Europe/Berlin soon" in markdown


def test_a_plan_saved_before_time_zones_still_renders(full_plan: Plan) -> None:
    doc = plan_to_dict(full_plan)
    del doc["notices"]
    for change in doc["changes"]:
        del change["time_zone"]
    assert plan_text.render_dict(doc) == plan_text.render(full_plan)
    assert plan_markdown.render_dict(doc) == plan_markdown.render(full_plan)
