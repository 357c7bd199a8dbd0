"""A task the reader misses would be planned as a create (a duplicate that runs twice): through
the CLI over HTTP, the listing is read whole by what the portal sends, or nothing is planned."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reconciler.emulator.context import Settings
from reconciler.emulator.server import Emulator
from reconciler.portal.client import PortalClient
from tests.conftest import T0, fault, signed_in, titles
from tests.e2e.conftest import MARK, Run, plan_json, write_tasks

PAGE = 50


@pytest.fixture
def emu() -> Iterator[Emulator]:
    """A portal that sends at most 50 tasks a page, whatever `num` asks for."""
    with Emulator(port=0, clock_ms=T0, settings=Settings(page_size=PAGE, limits={"GPServiceUserLimit": 1000, "GPServiceOrgLimit": 1000})) as emulator:
        yield emulator


def many(workdir: Path, count: int) -> None:
    task_url = "${GP_SERVER_URL}/rest/services/Samples/Buffer/GPServer/Buffer"
    parameters = {"in_features": {"url": "${GP_SERVER_URL}/rest/services/Hosted/Parcels/FeatureServer/0"},
                  "buffer_distance_or_field": {"distance": 5, "units": "esriKilometers"}}
    docs = [{"name": f"t{i:03d}", "task_url": task_url, "parameters": parameters, "schedule": "0 0 2 ? * MON-FRI",
             "enabled": False} for i in range(count)]
    for path in (workdir / "tasks.d").glob("*.yaml"):
        path.unlink()
    write_tasks(workdir / "tasks.d" / "many.yaml", *docs)


def test_pages_shorter_than_asked_lose_no_task_and_plan_no_duplicate(on_emu: Run, workdir: Path,
                                                                      portal: PortalClient) -> None:
    # 160 tasks in pages of 50: a reader that assumed 100 a page asked for 1, 51 and 151, lost
    # 101-150, and planned 50 duplicate creates.
    many(workdir, 160)
    assert on_emu("apply", "--auto-approve").code == 0
    assert on_emu("plan", "--detailed-exitcode").code == 0
    assert len([t for t in portal.iter_tasks() if t.title.startswith(MARK)]) == 160


def test_a_listing_that_loses_a_task_plans_nothing_and_apply_creates_nothing(on_emu: Run, workdir: Path,
                                                                            emu: Emulator,
                                                                            portal: PortalClient) -> None:
    many(workdir, 3)
    assert on_emu("apply", "--auto-approve").code == 0
    fault(emu, "/community/users/publisher/tasks$", "lose_task")
    result = on_emu("plan", "--format", "json")
    assert result.code == 1, result.out + result.err
    data = plan_json(result)
    assert data["changes"] == []
    assert [e["message"] for e in data["errors"]] == [
        "the task listing of publisher is incomplete (2 tasks read of the 3 the portal announced): "
        "nothing is planned for publisher"
    ]
    fault(emu, "/community/users/publisher/tasks$", "lose_task", count=1)
    assert on_emu("apply", "--auto-approve").code == 1
    assert sum(t.startswith(MARK) for t in titles(portal)) == 3


def test_an_unreadable_managed_task_blocks_its_name_and_an_unmanaged_one_warns(on_emu: Run, workdir: Path,
                                                                              emu: Emulator) -> None:
    many(workdir, 2)
    assert on_emu("apply", "--auto-approve").code == 0
    with signed_in(emu) as client:
        first = next(iter(client.iter_tasks()))  # the listing order is the order of creation
    fault(emu, "/community/users/publisher/tasks$", "break_task")
    result = on_emu("plan", "--format", "json")
    assert result.code == 1
    data = plan_json(result)
    assert [(e["name"], e["owner"]) for e in data["errors"]] == [(first.title[len(MARK):], "publisher")]
    assert data["errors"][0]["message"] == (f"task {first.id} has nothing in `cronSchedule`; it carries the "
                                            f"ownership mark, so nothing is planned for {first.title[len(MARK):]}")
    assert data["changes"] == []


def test_an_unreadable_unmanaged_task_is_a_warning_only(on_emu: Run, workdir: Path, emu: Emulator,
                                                         portal: PortalClient) -> None:
    from tests.conftest import buffer_fields

    many(workdir, 1)
    portal.create_task(buffer_fields(emu, "hand-made", active=False))
    assert on_emu("apply", "--auto-approve").code == 0
    fault(emu, "/community/users/publisher/tasks$", "break_task")
    result = on_emu("plan", "--format", "json", "--detailed-exitcode", "--owner", "publisher")
    assert result.code == 0, result.out + result.err
    (warning,) = plan_json(result)["warnings"]
    assert warning["message"].endswith("has nothing in `cronSchedule`; it is not managed and is left alone")
