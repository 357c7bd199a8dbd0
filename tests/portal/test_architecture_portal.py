"""The portal package keeps its pure core pure: only http.py (and client.py through it) do I/O."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PORTAL = Path(__file__).resolve().parents[2] / "reconciler" / "portal"
PURE = ("wire", "envelope", "retry", "auth", "paging")
IO = {"socket", "subprocess", "requests", "http", "urllib", "urllib3", "sqlite3", "shutil"}


def imported(module: str) -> set[str]:
    tree = ast.parse((PORTAL / f"{module}.py").read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("module", PURE)
def test_pure_modules_do_no_io(module: str) -> None:
    names = imported(module)
    assert names & IO == set()
    assert {n for n in names if n not in sys.stdlib_module_names} <= {"reconciler", "__future__"}


def test_only_http_imports_requests() -> None:
    users = {p.stem for p in PORTAL.glob("*.py") if "requests" in imported(p.stem)}
    assert users == {"http"}


@pytest.mark.parametrize("path", sorted(PORTAL.glob("*.py")), ids=lambda p: p.name)
def test_modules_stay_small_and_start_with_future_annotations(path: Path) -> None:
    text = path.read_text()
    assert len(text.splitlines()) <= 300
    if text.strip():
        assert "from __future__ import annotations" in text
