"""What the composite action installs: requirements/action.txt pins every package at an exact
version (the runtime dependencies, theirs, and the build backend), within pyproject.toml's ranges;
the install step takes wheels only from it and the reconciler itself without the index; Dependabot
bumps the list."""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "requirements" / "action.txt"


def pins() -> dict[str, str]:
    lines = [line.strip() for line in LOCK.read_text().splitlines() if line.strip() and not line.startswith("#")]
    found: dict[str, str] = {}
    for line in lines:
        match = re.fullmatch(r"([A-Za-z0-9._-]+)==([A-Za-z0-9.+!-]+)", line)
        assert match, f"not an exact pin: {line!r}"
        found[canonicalize_name(match.group(1))] = match.group(2)
    return found


def test_every_pin_is_exact_and_meets_pyprojects_ranges() -> None:
    tomllib = pytest.importorskip("tomllib", reason="Python 3.11+ reads pyproject.toml")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    wanted = [Requirement(r) for r in project["project"]["dependencies"] + project["build-system"]["requires"]]
    locked = pins()
    for requirement in wanted:
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{name} is not in {LOCK.name}"
        assert requirement.specifier.contains(locked[name], prereleases=True), (name, locked[name])


def test_the_list_is_complete() -> None:
    # Each pinned package's own requirements (as installed here, markers of this Python) are pinned.
    locked = pins()
    missing = set()
    for name in locked:
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        for text in requires:
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                if canonicalize_name(requirement.name) not in locked:
                    missing.add(f"{requirement.name} (for {name})")
    assert missing == set()


def test_the_install_step_takes_only_the_pinned_wheels() -> None:
    [install] = [s for s in yaml.safe_load((ROOT / "action.yml").read_text())["runs"]["steps"]
                 if s.get("name") == "Install reconciler"]
    script = install["run"]
    assert '--only-binary :all: --requirement "$GITHUB_ACTION_PATH/requirements/action.txt"' in script
    assert '--no-deps --no-build-isolation --no-index "$GITHUB_ACTION_PATH"' in script
    assert script.count("pip[@]") == 2  # nothing else is installed


def test_dependabot_bumps_the_list() -> None:
    updates = yaml.safe_load((ROOT / ".github" / "dependabot.yml").read_text())["updates"]
    assert any(u["package-ecosystem"] == "pip" and u["directory"] == "/requirements" for u in updates)
