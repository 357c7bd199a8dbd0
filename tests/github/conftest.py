"""(`workdir` and `run` come from tests/conftest.py.) The fake GitHub API, the environment GitHub Actions gives a step (pointing at the fake), and
plans made the real way: `reconciler plan --format json` on the embedded emulator."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Run
from tests.github.fake_api import ACTIONS_TOKEN, REPO, FakeGitHub, serve

HEAD = "0123456789abcdef0123456789abcdef01234567"


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    yield from serve()


@pytest.fixture
def actions(github: FakeGitHub, workdir: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """Set the step's environment; call it again to change the event (a pull request number, a push)."""

    def event(payload: dict[str, Any]) -> None:
        (workdir / "event.json").write_text(json.dumps(payload))

    for name, value in {"GITHUB_TOKEN": ACTIONS_TOKEN, "GITHUB_REPOSITORY": REPO, "GITHUB_API_URL": github.url,
                        "GITHUB_SERVER_URL": "https://github.test", "GITHUB_RUN_ID": "777", "GITHUB_SHA": HEAD,
                        "GITHUB_EVENT_PATH": str(workdir / "event.json"),
                        "GITHUB_OUTPUT": str(workdir / "output.txt"),
                        "GITHUB_STEP_SUMMARY": str(workdir / "summary.md")}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("RECONCILER_ENVIRONMENT", raising=False)
    event({"pull_request": {"number": 7, "head": {"sha": HEAD}}, "repository": {"default_branch": "main"}})
    github.add_pull(7)
    return event


@pytest.fixture
def make_plan(run: Run, workdir: Path) -> Callable[..., Path]:
    """plan.json from `reconciler plan --emulator --format json` of the folder's tasks.d (applied
    first with `applied=True`: a plan with no changes)."""

    def make(*, applied: bool = False, name: str = "plan.json") -> Path:
        if applied:
            assert run("apply", "--emulator", "--auto-approve").code == 0
        planned = run("plan", "--emulator", "--format", "json")
        assert planned.code == 0, planned.err
        (workdir / name).write_text(planned.out)
        return workdir / name

    return make


def outputs(folder: Path) -> dict[str, str]:
    lines = (folder / "output.txt").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines)


def many_tasks(folder: Path, n: int) -> None:
    """N paused tasks on the emulator's Buffer tool (paused: the portal's quota of active tasks is 20)."""
    docs = [f"name: bulk-{i:04d}\n"
            "task_url: ${GP_SERVER_URL}/rest/services/Samples/Buffer/GPServer/Buffer\n"
            "parameters:\n"
            "  in_features:\n    url: ${GP_SERVER_URL}/rest/services/Hosted/Parcels/FeatureServer/0\n"
            f"  buffer_distance_or_field:\n    distance: {i + 1}\n    units: esriMeters\n"
            f"schedule: \"0 {i % 60} {i % 24} * * ?\"\nenabled: false\n" for i in range(n)]
    for old in folder.glob("*.yaml"):
        old.unlink()
    (folder / "bulk.yaml").write_text("---\n".join(docs))
