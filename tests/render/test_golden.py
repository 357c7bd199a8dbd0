"""The three views of the hand-built plans, pinned exactly. Regenerate with UPDATE_GOLDEN=1."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reconciler.planning.plan import Plan
from reconciler.render import render
from tests.render.conftest import make_plan

GOLDEN = Path(__file__).parent / "golden"
SUFFIX = {"text": "txt", "markdown": "md", "json": "json"}


def check(name: str, fmt: str, rendered: str) -> None:
    path = GOLDEN / f"{name}.{SUFFIX[fmt]}"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(rendered + "\n", encoding="utf-8")
    assert path.exists(), f"{path} missing: run with UPDATE_GOLDEN=1 and review the new file"
    assert rendered + "\n" == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", SUFFIX)
def test_full_plan(full_plan: Plan, fmt: str) -> None:
    check("full", fmt, render(full_plan, fmt))


@pytest.mark.parametrize("fmt", SUFFIX)
def test_empty_plan(fmt: str) -> None:
    check("empty", fmt, render(make_plan(unchanged=("a", "b")), fmt))
