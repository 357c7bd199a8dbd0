"""Functional core, I/O at the edges: each core module imports only what its job needs."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "reconciler"

# module -> third-party/first-party imports it may use (the standard library is always allowed,
# except the I/O modules listed in FORBIDDEN_IO).
ALLOWED = {
    "model": set(),
    "errors": set(),
    "variables": set(),
    "yamlsource": {"yaml"},
    "schema": {"jsonschema"},
    "taskrules": {"reconciler"},
    "instants": set(),
    "report": {"reconciler.model"},
    "quartz": {"croniter", "reconciler"},
    "quartz_fields": {"reconciler"},
    "quartz_days": {"reconciler"},
    "quartz_text": {"cron_descriptor", "reconciler"},
    "plan": {"reconciler.model"},
    "ownership": set(),
    "desired": {"reconciler"},
    "matching": {"reconciler"},
    "compare": {"deepdiff", "reconciler"},  # the only module that sees deepdiff
    "checks": {"reconciler"},
    "planner": {"reconciler"},
}
FORBIDDEN_IO = ("socket", "subprocess", "requests", "http", "urllib.request", "sqlite3", "shutil")


def imports(module: str) -> set[str]:
    tree = ast.parse((PACKAGE / f"{module}.py").read_text())
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def third_party(names: set[str]) -> set[str]:
    import sys

    return {n for n in names if n.split(".")[0] not in sys.stdlib_module_names and n != "__future__"}


@pytest.mark.parametrize("module", sorted(ALLOWED))
def test_core_module_imports(module: str) -> None:
    found = imports(module)
    extra = {n for n in third_party(found) if not any(n == a or n.startswith(a + ".") for a in ALLOWED[module])}
    assert extra == set(), f"{module} imports {extra}"
    assert [n for n in found if any(n == f or n.startswith(f + ".") for f in FORBIDDEN_IO)] == []
    assert not any(n.startswith(("reconciler.portal", "reconciler.emulator", "reconciler.commands", "reconciler.cli")) for n in found)


def file_and_terminal_calls(tree: ast.AST) -> set[str]:
    """print/open/input, and file methods such as path.read_text(), with the enclosing function."""
    found: set[str] = set()
    for func in [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.Module))]:
        for node in ast.walk(func):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if name in {"print", "open", "input", "read_text", "read_bytes", "write_text", "write_bytes"}:
                found.add(f"{getattr(func, 'name', '<module>')}:{name}")
    return found


# The one sanctioned read in the core: the JSON Schema shipped as package data.
FILE_READS_ALLOWED = {"schema": {"schema_text:read_text", "<module>:read_text"}}


@pytest.mark.parametrize("module", sorted(ALLOWED))
def test_core_modules_do_not_print_or_open_files(module: str) -> None:
    found = file_and_terminal_calls(ast.parse((PACKAGE / f"{module}.py").read_text()))
    assert found - FILE_READS_ALLOWED.get(module, set()) == set()


def test_the_file_check_can_fail() -> None:
    assert file_and_terminal_calls(ast.parse("def f(p):\n    return p.read_text()")) >= {"f:read_text"}


PLANNER = ("planner", "matching", "compare", "checks", "desired", "ownership", "plan")


@pytest.mark.parametrize("module", PLANNER)
def test_planner_modules_read_no_clock(module: str) -> None:
    # The planner's only clock is PlanOptions.now.
    text = (PACKAGE / f"{module}.py").read_text()
    assert ".now(" not in text and "utcnow" not in text and "time.time" not in text


def writes_to_terminal(tree: ast.AST) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print":
            return True
        if isinstance(node, ast.Attribute) and node.attr in ("stdout", "stderr") and isinstance(node.value, ast.Name) and node.value.id == "sys":
            return True
    return False


def test_only_cli_writes_to_the_terminal() -> None:
    # The emulator is a server with its own log lines; everything else reports through cli.py.
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if path.name != "cli.py" and "emulator" not in path.parts and writes_to_terminal(ast.parse(path.read_text()))
    ]
    assert offenders == []


def test_the_terminal_check_can_fail() -> None:
    assert writes_to_terminal(ast.parse("print('x')"))
    assert writes_to_terminal(ast.parse("import sys\nsys.stdout.write('x')"))
    assert not writes_to_terminal(ast.parse("fingerprint('x')"))
