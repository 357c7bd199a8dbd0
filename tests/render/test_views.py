"""Properties of the views over the hand-built plans: colour, secrets, escaping, data parity."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any

import pytest

from reconciler.masking import SECRET_MASK
from reconciler.model import Severity
from reconciler.planning.plan import Action, Change, Diagnostic, FieldChange, Key, Plan, UnmanagedTask
from reconciler.render import FORMATS, render
from reconciler.render.plan_json import plan_to_dict
from reconciler.render.plan_markdown import escape
from tests.render.conftest import DESIRED_SECRET, make_plan

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def test_colour_only_adds_escape_codes(full_plan: Plan) -> None:
    plain = render(full_plan, "text")
    coloured = render(full_plan, "text", color=True)
    assert "\x1b[" not in plain
    assert "\x1b[32m+ nightly-buffer" in coloured and "\x1b[31m- legacy-cleanup" in coloured
    assert ANSI.sub("", coloured) == plain


@pytest.mark.parametrize("fmt", ["markdown", "json"])
def test_colour_is_ignored_outside_text(full_plan: Plan, fmt: str) -> None:
    assert render(full_plan, fmt, color=True) == render(full_plan, fmt)


@pytest.mark.parametrize("fmt", FORMATS)
def test_secrets_in_desired_appear_in_no_view(full_plan: Plan, fmt: str) -> None:
    assert any(c.desired and DESIRED_SECRET in c.desired.parameters_json for c in full_plan.changes)
    assert DESIRED_SECRET not in render(full_plan, fmt, color=True)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_secret_field_is_masked_even_if_the_planner_left_it_clear(fmt: str) -> None:
    leak = FieldChange(path="parameters.token", before="old-clear-token", after="new-clear-token", secret=True)
    plan = make_plan(changes=(Change(name="t", owner="o", actions=(Action.UPDATE,), task_id="1", fields=(leak,)),))
    shown = render(plan, fmt)
    assert "clear-token" not in shown and SECRET_MASK in shown


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_token_in_the_portal_url_is_masked(fmt: str) -> None:
    plan = make_plan(portal="https://gis.example.com/portal/sharing/rest?f=json&token=abc.def-123")
    shown = render(plan, fmt)
    assert "abc.def-123" not in shown and "token=" in shown


def _strings(data: Any) -> list[str]:
    if isinstance(data, dict):
        return [s for v in data.values() for s in _strings(v)]
    if isinstance(data, list):
        return [s for v in data for s in _strings(v)]
    return [data] if isinstance(data, str) else []


def _shown_data(doc: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(plain strings, field values as JSON) that every human view must show."""
    plain = _strings({k: doc[k] for k in ("portal", "owner", "unmanaged", "errors", "warnings")})
    values: list[str] = []
    for change in doc["changes"]:
        plain += [change["name"], change["owner"], change["reason"]]
        plain += [s for s in (change["task_id"], change["blocked"]) if s]
        plain += _strings(change["warnings"]) + _strings(change["errors"]) + _strings(change["source"])
        plain += change["next_fires"]["before"] + change["next_fires"]["after"]
        for field in change["fields"]:
            plain.append(field["path"])
            for side in ("before", "after"):
                if field[side] is not None:
                    values.append(SECRET_MASK if field["secret"] else json.dumps(field[side], ensure_ascii=False))
    return plain, values


def test_text_shows_what_the_json_holds(full_plan: Plan) -> None:
    plain, values = _shown_data(plan_to_dict(full_plan))
    text = render(full_plan, "text")
    flat = re.sub(r"\n\s*", " ", text)  # long values are wrapped over lines
    assert [s for s in plain if s not in text] == []
    assert [v for v in values if v not in text and re.sub(r"\n\s*", " ", json.dumps(json.loads(v), indent=2)) not in flat] == []


def test_markdown_shows_what_the_json_holds(full_plan: Plan) -> None:
    doc = plan_to_dict(full_plan)
    plain, values = _shown_data(doc)
    md = render(full_plan, "markdown")
    flat = re.sub(r"\n\+\s*", " ", md)
    assert [s for s in plain + doc["unchanged"] if escape(s) not in md and s not in md] == []  # paths: in code
    assert [v for v in values if v not in md and re.sub(r"\n\s*", " ", json.dumps(json.loads(v), indent=2)) not in flat] == []


HOSTILE = "evil</summary><script>alert(1)</script> *x* _y_ `z` | @admin $1+1$ [l](http://e)"


def test_markdown_escapes_user_text() -> None:
    plan = make_plan(
        changes=(Change(name=HOSTILE, owner="o", actions=(Action.DISABLE,), task_id="1", reason=HOSTILE),),
        unmanaged=(UnmanagedTask(id="u", owner="o", title=HOSTILE, task_type="GPService", active=True),),
        diagnostics=(Diagnostic(severity=Severity.WARNING, message=HOSTILE, name=HOSTILE),),
    )
    md = render(plan, "markdown")
    for token in ("<script>", "</summary><", "*x*", "_y_", "`z`", "@admin", "$1", "[l]", "| @"):
        assert token not in md
    assert md.count("<details>") == md.count("</details>") == 1


def test_a_backtick_fence_in_a_value_cannot_close_the_diff_block() -> None:
    field = FieldChange(path="parameters.note", before="a", after="``` </details> ```")
    plan = make_plan(changes=(Change(name="t", owner="o", actions=(Action.UPDATE,), task_id="1", fields=(field,)),))
    md = render(plan, "markdown")
    assert "````diff\n" in md and "\n````\n" in md


def test_text_neutralises_control_characters_in_user_text() -> None:
    plan = make_plan(changes=(Change(name="bad\x1b[2Jname\nline", owner="o", actions=(Action.DELETE,), task_id="1"),))
    text = render(plan, "text")
    assert "\x1b" not in text and "bad\\u001b[2Jname\\u000aline" in text


def test_json_is_deterministic_and_round_trips(full_plan: Plan) -> None:
    shown = render(full_plan, "json")
    assert json.loads(shown)["format_version"] == "1"
    assert list(json.loads(shown)) == [
        "format_version", "portal", "owner", "mark", "only", "withheld", "retired", "observed", "desired", "summary",
        "changes", "unchanged", "unmanaged", "errors", "warnings", "load", "notices",
    ]


def test_json_never_carries_desired(full_plan: Plan) -> None:
    doc = plan_to_dict(full_plan)
    assert all("desired" not in change for change in doc["changes"])
    assert doc["summary"] == {"create": 1, "update": 2, "enable": 1, "disable": 1, "delete": 2, "unchanged": 7}


def test_warnings_attach_to_their_change_by_name_and_owner(full_plan: Plan) -> None:
    doc = plan_to_dict(full_plan)
    by_name = {c["name"]: c for c in doc["changes"]}
    assert by_name["hourly-sync"]["warnings"] == [
        {"message": "maxOccurrences is 3: the task stops after 3 more runs", "hint": "set max_occurrences: null for no limit"}
    ]
    assert by_name["weekly-report"]["warnings"] == []
    assert len(doc["warnings"]) == 2 and len(doc["errors"]) == 1


def test_text_lists_a_loose_warning_once_and_an_attached_one_with_its_change(full_plan: Plan) -> None:
    text = render(full_plan, "text")
    assert text.count("maxOccurrences is 3") == 1 and text.count("4 tasks fire at 02:00 UTC") == 1
    assert text.index("maxOccurrences is 3") < text.index("- legacy-cleanup")


def test_text_ends_with_the_summary_then_the_unmanaged_tasks(full_plan: Plan) -> None:
    text = render(full_plan, "text")
    summary = "Plan: 1 to create, 2 to update, 1 to enable, 1 to disable, 2 to delete, 7 unchanged."
    assert summary in text
    assert text.index(summary) < text.index("Unmanaged tasks (not touched):") < text.index("bob's notebook")


def test_text_legend_lists_only_the_symbols_present() -> None:
    plan = make_plan(changes=(Change(name="t", owner="o", actions=(Action.DELETE,), task_id="1"),))
    text = render(plan, "text")
    assert "  - delete" in text and "  + create" not in text and "  ~ update" not in text


def _moved(owner: str = "alice") -> Change:
    return Change(name="old <b>", owner=owner, actions=(Action.DELETE,), task_id="9", waits_for=Key("new-name", "bob"))


def test_json_says_what_a_delete_waits_for() -> None:
    plain = Change(name="gone", owner="alice", actions=(Action.DELETE,), task_id="8")
    changes = plan_to_dict(make_plan(changes=(_moved(), plain)))["changes"]
    assert [c["waits_for"] for c in changes] == [{"name": "new-name", "owner": "bob"}, None]
    assert list(changes[0])[:8] == ["name", "owner", "action", "actions", "task_id", "reason", "blocked", "waits_for"]


def test_text_and_markdown_say_what_a_delete_waits_for() -> None:
    plan = make_plan(changes=(_moved(),))
    assert "\n    # deleted only once new-name under bob is in place (one move)\n" in render(plan, "text") + "\n"
    assert "- Deleted only once new-name under bob is in place (one move)\n" in render(plan, "markdown")
    assert "deleted only once" not in render(make_plan(changes=(replace(_moved(), waits_for=None),)), "text")
