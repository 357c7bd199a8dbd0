"""Builders for planner tests: TaskSpecs from YAML snippets, RemoteTasks and portal state by hand."""

from __future__ import annotations

import textwrap
from dataclasses import fields, replace
from datetime import datetime, timezone
from typing import Any

import pytest

from reconciler.model import CronFields, FederatedServer, PortalState, PortalUser, RemoteTask, TaskFields, TaskSpec
from reconciler.planning.desired import desired_fields
from reconciler.planning.options import PlanOptions, Policy
from reconciler.planning.ownership import DEFAULT_MARK
from reconciler.render.validate import problem_line, problem_to_dict
from reconciler.taskfiles.loader import load_text

NOW = datetime(2030, 1, 7, 12, 0, tzinfo=timezone.utc)  # a Monday
SERVER = "https://gis.example.com/server"
BUFFER_URL = f"{SERVER}/rest/services/Tools/Buffer/GPServer/Buffer"
PUBLISHER = PortalUser(
    username="alice",
    role="org_publisher",
    privileges=("portal:publisher:publishFeatures", "portal:user:createItem", "premium:user:featureanalysis"),
)
ADMIN = PortalUser(username="root", role="org_admin", privileges=())
FEDERATED = (
    FederatedServer(id="s1", name="gis", url=SERVER, admin_url=None, server_role=None, server_function=None),
)


def spec(yaml_text: str = "", *, variables: dict[str, str] | None = None, **fields: Any) -> TaskSpec:
    """A TaskSpec from a YAML snippet (name/task_url/schedule default to a daily buffer task)."""
    text = textwrap.dedent(yaml_text)
    defaults = {"name": "nightly", "task_url": BUFFER_URL, "schedule": '"0 30 2 * * ?"'}
    head = "".join(f"{k}: {v}\n" for k, v in defaults.items() if not any(line.startswith(f"{k}:") for line in text.splitlines()))
    specs, problems, _ = load_text(head + text, "tasks.d/t.yaml", variables=variables or {}, now=NOW)
    assert specs, [problem_line(problem_to_dict(p)) for p in problems]
    return replace(specs[0], **fields) if fields else specs[0]


def remote_from(fields: TaskFields, *, id: str = "t1", owner: str = "alice", active: bool | None = None,
                task_state: str | None = None) -> RemoteTask:
    """The task the portal would hold after creating/updating it with `fields`."""
    is_active = fields.active if active is None else active
    return RemoteTask(
        id=id, owner=owner, title=fields.title, task_type=fields.task_type, schedule=fields.schedule,
        parameters_json=fields.parameters_json, item_id=fields.item_id, task_url=fields.task_url,
        max_occurrences=fields.max_occurrences, start_date=fields.start_date, end_date=fields.end_date,
        active=is_active, task_state=task_state or ("active" if is_active else "paused"),
        created=None, updated=None, last_start=None, next_start=None, run_interval_seconds=None,
    )


def remote_of(task_spec: TaskSpec, **kw: Any) -> RemoteTask:
    return remote_from(desired_fields(task_spec, mark=DEFAULT_MARK), **kw)


def remote(title: str, *, id: str = "t1", owner: str = "alice", **changes: Any) -> RemoteTask:
    base = remote_from(
        TaskFields(title=title, task_type="GPService", task_url=BUFFER_URL,
                   schedule=CronFields(minute="30", hour="2", day_of_month="*", month="*", day_of_week="?")),
        id=id, owner=owner,
    )
    return replace(base, **changes)


def state(*tasks: RemoteTask, user: PortalUser = PUBLISHER, **kw: Any) -> PortalState:
    return PortalState(tasks=tuple(tasks), user=user, federated_servers=kw.pop("federated_servers", FEDERATED), **kw)


def options(**kw: Any) -> PlanOptions:
    """PlanOptions for tests; the Policy fields (on_remove, no_delete, ...) may be given flat."""
    policy = Policy(**{f.name: kw.pop(f.name) for f in fields(Policy) if f.name in kw})
    return PlanOptions(default_owner=kw.pop("default_owner", "alice"), portal="emulator", now=NOW, policy=policy, **kw)


@pytest.fixture
def now() -> datetime:
    return NOW
