"""The house rules, read from the code's own imports: which room may use which, no import circle,
a pure core (no I/O, no terminal, no clock), and only the CLI writes to the terminal. Each rule
has a self-test that shows it can fail."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "reconciler"

# Room -> the rooms it may import (itself always). A room is a top-level module or package of
# reconciler/. The pipeline reads top-down: the CLI dispatches to commands, which read task files,
# read the portal, plan, render and apply; the shared records sit at the bottom.
SHARED = {"model", "errors", "instants", "jsonforms", "masking", "urls", "defaults"}
MAY_IMPORT: dict[str, set[str]] = {
    "model": set(),
    "defaults": set(),  # what the command line states before anything heavy is imported
    "errors": set(),
    "instants": set(),
    "jsonforms": set(),
    "urls": {"model"},
    "masking": {"model", "jsonforms"},
    "quartz": {"errors", "model"},
    "taskfiles": {"quartz"} | SHARED,
    "planning": {"quartz", "taskfiles"} | SHARED,
    "render": {"planning", "applying", "quartz"} | SHARED,  # applying: the outcome records only
    "portal": {"__init__"} | SHARED,  # __init__: the version in the User-Agent
    "applying": {"planning", "portal"} | SHARED,
    "emulator": {"quartz", "errors", "model"},  # neither the client nor the planner
    "connection": {"portal", "emulator"} | SHARED,
    "github": {"render"} | SHARED,  # the plan's Markdown view; its API client is its own
    "commands": {"applying", "connection", "emulator", "github", "planning", "portal", "quartz", "render", "taskfiles"} | SHARED,
    "cli": {"__init__", "applying", "commands", "connection", "planning", "portal", "render", "taskfiles"} | SHARED,
    "__main__": {"cli"},
    "__init__": set(),
}
# Where a room may use only part of another: the pure rooms read the task-file rules, not the
# loader, and the apply views read the outcome records, not the executor.
ONLY: dict[tuple[str, str], set[str]] = {
    ("planning", "taskfiles"): {"reconciler.taskfiles.rules"},
    ("render", "applying"): {"reconciler.applying.outcomes"},
    ("github", "render"): {"reconciler.render.plan_markdown"},
}
# Rooms that do no I/O: no network or process modules, no print/open/input, no file reads (the
# task-file loader and the schema's package data aside).
PURE = ("defaults", "model", "errors", "instants", "jsonforms", "urls", "masking", "quartz", "planning", "render", "taskfiles")
IO_MODULES = ("socket", "subprocess", "requests", "http", "urllib.request", "urllib3", "sqlite3", "shutil")
# The rooms that compute only: not even the environment, the clock, randomness, threads or logs.
COMPUTE_ONLY = ("defaults", "model", "errors", "instants", "jsonforms", "urls", "masking", "quartz", "planning", "render")
NOT_FOR_COMPUTING = ("os", "sys", "io", "pathlib", "time", "random", "logging", "threading", "importlib")
CLOCK_CALLS = {"now", "utcnow", "today", "time", "monotonic", "getenv"}
# The portal client's own rooms that do no network I/O (http.py is its one choke-point).
PORTAL_PURE = ("wire", "envelope", "retry", "auth", "paging", "listing", "protocol", "settings", "snapshot")
# The sanctioned file access of the pure rooms: the loader reads the task files, and the JSON
# Schema ships as package data; the project file is read like a task file.
FILE_ACCESS_ALLOWED = {
    "reconciler.taskfiles.loader": {"loading:is_dir", "load_file:open"},
    "reconciler.taskfiles.schema": {"schema_text:read_text"},
    "reconciler.taskfiles.project": {"load:open", "_merged:is_dir"},
}
# Each third-party library and the only modules that may import it.
LIBRARIES = {
    "yaml": {"reconciler.taskfiles.yamlsource", "reconciler.taskfiles.yamlevents", "reconciler.taskfiles.yamldoc",
             "reconciler.taskfiles.writer"},
    "jsonschema": {"reconciler.taskfiles.schema"},
    "fastjsonschema": {"reconciler.taskfiles.schema"},
    "croniter": {"reconciler.quartz.expression"},
    "cron_descriptor": {"reconciler.quartz.text"},
    "deepdiff": {"reconciler.planning.compare"},
    "requests": {"reconciler.portal.http", "reconciler.portal.transport",  # transport: what a failure tells
                 "reconciler.github.api"},
    "urllib3": {"reconciler.portal.http", "reconciler.portal.transport"},
    "trustme": {"reconciler.emulator.tls"},
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(tree: ast.AST, known: Iterable[str], here: str = "") -> set[str]:
    """Every module imported anywhere in `tree` (function-level and relative imports too; `here`
    is the importing module, for the relative ones); `from pkg import sub` names the submodule
    when it is one."""
    names = set(known)
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = here.split(".")[: len(here.split(".")) - node.level] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            subs = {f"{module}.{alias.name}" for alias in node.names} & names
            found.update(subs or {module})
            if subs and len(subs) < len(node.names):
                found.add(module)
    return found


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports_of(ast.parse(path.read_text()), known, _package_of(name, path))
            for name, path in known.items()}


def _package_of(name: str, path: Path) -> str:
    """What a relative import counts from: the module itself for a package's __init__."""
    return f"{name}.__init__" if path.name == "__init__.py" else name


def room(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def violations(edges: Mapping[str, set[str]], rules: Mapping[str, set[str]],
               only: Mapping[tuple[str, str], set[str]] = ONLY) -> list[str]:
    bad = []
    for module, targets in sorted(edges.items()):
        for target in sorted(targets):
            if target.split(".")[0] != "reconciler":
                continue
            here, there = room(module), room(target)
            allowed = there in rules.get(here, set()) and target in only.get((here, there), {target})
            if there != here and not allowed:
                bad.append(f"{module} imports {target}")
    return bad


def cycles(edges: Mapping[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module, or a module importing itself."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, ()):
            if nxt not in edges:
                continue
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                item = stack.pop()
                on_stack.discard(item)
                component.append(item)
                if item == node:
                    break
            if len(component) > 1 or node in edges.get(node, ()):
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_every_room_has_a_rule() -> None:
    assert {room(m) for m in modules()} <= set(MAY_IMPORT)


def test_rooms_import_only_what_the_layering_allows() -> None:
    assert violations(graph(), MAY_IMPORT) == []


def test_the_layering_check_can_fail() -> None:
    edges = {"reconciler.portal.snapshot": {"reconciler.planning.plan"}, "reconciler.planning.plan": set(),
             "reconciler.render.apply": {"reconciler.applying.executor", "reconciler.applying.outcomes"}}
    assert violations(edges, MAY_IMPORT) == ["reconciler.portal.snapshot imports reconciler.planning.plan",
                                             "reconciler.render.apply imports reconciler.applying.executor"]


def test_no_import_circle() -> None:
    assert cycles(graph()) == []


def test_the_circle_check_can_fail() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(edges) == [["a", "b", "c"]]
    tree = ast.parse("from reconciler.quartz import text\nfrom reconciler.quartz import parse\n")
    assert imports_of(tree, {"reconciler.quartz.text"}) == {"reconciler.quartz.text", "reconciler.quartz"}
    relative = ast.parse("from ..planning import plan\nfrom . import wire\n")
    known = {"reconciler.planning.plan", "reconciler.portal.wire"}
    assert imports_of(relative, known, "reconciler.portal.snapshot") == known


def test_each_library_is_imported_only_where_it_is_listed() -> None:
    for module, targets in graph().items():
        for target in targets:
            top = target.split(".")[0]
            if top not in sys.stdlib_module_names and top not in ("reconciler", "__future__"):
                assert module in LIBRARIES.get(top, set()), f"{module} imports {target}"


def pure_modules() -> list[str]:
    return sorted(m for m in modules() if room(m) in PURE)


def _under(names: Iterable[str], tops: Iterable[str]) -> list[str]:
    return sorted(n for n in names if any(n == f or n.startswith(f + ".") for f in tops))


@pytest.mark.parametrize("module", pure_modules())
def test_pure_rooms_import_no_io(module: str) -> None:
    assert _under(imports_of(ast.parse(modules()[module].read_text()), ()), IO_MODULES) == []


@pytest.mark.parametrize("module", sorted(m for m in modules() if room(m) in COMPUTE_ONLY))
def test_computing_rooms_use_no_environment_clock_or_threads(module: str) -> None:
    tree = ast.parse(modules()[module].read_text())
    assert _under(imports_of(tree, ()), NOT_FOR_COMPUTING) == []
    assert clock_calls(tree) == set()


def clock_calls(tree: ast.AST) -> set[str]:
    return {n.func.attr for n in ast.walk(tree)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in CLOCK_CALLS}


def test_the_computing_check_can_fail() -> None:
    tree = ast.parse("import time\nfrom os import environ\ndef f(datetime):\n    return datetime.now()\n")
    assert _under(imports_of(tree, ()), NOT_FOR_COMPUTING) == ["os", "time"]
    assert clock_calls(tree) == {"now"}


@pytest.mark.parametrize("name", PORTAL_PURE)
def test_the_portal_client_talks_over_http_only(name: str) -> None:
    found = imports_of(ast.parse(modules()[f"reconciler.portal.{name}"].read_text()), ())
    assert _under(found, IO_MODULES) == []


CALLS = {"print", "open", "input", "read_text", "read_bytes", "write_text", "write_bytes", "is_dir", "rglob"}


def file_and_terminal_calls(tree: ast.AST) -> set[str]:
    """print/open/input and file methods such as path.read_text(), as "function:call" with the
    innermost enclosing function ("<module>" at the top level)."""
    found: set[str] = set()

    def visit(node: ast.AST, where: str) -> None:
        for child in ast.iter_child_nodes(node):
            inner = child.name if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else where
            if isinstance(child, ast.Call):
                func = child.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                if name in CALLS:
                    found.add(f"{where}:{name}")
            visit(child, inner)

    visit(tree, "<module>")
    return found


@pytest.mark.parametrize("module", pure_modules())
def test_pure_rooms_do_not_print_or_open_files(module: str) -> None:
    found = file_and_terminal_calls(ast.parse(modules()[module].read_text()))
    assert found - FILE_ACCESS_ALLOWED.get(module, set()) == set()


def test_the_file_check_can_fail() -> None:
    found = file_and_terminal_calls(ast.parse("def f(p):\n    return p.read_text()\nprint(1)"))
    assert found == {"f:read_text", "<module>:print"}


def writes_to_terminal(tree: ast.AST) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print":
            return True
        if isinstance(node, ast.Attribute) and node.attr in ("stdout", "stderr") and isinstance(node.value, ast.Name) and node.value.id == "sys":
            return True
    return False


def test_only_cli_writes_to_the_terminal() -> None:
    # The emulator is a server with its own log lines; everything else reports through reconciler.cli.
    offenders = [
        name for name, path in modules().items()
        if room(name) not in ("cli", "emulator") and writes_to_terminal(ast.parse(path.read_text()))
    ]
    assert offenders == []


def test_the_terminal_check_can_fail() -> None:
    assert writes_to_terminal(ast.parse("print('x')"))
    assert writes_to_terminal(ast.parse("import sys\nsys.stdout.write('x')"))
    assert not writes_to_terminal(ast.parse("fingerprint('x')"))


@pytest.mark.parametrize("module", sorted(modules()))
def test_modules_start_with_future_annotations(module: str) -> None:
    text = modules()[module].read_text()
    assert not text.strip() or module.endswith("__main__") or "from __future__ import annotations" in text


@pytest.mark.parametrize("module", sorted(m for m in modules() if room(m) == "portal"))
def test_portal_modules_stay_small(module: str) -> None:
    # The client's rooms were split to stay readable; keep them so.
    assert len(modules()[module].read_text().splitlines()) <= 300


def test_every_package_is_shipped() -> None:
    # pyproject.toml lists the packages by hand (schemas/ is mapped in); a new folder must be listed.
    text = (PACKAGE.parent / "pyproject.toml").read_text()
    listed = set(text.split("packages = [", 1)[1].split("]", 1)[0].replace('"', "").replace(" ", "").split(","))
    folders = {module_name(p.parent / "__init__.py") for p in PACKAGE.rglob("__init__.py")}
    assert folders <= listed
