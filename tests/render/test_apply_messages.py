"""Issue 16: apply's lines say exactly what happened, where it belongs."""

from __future__ import annotations

from reconciler.render.apply import progress


def _failed(error: str) -> dict[str, object]:
    return {"name": "nightly", "owner": "publisher", "actions": ["update"], "done": [], "ok": False,
            "task_id": "t1", "error": error, "skipped": None}


def test_the_progress_counter_stays_on_the_changes_line_before_its_hint() -> None:
    line = progress(_failed("updateTask: Invalid schedule (ArcGIS error 400)\n  hint: check the schedule"), 2, 3)
    assert line.split("\n") == ["x failed to update nightly (publisher): updateTask: Invalid schedule (ArcGIS error 400) [2/3]",
                                "  hint: check the schedule"]
    assert progress(_failed("boom"), 1, 1) == "x failed to update nightly (publisher): boom [1/1]"


def test_after_apply_a_task_on_remove_disable_kept_paused_is_named() -> None:
    from reconciler.render.apply import convergence

    after = {"changes": [], "errors": [], "retired": ["old-report"]}
    assert convergence(after) == ("The portal now matches tasks.d; old-report, not declared there, stays disabled "
                                  "(on_remove: disable).")
    assert convergence({"changes": [], "errors": []}) == "The portal now matches tasks.d."
