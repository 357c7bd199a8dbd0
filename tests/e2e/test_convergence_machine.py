"""A stateful property test through the real CLI, client and emulator over HTTP: random task-file
edits (creates, parameter and schedule changes, renames, removals), hand edits on the portal
(unmanaged tasks, disabling, editing or copying a managed task), time passing (tasks fire, some
complete), faults injected into apply and applies interrupted by Ctrl-C.
After each successful apply: the next plan is empty, the portal holds exactly what tasks.d
declares, unmanaged tasks are untouched, and no two tasks carry one managed title.

The example count is bounded for CI (RECONCILER_MACHINE_EXAMPLES, default 4); raise it for a
long run."""

from __future__ import annotations

import concurrent.futures
import contextlib
import io
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any
from unittest import mock

import requests
import yaml
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from reconciler import cli
from reconciler.emulator.server import Emulator
from reconciler.portal.wire import fields_of
from tests.conftest import PASSWORDS, T0, buffer_fields, signed_in

MARK = "[reconciler] "
NAMES = ("alpha", "bravo", "charlie", "delta")
SCHEDULES = ("0 0 2 ? * MON-FRI", "0 30 3 * * ?", "0 0 4 1 * ?")


class Convergence(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.emu = Emulator(port=0, clock_ms=T0)
        self.emu.start()
        self.client = signed_in(self.emu)
        self.folder = Path(tempfile.mkdtemp())
        (self.folder / "tasks.d").mkdir()
        self.declared: dict[str, dict[str, Any]] = {}
        self.unmanaged: dict[str, Any] = {}
        self.applied = True

    def teardown(self) -> None:
        self.client.close()
        self.emu.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    # -- the CLI --------------------------------------------------------------------------------

    def cli(self, *argv: str) -> tuple[int, str]:
        out = io.StringIO()
        old = os.getcwd()
        # Set for this call only: left behind, GP_SERVER_URL would point later tests at a stopped emulator.
        mine = {"RECONCILER_PASSWORD": PASSWORDS["publisher"], "GP_SERVER_URL": self.emu.server_url}
        before = {name: os.environ.get(name) for name in mine}
        os.environ.update(mine)
        try:
            os.chdir(self.folder)
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
                code = cli.main([*argv, "--allow-empty", "--portal", self.emu.sharing_url, "--username", "publisher"])
        finally:
            os.chdir(old)
            for name, value in before.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
        return code, out.getvalue()

    def write(self) -> None:
        for path in (self.folder / "tasks.d").glob("*.yaml"):
            path.unlink()
        for name, doc in self.declared.items():
            (self.folder / "tasks.d" / f"{name}.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
        self.applied = False

    # -- task-file edits ------------------------------------------------------------------------

    @rule(name=st.sampled_from(NAMES), schedule=st.sampled_from(SCHEDULES), distance=st.integers(1, 9),
          enabled=st.booleans(), once=st.booleans())
    def declare(self, name: str, schedule: str, distance: int, enabled: bool, once: bool) -> None:
        if any(name == n or name in d.get("previous_names", ()) for n, d in self.declared.items()):
            return
        self.declared[name] = {
            "name": name, "task_url": "${GP_SERVER_URL}/rest/services/Samples/Buffer/GPServer/Buffer",
            "parameters": {"in_features": {"url": "https://gis.example.com/x/FeatureServer/0"},
                           "buffer_distance_or_field": {"distance": distance, "units": "esriKilometers"}},
            "schedule": schedule, "enabled": enabled, **({"max_occurrences": 1} if once else {})}
        self.write()

    @precondition(lambda self: self.declared)
    @rule(data=st.data(), distance=st.integers(1, 9), schedule=st.sampled_from(SCHEDULES))
    def edit(self, data: st.DataObject, distance: int, schedule: str) -> None:
        name = data.draw(st.sampled_from(sorted(self.declared)))
        doc = self.declared[name]
        doc["parameters"]["buffer_distance_or_field"]["distance"] = distance
        doc["schedule"] = schedule
        self.write()

    @precondition(lambda self: self.declared)
    @rule(data=st.data())
    def rename(self, data: st.DataObject) -> None:
        name = data.draw(st.sampled_from(sorted(self.declared)))
        new = f"{name}-v{len(self.declared[name].get('previous_names', ())) + 2}"
        doc = self.declared.pop(name)
        self.declared[new] = {**doc, "name": new, "previous_names": [*doc.get("previous_names", ()), name]}
        self.write()

    @precondition(lambda self: self.declared)
    @rule(data=st.data())
    def remove(self, data: st.DataObject) -> None:
        del self.declared[data.draw(st.sampled_from(sorted(self.declared)))]
        self.write()

    # -- hand edits on the portal ----------------------------------------------------------------

    @rule(title=st.sampled_from(("by hand", "weekly export", "alpha")))
    def hand_made(self, title: str) -> None:
        task_id = self.client.create_task(buffer_fields(self.emu, title, active=False))
        self.unmanaged[task_id] = self.client.get_task(task_id)

    @precondition(lambda self: self.applied and self.managed())
    @rule(data=st.data(), how=st.sampled_from(("disable", "edit", "copy")))
    def tamper(self, data: st.DataObject, how: str) -> None:
        task = data.draw(st.sampled_from(sorted(self.managed().values(), key=lambda t: t.id)))
        if how == "disable" and task.active:
            self.client.disable_task(task.id)
        elif how == "edit":
            self.client.update_task(task.id, fields_of(task).__class__(**{**fields_of(task).__dict__,
                                                                          "max_occurrences": 99}))
        elif how == "copy":
            requests.post(self.emu.control_url + "/clock", data={"advance": "60"}, timeout=10)
            self.client.create_task(fields_of(task))  # identical: the plan must heal it
        self.applied = False

    @rule()
    def time_passes(self) -> None:
        # Two days: every schedule fires, and a task with max_occurrences 1 completes.
        requests.post(self.emu.control_url + "/clock", data={"advance": str(2 * 86400)}, timeout=60)

    # -- apply ------------------------------------------------------------------------------------

    @precondition(lambda self: not self.applied)
    @rule()
    def interrupted_apply(self) -> None:
        real_as_completed = concurrent.futures.as_completed

        def wait_then_interrupt(futures: Any, *args: Any, **kwargs: Any) -> Any:
            if not futures:  # a phase with nothing to do
                return iter(())
            next(real_as_completed(futures, *args, **kwargs))
            raise KeyboardInterrupt  # Ctrl-C after the first change finished

        with mock.patch("reconciler.applying.executor.as_completed", wait_then_interrupt):
            code, out = self.cli("apply", "--auto-approve", "--parallelism", "1")
        assert code in (0, 130), out
        self.applied = code == 0

    @rule(kind=st.sampled_from((None, None, "http502", "arcgis_error", "drop")))
    def apply(self, kind: str | None) -> None:
        if kind is not None:
            spec = {"path": "createTask|/update$|/delete$|/enable$|/disable$", "kind": kind, "count": 1}
            requests.post(self.emu.control_url + "/faults", json=spec, timeout=10)
        code, out = self.cli("apply", "--auto-approve")
        if kind is None:
            assert code == 0, out
        requests.delete(self.emu.control_url + "/faults", timeout=10)
        if code != 0:  # a fault: the next apply converges
            code, out = self.cli("apply", "--auto-approve")
            assert code == 0, out
        self.applied = True

    # -- invariants -------------------------------------------------------------------------------

    def managed(self) -> dict[str, Any]:
        return {t.id: t for t in self.client.iter_tasks() if t.title.startswith(MARK)}

    @invariant()
    def converged_after_apply(self) -> None:
        if not self.applied:
            return
        code, out = self.cli("plan", "--detailed-exitcode")
        assert code == 0, out
        titles = [t.title for t in self.managed().values()]
        assert sorted(titles) == sorted(MARK + n for n in self.declared), titles
        assert len(titles) == len(set(titles))

    @invariant()
    def unmanaged_untouched(self) -> None:
        for task_id, before in self.unmanaged.items():
            assert self.client.get_task(task_id) == before


Convergence.TestCase.settings = settings(
    max_examples=int(os.environ.get("RECONCILER_MACHINE_EXAMPLES", "4")), stateful_step_count=8, deadline=None)
test_convergence = Convergence.TestCase
