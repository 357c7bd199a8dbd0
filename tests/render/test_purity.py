"""Renderers are pure `Plan -> str`: no I/O, no printing, no clock, nothing from outside the plan."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

RENDER = Path(__file__).resolve().parents[2] / "reconciler" / "render"
MODULES = sorted(RENDER.glob("*.py"))
ALLOWED_FIRST_PARTY = {
    "reconciler.planning.plan", "reconciler.applying.outcomes", "reconciler.model", "reconciler.render",
    "reconciler.instants", "reconciler.masking", "reconciler.quartz", "reconciler.errors",
}
FORBIDDEN = {"os", "sys", "io", "pathlib", "socket", "subprocess", "requests", "time", "random", "shutil", "logging"}


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_imports_only_the_standard_library_and_the_plan(path: Path) -> None:
    found = _imports(path) - {"__future__"}
    outside = {n for n in found if n.split(".")[0] not in sys.stdlib_module_names}
    assert outside - ALLOWED_FIRST_PARTY - {n for n in outside if n.startswith("reconciler.render.")} == set()
    assert {n.split(".")[0] for n in found} & FORBIDDEN == set()


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_no_printing_files_or_clock(path: Path) -> None:
    tree = ast.parse(path.read_text())
    names = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    attrs = {n.func.attr for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)}
    assert names & {"print", "open", "input"} == set()
    assert attrs & {"now", "utcnow", "today", "time", "getenv"} == set()
