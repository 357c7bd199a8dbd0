"""Never a duplicate, through the CLI over HTTP: a create whose outcome is unknown is never sent
twice, and identical copies found when apply reads the portal back are removed."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from reconciler.emulator.server import Emulator
from reconciler.portal.client import PortalClient
from tests.conftest import advance_clock, fault, titles
from tests.e2e.conftest import MARK, Run, plan_json


def test_a_create_that_lands_after_the_check_is_not_sent_again(on_emu: Run, workdir: Path, emu: Emulator,
                                                              portal: PortalClient) -> None:
    # The answer to the first create comes after --timeout and after the check (2 s later).
    fault(emu, "createTask", "delay", count=1, seconds=2.8)
    result = on_emu("apply", "--auto-approve", "--timeout", "0.5", "--parallelism", "1")
    assert result.code == 1, result.out + result.err
    assert "the outcome is unknown" in result.out and "run plan again: it shows whether it landed" in result.out
    deadline = time.monotonic() + 5
    while len([t for t in titles(portal) if t.startswith(MARK)]) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)  # until the delayed create lands
    time.sleep(0.2)
    managed = [t for t in titles(portal) if t.startswith(MARK)]
    assert len(managed) == len(set(managed)) == 3
    after = on_emu("plan", "--format", "json", "--detailed-exitcode")
    assert after.code == 0 and plan_json(after)["changes"] == []


def test_apply_removes_an_identical_copy_it_finds_when_it_reads_back(on_emu: Run, emu: Emulator,
                                                                    portal: PortalClient,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from reconciler.portal.wire import fields_of
    from reconciler.render import apply as views

    real_summary = views.summary

    def summary_then_copy(*args: object, **kwargs: object) -> str:
        # Behind the CLI's back, after its creates and before its read-back: another apply's
        # create of the same task lands.
        advance_clock(emu, 60)
        task = titles(portal)[MARK + "nightly-parcel-buffer"]
        portal.create_task(fields_of(task))
        return real_summary(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(views, "summary", summary_then_copy)
    result = on_emu("apply", "--auto-approve")
    assert result.code == 0, result.out + result.err
    assert views.REMOVING_COPIES in result.out and result.lines[-1] == "The portal now matches tasks.d."
    managed = [t.title for t in portal.iter_tasks() if t.title.startswith(MARK)]
    assert sorted(managed) == sorted(set(managed)) and len(managed) == 3
