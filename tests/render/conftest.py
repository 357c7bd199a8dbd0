"""Plans built by hand: one of each action, nested parameters, a secret, fire times,
diagnostics, a blocked change, the delete of a moved task, unmanaged tasks and unchanged names."""

from __future__ import annotations

import json

import pytest

from reconciler.masking import SECRET_MASK
from reconciler.model import CronFields, Severity, SourceRef, TaskFields
from reconciler.planning.plan import Action, Change, Diagnostic, FieldChange, Key, Load, LoadSeries, Plan, UnmanagedTask

# A secret that only Change.desired holds: no view may show it.
DESIRED_SECRET = "s3cr3t-desired-token-XYZ"
SCHEDULE = CronFields(minute="0", hour="2", day_of_month="?", month="*", day_of_week="MON-FRI")


def desired(title: str, **parameters: object) -> TaskFields:
    params = {"token": DESIRED_SECRET, **parameters}
    return TaskFields(title=title, task_type="GPService", schedule=SCHEDULE, parameters_json=json.dumps(params, sort_keys=True))


def make_plan(**overrides: object) -> Plan:
    values: dict[str, object] = {
        "changes": (),
        "unchanged": (),
        "unmanaged": (),
        "diagnostics": (),
        "observed": "sha256:obs",
        "desired": "sha256:des",
        "portal": "https://gis.example.com/portal/sharing/rest",
        "owner": "publisher",
        "mark": "[reconciler] ",
    }
    values.update(overrides)
    return Plan(**values)  # type: ignore[arg-type]


@pytest.fixture
def full_plan() -> Plan:
    changes = (
        Change(
            name="nightly-buffer",
            owner="publisher",
            actions=(Action.CREATE,),
            task_id=None,
            reason="declared in tasks.d but not on the portal",
            desired=desired("[reconciler] nightly-buffer", distance=5),
            source=SourceRef(path="tasks.d/buffer.yaml", line=1),
            fields=(
                FieldChange(path="schedule", before=None, after="0 0 2 ? * MON-FRI"),
                FieldChange(path="parameters.distance", before=None, after={"distance": 5, "units": "esriMeters"}),
                FieldChange(path="parameters.token", before=SECRET_MASK, after=SECRET_MASK, secret=True),
                FieldChange(
                    path="parameters.in_features",
                    before=None,
                    after={"url": "https://gis.example.com/server/rest/services/Hosted/Parcels/FeatureServer/0", "filter": None},
                ),
                FieldChange(path="enabled", before=None, after=True),
            ),
            next_fires_after=("2026-12-01T02:00:00Z", "2026-12-02T02:00:00Z", "2026-12-03T02:00:00Z"),
        ),
        Change(
            name="hourly-sync",
            owner="publisher",
            actions=(Action.UPDATE, Action.ENABLE),
            task_id="a1b2c3",
            reason="schedule and parameters differ; the task is disabled on the portal",
            desired=desired("[reconciler] hourly-sync", layer="roads"),
            source=SourceRef(path="tasks.d/sync.yaml", line=4),
            fields=(
                FieldChange(path="schedule", before="0 0 2 ? * MON-FRI", after="0 30 2 ? * MON-FRI"),
                FieldChange(path="parameters.input.layer", before="roads_<old>", after="roads & rails"),
                FieldChange(
                    path="parameters.where",
                    before="STATUS = 'open' AND REGION IN ('north', 'south', 'east', 'west') AND UPDATED > DATE '2020-01-01'",
                    after={"clauses": ["STATUS = 'open'", "REGION IN ('north', 'south')"], "combine": "AND", "limit": 1000},
                ),
                FieldChange(path="parameters.api_key", before=SECRET_MASK, after=SECRET_MASK, secret=True),
                FieldChange(
                    path="parameters.auth",
                    before={"password": SECRET_MASK, "user": "svc"},
                    after={"password": SECRET_MASK, "user": "svc-gis"},
                    secret=True,
                ),
                FieldChange(path="max_occurrences", before=10, after=None),
                FieldChange(path="active", before=False, after=True),
            ),
            next_fires_before=("2026-11-30T02:00:00Z", "2026-12-01T02:00:00Z", "2026-12-02T02:00:00Z"),
            next_fires_after=("2026-11-30T02:30:00Z", "2026-12-01T02:30:00Z", "2026-12-02T02:30:00Z"),
        ),
        Change(
            name="weekly-report",
            owner="analyst",
            actions=(Action.UPDATE,),
            task_id="d4e5f6",
            reason="parameters differ",
            desired=desired("[reconciler] weekly-report"),
            fields=(FieldChange(path="parameters.format", before="PDF", after="HTML"),),
            blocked="a run is executing (started 2026-11-28T18:00:00Z)",
        ),
        Change(
            name="old-export",
            owner="publisher",
            actions=(Action.DISABLE,),
            task_id="0a0b0c",
            reason="removed from tasks.d; removal policy is disable",
        ),
        Change(
            name="legacy-cleanup",
            owner="publisher",
            actions=(Action.DELETE,),
            task_id="9f8e7d",
            reason="removed from tasks.d; deleting erases its run history",
        ),
        Change(
            name="export-v1",
            owner="analyst",
            actions=(Action.DELETE,),
            task_id="5e6f7a",
            reason="moving to publisher; deleting erases the task's run history",
            waits_for=Key("export-v2", "publisher"),
        ),
    )
    diagnostics = (
        Diagnostic(
            severity=Severity.WARNING,
            message="maxOccurrences is 3: the task stops after 3 more runs",
            hint="set max_occurrences: null for no limit",
            name="hourly-sync",
            owner="publisher",
            source=SourceRef(path="tasks.d/sync.yaml", line=9),
        ),
        Diagnostic(severity=Severity.WARNING, message="4 tasks fire at 02:00 UTC on weekdays", hint=None),
        Diagnostic(
            severity=Severity.ERROR,
            message="parameter 'units' is not a choice of the GP task",
            hint="use one of esriMeters, esriFeet",
            name="broken-task",
            owner=None,
            source=SourceRef(path="tasks.d/broken.yaml", line=12),
        ),
    )
    unmanaged = (
        UnmanagedTask(id="u1", owner="publisher", title="Hand-made *export* <b>task</b>", task_type="GPService", active=True),
        UnmanagedTask(id="u2", owner="bob", title="bob's notebook", task_type="Notebook", active=False),
        UnmanagedTask(id="u3", owner="bob", title="[reconciler:parcels] refresh", task_type="GPService", active=True,
                      managed_by="parcels"),
        UnmanagedTask(id="u4", owner="bob", title="[reconciler] legacy", task_type="GPService", active=True,
                      managed_by=""),
    )
    # Two servers: one busy at 02:00 and 02:30 on weekdays, one with a single task at 06:30 (buckets
    # count quarter-hours from 2026-11-30T00:00Z; 96 a day).
    busy = tuple(b for day in range(5) for b in ((day * 96 + 8, 4), (day * 96 + 10, 2)))
    load = Load(start="2026-11-30T00:00:00Z", days=7, bucket_minutes=15, cap=672, capped=("every-5-minutes",),
                servers=(LoadSeries(url="https://gis.example.com/server", tasks=5, fires=30, buckets=busy),
                         LoadSeries(url="https://gis2.example.com/arcgis", tasks=1, fires=1, buckets=((26, 1),))),
                services=(LoadSeries(url="https://gis.example.com/server/rest/services/Buffer/GPServer", tasks=5,
                                     fires=30, buckets=busy),
                          LoadSeries(url="https://gis2.example.com/arcgis/rest/services/Sync/GPServer", tasks=1,
                                     fires=1, buckets=((26, 1),))))
    return make_plan(
        changes=changes,
        unchanged=("a", "b", "c", "d", "e", "f", "g"),
        unmanaged=unmanaged,
        diagnostics=diagnostics,
        load=load,
    )
