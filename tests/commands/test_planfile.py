"""The one check of a saved plan (planfile.read), used by `show` in every view and by `apply FILE`:
whatever a file that passes it holds, every view renders it; damage and edits are refused."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from reconciler.commands import planfile
from reconciler.errors import UsageError
from reconciler.model import Problem, Severity, SourceRef
from reconciler.planning.options import Policy
from reconciler.planning.plan import Plan
from reconciler.render import FORMATS, render_doc
from tests.render.conftest import full_plan  # noqa: F401  (the fixture)

WRONG: tuple[Any, ...] = (None, 5, "x", [])
FREE = ("before", "after")  # a field's values: any JSON, never looked into


def document(plan: Plan) -> dict[str, Any]:
    warning = Problem(source=SourceRef(path="tasks.d/empty.yaml"), field="", message="file holds no task",
                      severity=Severity.WARNING)
    return planfile.to_document(plan, tasks_dir="tasks.d", policy=Policy(), created=datetime(2026, 1, 1, tzinfo=timezone.utc),
                                problems=(warning,))


def shape(value: Any) -> Any:
    return tuple(sorted((k, type(v).__name__) for k, v in value.items())) if isinstance(value, dict) else type(value)


def mutations(node: Any) -> Iterator[tuple[str, Any]]:
    """(where, a copy of `node` with one key removed or one value of the wrong type), everywhere
    (in a list, in the first item of each shape: the others are checked alike)."""
    if isinstance(node, dict):
        items = list(node.items())
    elif isinstance(node, list):
        shapes = [shape(v) for v in node]
        items = [(i, v) for i, v in enumerate(node) if shapes.index(shapes[i]) == i]
    else:
        items = []
    for key, child in items:
        if isinstance(node, dict):
            dropped = copy.copy(node)
            del dropped[key]
            yield f"-{key}", dropped
        for wrong in WRONG:
            if type(wrong) is not type(child) or wrong != child:  # another string too (an action, a severity)
                changed = copy.copy(node)
                changed[key] = wrong
                yield f"{key}={wrong!r}", changed
        if key in FREE:
            continue
        for where, inner in mutations(child):
            changed = copy.copy(node)
            changed[key] = inner
            yield f"{key}.{where}", changed


def read(tmp_path: Path, data: Any) -> planfile.SavedPlan:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data))
    return planfile.read(str(path))


def test_a_saved_plan_reads_back_whole(tmp_path: Path, full_plan: Plan) -> None:  # noqa: F811
    saved = read(tmp_path, document(full_plan))
    assert saved.plan == document(full_plan)["plan"]
    assert [w["message"] for w in saved.warnings or ()] == ["file holds no task"]


def test_whatever_passes_the_check_renders_in_every_view(tmp_path: Path, full_plan: Plan) -> None:  # noqa: F811
    """Without a digest (an older file) only the shape is checked: no damage of one key may slip
    through to a renderer that then fails (a traceback), whatever the view."""
    base = document(full_plan)
    del base["digest"]
    refused = 0
    for where, damaged in mutations(base):
        try:
            saved = read(tmp_path, damaged)
        except UsageError as e:
            assert "damaged plan file" in str(e) or "not a plan file" in str(e) or "format" in str(e), where
            refused += 1
            continue
        for fmt in FORMATS:
            render_doc(saved.plan, fmt)  # raises on a shape the check let through
    assert refused > 100


def test_any_edit_after_saving_is_refused(tmp_path: Path, full_plan: Plan) -> None:  # noqa: F811
    data = document(full_plan)
    data["plan"]["summary"]["create"] += 1
    with pytest.raises(UsageError, match="does not match its digest"):
        read(tmp_path, data)
    data = document(full_plan)
    data["digest"] = "sha256:" + "0" * 64
    with pytest.raises(UsageError, match="does not match its digest"):
        read(tmp_path, data)
