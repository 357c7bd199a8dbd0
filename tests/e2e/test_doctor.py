"""reconciler doctor through the CLI, the client and the emulator over HTTP, including emulators
that deviate from what reconciler assumes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from reconciler.emulator.context import Settings
from reconciler.emulator.server import Emulator
from tests.conftest import PASSWORDS, T0, buffer_fields, fault, titles
from tests.e2e.conftest import Run


def findings(result: Any) -> dict[str, dict[str, str]]:
    return {f["check"]: f for f in json.loads(result.out)["findings"]}


def doctor_on(run: Run, emu: Emulator, user: str, monkeypatch: pytest.MonkeyPatch, *extra: str) -> Any:
    monkeypatch.setenv("RECONCILER_PASSWORD", PASSWORDS[user])
    monkeypatch.setenv("GP_SERVER_URL", emu.server_url)
    return run("doctor", "--format", "json", "--portal", emu.sharing_url, "--username", user, *extra)


def test_doctor_reports_observed_facts_and_changes_nothing(on_emu: Run, workdir: Path, emu: Emulator, portal) -> None:
    portal.create_task(buffer_fields(emu, "by hand"))
    before = titles(portal)
    result = on_emu("doctor", "--format", "json")
    assert result.code == 0, result.out + result.err
    found = findings(result)
    assert found["version"]["status"] == "ok" and found["version"]["fact"] == "ArcGIS Enterprise 11.3.0"
    assert found["federated servers"]["evidence"] == emu.server_url
    assert found["owner publisher"]["fact"].startswith("listed: 1 tasks, 1 active; may be managed")
    assert found["time zone"]["fact"] == ("the scheduler reads schedules in UTC, as reconciler does "
                                          "(`scheduler_timezone:` in the project file; UTC when unset)")
    # The emulator's virtual clock stands at T0, months behind this machine's: a skew to report.
    assert found["clock"]["status"] == "warn" and " s behind this machine's" in found["clock"]["fact"]
    assert titles(portal) == before, "read-only"
    for fmt in ("text", "markdown"):
        assert on_emu("doctor", "--format", fmt).code == 0


def test_an_administrator_sees_the_limits_and_each_owners_rights(run: Run, workdir: Path, emu: Emulator,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    (workdir / "tasks.d" / "viewer.yaml").write_text(
        "name: for-viewer\nowner: viewer\ntask_url: ${GP_SERVER_URL}/rest/services/Samples/Buffer/GPServer/Buffer\n"
        "schedule: 0 0 2 * * ?\n")
    found = findings(doctor_on(run, emu, "admin", monkeypatch))
    assert found["limits"]["fact"].startswith("GP service tasks: 20 active per user, 200 per organization")
    assert found["owner viewer"]["status"] == "fail" and "lacks privileges" in found["owner viewer"]["fact"]
    as_publisher = findings(doctor_on(run, emu, "publisher", monkeypatch))
    assert as_publisher["owner viewer"]["status"] == "fail"
    assert as_publisher["owner viewer"]["fact"].startswith("its tasks cannot be listed")
    assert as_publisher["limits"]["status"] == "info" and "not readable" in as_publisher["limits"]["fact"]


def test_a_deviating_portal_is_reported_as_it_is(run: Run, workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A smaller page size, a scheduler that reads schedules as UTC+02:00, and a release before 11.2."""
    settings = Settings(page_size=2, enterprise_version="11.2.0", limits={"GPServiceUserLimit": 50})
    with Emulator(port=0, clock_ms=T0, settings=settings) as odd:
        monkeypatch.setenv("RECONCILER_PASSWORD", PASSWORDS["admin"])
        from reconciler.portal.client import PortalClient
        from reconciler.portal.settings import build_settings

        with PortalClient(build_settings(portal=odd.sharing_url, username="admin", password=PASSWORDS["admin"])) as c:
            ids = [c.create_task(buffer_fields(odd, f"t{i}")) for i in range(5)]
        ctx = odd.ctx
        assert ctx is not None
        with ctx.store.lock:
            for task_id in ids:
                doc = ctx.store.task(task_id)
                assert doc is not None and doc["nextStart"]
                ctx.store.put_task({**doc, "nextStart": doc["nextStart"] - 2 * 3_600_000})
        result = doctor_on(run, odd, "admin", monkeypatch)
    assert result.code == 0, result.out
    found = findings(result)
    assert found["version"]["fact"] == "ArcGIS Enterprise 11.2.0"
    assert found["version"]["evidence"].endswith("release from portaladmin/info"), "the 11.2 root states none"
    assert found["paging"]["fact"].startswith("the listing honours num up to 2 per page")
    assert found["time zone"]["status"] == "warn" and "UTC+02:00" in found["time zone"]["fact"]
    assert found["time zone"]["evidence"] == "5 tasks 2 h earlier"
    with Emulator(port=0, clock_ms=T0, settings=Settings(enterprise_version="11.1.0")) as old:
        result = doctor_on(run, old, "admin", monkeypatch)
        assert result.code == 1, "a release before 11.2 fails"
        assert findings(result)["version"] == {
            "check": "version", "status": "fail", "fact": "ArcGIS Enterprise 11.1.0",
            "evidence": "currentVersion 2023.1; release from portaladmin/info",
            "hint": "GP service tasks need 11.2 or later"}


def test_the_write_probe_reports_each_assumption_and_leaves_nothing(on_emu: Run, workdir: Path, emu: Emulator,
                                                                    portal) -> None:
    result = on_emu("doctor", "--format", "json", "--write-probe")
    assert result.code == 0, result.out + result.err
    probe = [f for f in json.loads(result.out)["findings"] if f["check"].startswith("write probe")]
    assert [f["status"] for f in probe] == ["ok"] * 8
    assert probe[-1]["fact"] == "no probe task is left on the portal"
    assert "probe" in result.err and titles(portal) == {}


def test_the_write_probe_cleans_up_after_a_failed_step(on_emu: Run, workdir: Path, emu: Emulator, portal) -> None:
    fault(emu, r"/tasks/[^/]+/update", "arcgis_error", count=5)
    result = on_emu("doctor", "--format", "json", "--write-probe")
    assert result.code == 1
    probe = [f for f in json.loads(result.out)["findings"] if f["check"].startswith("write probe")]
    assert any(f["status"] == "fail" and f["fact"].startswith("stopped before every step ran: update the probe task")
               for f in probe)
    assert probe[-1] == {"check": "write probe clean-up", "status": "ok", "fact": "deleted 1 probe task left behind",
                         "evidence": "", "hint": ""}
    assert titles(portal) == {}, "nothing left behind"


def test_the_write_probe_cleans_up_when_interrupted(on_emu: Run, workdir: Path, emu: Emulator, portal,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from reconciler.portal import probe

    def interrupt(*_: Any, **__: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(probe.WriteProbe, "_check", interrupt)  # ^C right after the task was created
    result = on_emu("doctor", "--write-probe")
    assert result.code == 130
    assert "interrupted: deleted 1 probe task left behind" in result.err
    assert titles(portal) == {}


def test_a_create_of_unknown_outcome_is_never_reported_clean(run: Run, workdir: Path, emu: Emulator, portal,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """The create answers after the client gave up (a slow portal): the task lands after the
    first look; clean-up looks again and deletes it, or says it may still land. Never "clean"."""
    from reconciler.portal import probe

    monkeypatch.setattr(probe, "LANDING_WAIT_S", 0.5)
    fault(emu, "createTask", "delay", seconds=2.0)
    result = doctor_on(run, emu, "publisher", monkeypatch, "--write-probe", "--timeout", "1")
    assert result.code == 1
    cleanup = findings(result)["write probe clean-up"]
    import time

    time.sleep(2.0)  # whatever clean-up said, the slow create has landed by now
    left = [t for t in titles(portal) if t.startswith("[reconciler doctor probe")]
    if cleanup["status"] == "ok":
        assert cleanup["fact"] == "deleted 1 probe task left behind" and left == []
    else:
        assert "it may still land" in cleanup["fact"] and len(left) <= 1


def test_the_write_probe_fails_an_assumption_a_deviating_portal_breaks(on_emu: Run, workdir: Path, emu: Emulator,
                                                                     portal, monkeypatch: pytest.MonkeyPatch) -> None:
    """A portal that keeps the stored endDate when update sends `endDate=` (empty)."""
    from reconciler.emulator import tasks as emulated

    merge = emulated.merge_request

    def keeps_end_date(doc: dict[str, Any], req: Any) -> dict[str, Any]:
        merged = merge(doc, req)
        if req.param("endDate") == "" and "endDate" in doc:
            merged["endDate"] = doc["endDate"]
        return merged

    monkeypatch.setattr(emulated, "merge_request", keeps_end_date)
    result = on_emu("doctor", "--format", "json", "--write-probe")
    assert result.code == 1
    probe = {f["fact"]: f for f in json.loads(result.out)["findings"] if f["check"] == "write probe"}
    assert probe["endDate on createTask is stored"]["status"] == "ok"
    failed = probe["an empty endDate on update clears it: did not hold"]
    assert failed["status"] == "fail" and failed["evidence"].startswith("sent endDate= (empty); read back 4102444800000")
    assert titles(portal) == {}, "cleaned up"
