"""Issue 11 end to end: `show`, `runs`, `status` and `import` through the CLI, the client and the
emulator over HTTP."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.conftest import Run


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_show_prints_a_saved_plan_exactly_as_plan_did(on_emu: Run, run: Run, workdir: Path, fmt: str) -> None:
    (workdir / "tasks.d" / "month-end.yaml").unlink()
    assert on_emu("apply", "--auto-approve").code == 0
    (workdir / "tasks.d" / "month-end.yaml").write_text((workdir / "tasks.d" / "nightly-buffer.yaml").read_text()
                                                        .replace("nightly-parcel-buffer", "second-buffer"))
    planned = on_emu("plan", "--format", fmt, "--out", "plan.json", "--owner", "publisher")
    assert planned.code == 0, planned.err
    printed = planned.out.rstrip("\n")
    if fmt == "text":
        printed = printed.rsplit("\n", 1)[0]  # the "Saved the plan to ..." line
    shown = run("show", "plan.json", "--format", fmt)
    assert shown.code == 0 and shown.out.rstrip("\n") == printed
    assert shown.err.startswith("plan.json: planned ") and "reconciler apply plan.json" in shown.err


def test_show_refuses_what_is_not_a_plan(run: Run, workdir: Path) -> None:
    (workdir / "bad.json").write_text(json.dumps({"format_version": "1", "plan": {"changes": []}, "tasks_dir": "t",
                                                 "owner": "o", "portal": "p", "mark": "m",
                                                 "created": "2026-01-01T00:00:00Z",
                                                 "options": {"on_remove": "delete", "no_delete": False,
                                                             "allow_empty": False, "allow_active_runs": False}}))
    result = run("show", "bad.json")
    assert result.code == 1 and result.err.startswith("error: bad.json: damaged plan file (KeyError(")
    assert run("show", "missing.json").code == 1


def test_fire_times_count_from_the_portals_clock(on_emu: Run, workdir: Path) -> None:
    """The emulator's clock stands at 2026-01-01T00:00Z (its Date header says so), far from this
    machine's: the plan's next fire times are the portal's."""
    data = json.loads(on_emu("plan", "--format", "json").out)
    nightly = next(c for c in data["changes"] if c["name"] == "nightly-parcel-buffer")
    assert nightly["next_fires"]["after"][0] == "2026-01-01T02:00:00Z"  # Thursday 02:00, MON-FRI
