"""doctor's judgement of what it observed (pure)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

from reconciler.model import PortalVersion
from reconciler.planning.findings import Observed, OwnerSeen, assess
from tests.planning.conftest import ADMIN, PUBLISHER, remote

NOW = datetime(2030, 1, 7, 12, 0, tzinfo=timezone.utc)
NEXT_0230 = int(datetime(2030, 1, 8, 2, 30, tzinfo=timezone.utc).timestamp() * 1000)  # the UTC reading of 0 30 2


def seen(*next_starts: int, **over: object) -> Observed:
    tasks = tuple(replace(remote(f"t{i}", id=f"t{i}"), next_start=n) for i, n in enumerate(next_starts))
    base = Observed(portal="p", user=PUBLISHER, version=PortalVersion(current="2024.1", enterprise="11.3.0",
                                                                      source="sharing/rest"),
                    owners=(OwnerSeen(owner="alice", tasks=tasks),), portal_now=NOW, local_now=NOW)
    return replace(base, **over)  # type: ignore[arg-type]


def by_check(observed: Observed) -> dict[str, tuple[str, str]]:
    return {f.check: (f.status, f.fact) for f in assess(observed)}


def test_the_time_zone_is_read_from_next_start() -> None:
    assert by_check(seen(NEXT_0230))["time zone"][0] == "ok"
    # A scheduler reading "02:30" as UTC+05:30 fires at 21:00 UTC the day before: folded back across midnight.
    status, fact = by_check(seen(NEXT_0230 - 330 * 60_000))["time zone"]
    assert status == "warn" and "UTC+05:30" in fact
    status, fact = by_check(seen(NEXT_0230 + 3_600_000))["time zone"]
    assert status == "warn" and "UTC-01:00" in fact
    mixed = by_check(seen(NEXT_0230, NEXT_0230 - 3_600_000))["time zone"]
    assert mixed[0] == "warn" and "different amounts" in mixed[1]
    assert by_check(seen(NEXT_0230 + 7 * 60_000))["time zone"][1].startswith("not observed"), "not a quarter hour"


def test_clock_skew_beyond_a_minute_is_a_warning() -> None:
    assert by_check(seen(local_now=NOW - timedelta(seconds=30)))["clock"][0] == "ok"
    status, fact = by_check(seen(local_now=NOW - timedelta(seconds=600)))["clock"]
    assert status == "warn" and fact == "the portal's clock is 600 s ahead of this machine's"


def test_a_release_is_judged_only_when_stated() -> None:
    unknown = PortalVersion(current="2023.3", enterprise=None, source="sharing/rest")
    assert by_check(seen(version=unknown))["version"][0] == "warn"
    old = PortalVersion(current="10.3", enterprise="11.1.0", source="portaladmin/info")
    assert by_check(seen(version=old))["version"] == ("fail", "ArcGIS Enterprise 11.1.0")


def test_limits_left_per_owner_for_an_administrator() -> None:
    observed = seen(NEXT_0230, user=ADMIN, limits={"GPServiceUserLimit": 5, "GPServiceOrgLimit": 50})
    status, fact = by_check(observed)["limits"]
    assert status == "info" and fact == "GP service tasks: 5 active per user, 50 per organization; alice 4 left"


def test_what_was_not_observed_is_never_reported_as_a_fact() -> None:
    assert by_check(seen(portal_now=None))["clock"] == ("info", "not observed (the portal sent no Date header)")
    hourly = replace(remote("h", id="h", next_start=NEXT_0230), schedule=replace(remote("x").schedule, hour="0,2,4"))
    listed = seen(owners=(OwnerSeen(owner="alice", tasks=(hourly,)),))
    assert by_check(listed)["time zone"][1].startswith("not observed"), "an hour list is no evidence of UTC"


def test_a_full_first_page_shows_the_page_size_honoured() -> None:
    status, fact = by_check(seen(page={"asked": 100, "returned": 100, "total": 120}))["paging"]
    assert fact.startswith("the listing honours num=100 (a full first page)")
    assert by_check(seen(page={"asked": 100, "returned": 40, "total": 120}))["paging"][1].startswith(
        "the listing honours num up to 40 per page")


def test_room_left_counts_the_organization_limit_and_a_failed_read_says_why() -> None:
    full = seen(NEXT_0230, user=ADMIN, limits={"GPServiceUserLimit": 5, "GPServiceOrgLimit": 3}, org_active=3)
    assert by_check(full)["limits"][1].endswith("; alice 0 left")
    failed = by_check(seen(user=ADMIN, limits_error="the portal answered HTTP 503"))["limits"]
    assert failed == ("warn", "not readable (reading portaladmin/system/limits failed: the portal answered HTTP 503); "
                      "plan checks activeTasksAvailable")


def test_the_time_zone_is_judged_against_the_configured_scheduler_zone() -> None:
    berlin = NEXT_0230 - 3_600_000  # 02:30 read in Europe/Berlin (CET)
    status, fact = by_check(seen(berlin, scheduler_zone="Europe/Berlin"))["time zone"]
    assert status == "ok" and fact.startswith("the scheduler reads schedules in Europe/Berlin, as reconciler does")
    status, fact = by_check(seen(NEXT_0230, scheduler_zone="Europe/Berlin"))["time zone"]
    assert status == "warn" and "as UTC+00:00; reconciler reads them in Europe/Berlin" in fact
    assert "as reconciler does" not in fact
