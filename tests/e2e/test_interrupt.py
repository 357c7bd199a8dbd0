"""Ctrl-C during apply: changes in flight finish and are reported, the rest are named as not
started, and the exit code is 130."""

from __future__ import annotations

import concurrent.futures
from typing import Any

import pytest

from reconciler.portal.client import PortalClient
from tests.conftest import titles
from tests.e2e.conftest import MARK, Run


def test_ctrl_c_reports_what_finished_and_what_did_not_start(on_emu: Run, portal: PortalClient,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    real_as_completed = concurrent.futures.as_completed

    def wait_then_interrupt(futures: Any, *args: Any, **kwargs: Any) -> Any:
        if not futures:  # a phase with nothing to do
            return iter(())
        next(real_as_completed(futures, *args, **kwargs))  # a change has finished, but Ctrl-C comes before it is reported
        raise KeyboardInterrupt

    monkeypatch.setattr("reconciler.applying.executor.as_completed", wait_then_interrupt)
    result = on_emu("apply", "--auto-approve", "--parallelism", "1")
    assert result.code == 130 and "Interrupted (^C)" in result.err
    created = [line for line in result.lines if line.startswith("+ created")]
    made = {title for title in titles(portal) if title.startswith(MARK)}
    assert len(created) == len(made) >= 1, result.out
    left = 3 - len(made)
    assert f"Apply interrupted: {len(made)} succeeded, 0 failed, 0 skipped, {left} not started." in result.lines
    not_started = result.out.split("Not started (Ctrl-C came first):\n", 1)[1].splitlines() if left else []
    assert len([line for line in not_started if line.startswith("  ")]) == left
    assert "The portal now matches" not in result.out
