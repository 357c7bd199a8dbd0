"""A PR comment must stay under GitHub's 65,535 characters: the tail goes, the summary stays."""

from __future__ import annotations

from reconciler.model import Severity
from reconciler.planning.plan import Action, Change, Diagnostic, FieldChange, UnmanagedTask
from reconciler.render import render
from reconciler.render.plan_markdown import LIMIT
from tests.render.conftest import make_plan

GITHUB_COMMENT_LIMIT = 65_535
NOTE = "not shown (comment limit); see the full plan in the job summary / JSON"


def big_change(i: int) -> Change:
    field = FieldChange(path="parameters.where", before="x" * 150, after=f"y{i}" + "y" * 150)
    return Change(name=f"task-{i:04d}", owner="publisher", actions=(Action.UPDATE,), task_id=f"id{i}", fields=(field,))


def test_a_huge_plan_is_cut_to_whole_change_sections_with_a_note() -> None:
    plan = make_plan(changes=tuple(big_change(i) for i in range(1000)), unchanged=tuple(f"same-{i}" for i in range(50)))
    md = render(plan, "markdown")
    assert len(md) <= LIMIT < GITHUB_COMMENT_LIMIT
    assert "| <code>&#126;</code> update | 1000 |" in md and "| unchanged | 50 |" in md
    shown = md.count("<details><summary><code>")
    assert 0 < shown < 1000
    assert md.count("<details>") == md.count("</details>")
    assert f"…{1000 - shown} more changes {NOTE}" in md
    assert "task-0000" in md and "task-0999" not in md
    assert "…50 unchanged tasks " + NOTE in md and "same-0" not in md


def test_the_lists_after_the_changes_go_first() -> None:
    plan = make_plan(
        changes=tuple(big_change(i) for i in range(100)),
        unmanaged=tuple(UnmanagedTask(id=f"u{i}", owner="o", title="t" * 60, task_type="GPService", active=True) for i in range(2000)),
    )
    md = render(plan, "markdown")
    assert len(md) <= LIMIT
    assert md.count("<details><summary><code>") == 100
    assert "more unmanaged tasks " + NOTE in md


def test_errors_are_kept_before_anything_else() -> None:
    errors = tuple(Diagnostic(severity=Severity.ERROR, message=f"error {i} " + "e" * 100, name=f"t{i}") for i in range(1000))
    plan = make_plan(changes=tuple(big_change(i) for i in range(10)), diagnostics=errors)
    md = render(plan, "markdown")
    assert len(md) <= LIMIT
    assert "**1000 errors**" in md and "error 0 " in md and "more errors " + NOTE in md
    assert "…10 changes " + NOTE in md


def test_a_plan_that_fits_is_not_cut() -> None:
    md = render(make_plan(changes=tuple(big_change(i) for i in range(20))), "markdown")
    assert NOTE not in md and md.count("<details>") == 20
