"""Saved plans (apply exactly what was planned, refuse a stale one) and secrets kept out of every
output and of the plan file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reconciler.emulator.server import Emulator
from reconciler.portal.client import PortalClient
from tests.conftest import titles
from tests.e2e.conftest import MARK, Run, edit_task, plan_json

SECRET = "s3cr3t-layer-token-4711"
STALE = "plan is stale, run plan again"


@pytest.fixture
def with_secret(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """nightly-parcel-buffer reads its layer with a token from ${secret:LAYER_TOKEN}."""
    monkeypatch.setenv("LAYER_TOKEN", SECRET)

    def add(doc: dict) -> None:
        doc["parameters"]["in_features"]["url"] += "?token=${secret:LAYER_TOKEN}"

    edit_task(workdir, "nightly-parcel-buffer", add)
    return SECRET


def test_apply_a_saved_plan_without_asking(on_emu: Run, workdir: Path, portal: PortalClient) -> None:
    planned = on_emu("plan", "--out", "plan.json")
    assert planned.code == 0 and "Saved the plan to plan.json" in planned.out
    saved = json.loads((workdir / "plan.json").read_text())
    assert saved["format_version"] == "1" and saved["tasks_dir"] == "tasks.d" and saved["plan"]["summary"]["create"] == 3
    applied = on_emu("apply", "plan.json")  # stdin is not a terminal, and no --auto-approve: a saved plan needs none
    assert applied.code == 0, applied.out + applied.err
    assert "The saved plan plan.json is up to date: applying it." in applied.out
    assert applied.lines[-1] == "The portal now matches tasks.d." and len(titles(portal)) == 3
    again = on_emu("apply", "plan.json")  # the portal changed since: by that very apply
    assert again.code == 1 and STALE in again.err


def test_a_portal_change_makes_the_plan_stale(on_emu: Run, emu: Emulator, portal: PortalClient) -> None:
    from tests.conftest import buffer_fields as fields

    assert on_emu("plan", "--out", "plan.json").code == 0
    portal.create_task(fields(emu, "made by hand meanwhile"))  # unmanaged: not part of the plan
    portal.create_task(fields(emu, MARK + "managed meanwhile"))
    result = on_emu("apply", "plan.json")
    assert result.code == 1
    assert result.err.strip() == f"error: {STALE}: the portal's tasks changed since the plan was made."
    assert set(titles(portal)) == {"made by hand meanwhile", MARK + "managed meanwhile"}  # nothing applied


def test_a_task_file_change_makes_the_plan_stale(on_emu: Run, workdir: Path, portal: PortalClient) -> None:
    assert on_emu("plan", "--out", "plan.json").code == 0
    edit_task(workdir, "nightly-parcel-buffer", lambda d: d.update(schedule="0 0 3 ? * MON-FRI"))
    result = on_emu("apply", "plan.json")
    assert result.code == 1 and "task files (or their variables) changed" in result.err and STALE in result.err
    assert titles(portal) == {}


def test_a_changed_secret_makes_the_plan_stale(on_emu: Run, with_secret: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # The plan file holds no trace of secret values (not even a hash); a changed secret shows as
    # an update the saved plan lacks once the portal holds the old value.
    assert on_emu("apply", "--auto-approve").code == 0
    assert on_emu("plan", "--out", "plan.json").code == 0
    monkeypatch.setenv("LAYER_TOKEN", "another-token")
    result = on_emu("apply", "plan.json")
    assert result.code == 1 and STALE in result.err and "another-token" not in result.out + result.err


def test_a_plan_with_errors_is_not_saved(on_emu: Run, workdir: Path) -> None:
    edit_task(workdir, "nightly-parcel-buffer", lambda d: d["parameters"].update(no_such_input=1))
    result = on_emu("plan", "--out", "plan.json")
    assert result.code == 1 and "no_such_input" in result.out and not (workdir / "plan.json").exists()
    assert "The plan has errors, so it was not saved to plan.json." in result.out


def test_a_damaged_plan_file_is_refused(on_emu: Run, workdir: Path) -> None:
    (workdir / "plan.json").write_text("{not json")
    result = on_emu("apply", "plan.json")
    assert result.code == 1 and "plan.json is not a plan file" in result.err
    assert "cannot read plan file missing.json" in on_emu("apply", "missing.json").err


def test_secrets_are_masked_in_every_view_and_never_saved(
    on_emu: Run, with_secret: str, workdir: Path, portal: PortalClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    for fmt in ("text", "markdown", "json"):
        result = on_emu("plan", "--format", fmt, "--out", f"plan-{fmt}.json")
        assert result.code == 0, result.out + result.err
        assert with_secret not in result.out + result.err and "(secret)" in result.out, fmt
        assert with_secret not in (workdir / f"plan-{fmt}.json").read_text()
    applied = on_emu("apply", "plan-json.json")
    assert applied.code == 0 and with_secret not in applied.out + applied.err
    sent = titles(portal)[MARK + "nightly-parcel-buffer"].parameters["in_features"]["url"]
    assert sent.endswith("?token=" + with_secret)  # the portal got the real value
    monkeypatch.setenv("LAYER_TOKEN", "rotated-token-0815")
    for fmt in ("text", "markdown", "json"):
        result = on_emu("plan", "--format", fmt, "--out", "rotated.json")
        assert result.code == 0
        text = result.out + result.err + (workdir / "rotated.json").read_text()
        assert with_secret not in text and "rotated-token-0815" not in text, fmt
    (change,) = plan_json(on_emu("plan", "--format", "json"))["changes"]
    assert change["actions"] == ["update"] and all(f["secret"] for f in change["fields"])
    result = on_emu("apply", "--auto-approve", "--format", "json")
    assert result.code == 0 and "rotated-token-0815" not in result.out + result.err
    assert json.loads(result.out)["converged"] is True
