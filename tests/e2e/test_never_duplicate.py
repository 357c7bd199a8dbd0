"""A create whose outcome is unknown is never sent twice: through the CLI over HTTP, a portal
that lands the create only after the client gave up and checked leaves exactly one task."""

from __future__ import annotations

import time
from pathlib import Path

from reconciler.emulator.server import Emulator
from reconciler.portal.client import PortalClient
from tests.conftest import fault, titles
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
