"""Small frozen records passed between modules. Standard library only, no I/O."""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

FieldPath = tuple[str | int, ...]  # a path into a task document: ("parameters", "x", 0, "y")


def dotted(path: FieldPath) -> str:
    """("parameters", "x", 0, "y") -> "parameters.x[0].y": how problems and plans name a field."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, kw_only=True)
class SourceRef:
    """Where something was written. `line`/`column` are 1-based; None means truly unknown."""

    path: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        parts = [self.path]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


@dataclass(frozen=True, kw_only=True)
class Problem:
    """One finding of `validate`: `field` is a dotted path into the task ("schedule", "parameters.x").
    reconciler.render.validate words it (`path:line:column: field: message`)."""

    source: SourceRef
    field: str
    message: str
    hint: str | None = None
    severity: Severity = Severity.ERROR


@dataclass(frozen=True, kw_only=True)
class CronFields:
    """The five schedule fields the portal stores (`cronSchedule`), Quartz syntax, upper-cased.

    Invariant: exactly one of day_of_month/day_of_week is "?" (checked by reconciler.quartz).
    """

    minute: str
    hour: str
    day_of_month: str
    month: str
    day_of_week: str

    def to_wire(self) -> dict[str, str]:
        return {
            "minute": self.minute,
            "hour": self.hour,
            "dayOfMonth": self.day_of_month,
            "month": self.month,
            "dayOfWeek": self.day_of_week,
        }

    @classmethod
    def from_wire(cls, data: Mapping[str, Any]) -> CronFields:
        return cls(
            minute=str(data["minute"]),
            hour=str(data["hour"]),
            day_of_month=str(data["dayOfMonth"]),
            month=str(data["month"]),
            day_of_week=str(data["dayOfWeek"]),
        )

    def quartz(self) -> str:
        """The Quartz string the portal's scheduler builds from these fields (seconds fixed at 0)."""
        return f"0 {self.minute} {self.hour} {self.day_of_month} {self.month} {self.day_of_week}"


@dataclass(frozen=True, kw_only=True)
class ZoneSettings:
    """The project file's time-zone settings: the default zone of task schedules (None: UTC, as
    written), the zone the portal's scheduler reads schedules in ([I] UTC; Esri does not document
    it), and how many days before a daylight-saving change the plan mentions it."""

    timezone: str | None = None
    scheduler: str = "UTC"
    notice_days: int = 7


@dataclass(frozen=True, kw_only=True)
class ZonedSchedule:
    """A schedule written in local wall time (`timezone:`), compiled at the load's `now` for the
    scheduler's zone (TaskSpec.schedule holds the compiled fields). `next_change` is when the
    compiled form next changes (a daylight-saving change) to `next_schedule`; `previous` is the
    form before the last change (an update from it is a daylight-saving update); `notice_from`
    is when plans start to mention the next change."""

    local: str  # the Quartz expression as written, read in `zone`
    zone: str
    scheduler_zone: str
    next_change: datetime | None = None
    next_schedule: CronFields | None = None
    previous: CronFields | None = None
    notice_from: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class TaskSpec:
    """A desired task, as declared in tasks.d/ with variables resolved.

    `parameters_json` is canonical JSON (sorted keys) so specs compare by meaning and stay
    immutable; `secret_paths` are paths into the task (e.g. ("parameters", "token")) whose
    values every view must mask. `start`/`end` are aware datetimes.
    """

    name: str
    task_type: str
    task_url: str | None
    parameters_json: str
    schedule: CronFields
    schedule_text: str
    enabled: bool
    max_occurrences: int | None
    start: datetime | None
    end: datetime | None
    item_id: str | None
    owner: str | None
    previous_names: tuple[str, ...]
    secret_paths: tuple[FieldPath, ...]
    source: SourceRef
    adopt_id: str | None = None  # an unmanaged portal task this one is (reconciler import)
    # Values that are unknown: an unset ${secret:NAME} (the loader's unset_secrets_unknown, for
    # `reconciler status`), also in secret_paths; and the NAMEs.
    unknown_paths: tuple[FieldPath, ...] = ()
    unset_secrets: tuple[str, ...] = ()
    zoned: ZonedSchedule | None = None  # written in local time: `schedule` is compiled from it

    @property
    def parameters(self) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(self.parameters_json)
        return value


@dataclass(frozen=True, kw_only=True)
class LoadResult:
    """Everything read from a tasks folder: the valid specs and every problem found."""

    specs: tuple[TaskSpec, ...]
    problems: tuple[Problem, ...]
    files: tuple[str, ...]
    secret_values: tuple[str, ...] = field(default=(), repr=False)
    referenced: tuple[str, ...] = ()  # every ${NAME} the files refer to, set or not (names only)

    @property
    def ok(self) -> bool:
        return not any(p.severity is Severity.ERROR for p in self.problems)


@dataclass(frozen=True, kw_only=True)
class TaskFields:
    """The portal fields of a task as the reconciler wants them: the input of create and update.

    Dates are epoch milliseconds (UTC); `max_occurrences` None means unlimited; `parameters_json`
    is canonical JSON (sorted keys) of the parameters object, as in TaskSpec; `task_url` is set
    for GPService tasks only.
    """

    title: str
    task_type: str
    schedule: CronFields
    parameters_json: str = "{}"
    item_id: str | None = None
    task_url: str | None = None
    max_occurrences: int | None = None
    start_date: int | None = None
    end_date: int | None = None
    active: bool = True

    @property
    def parameters(self) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(self.parameters_json)
        return value


@dataclass(frozen=True, kw_only=True)
class RemoteTask:
    """A scheduled task as the portal reports it; only reconciler.portal.wire builds these.

    `owner` is the wire `userId` (a username); every date is epoch ms or None when the portal
    omits it; `max_occurrences` None means unlimited (the portal's -1); `parameters_json` is
    canonical JSON (sorted keys), comparable with TaskSpec/TaskFields.
    """

    id: str
    owner: str
    title: str
    task_type: str
    schedule: CronFields
    parameters_json: str
    item_id: str | None
    task_url: str | None
    max_occurrences: int | None
    start_date: int | None
    end_date: int | None
    active: bool
    task_state: str | None
    created: int | None
    updated: int | None
    last_start: int | None
    next_start: int | None
    run_interval_seconds: int | None

    @property
    def parameters(self) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(self.parameters_json)
        return value


@dataclass(frozen=True, kw_only=True)
class GPMessage:
    """One GP job message; `type` is e.g. esriJobMessageTypeError."""

    type: str
    description: str


@dataclass(frozen=True, kw_only=True)
class GPJob:
    """A geoprocessing job on a federated server: its status and (when asked) its messages."""

    job_id: str
    status: str
    url: str
    messages: tuple[GPMessage, ...] = ()

    @property
    def finished(self) -> bool:
        return self.status in ("esriJobSucceeded", "esriJobFailed", "esriJobTimedOut", "esriJobCancelled")


@dataclass(frozen=True, kw_only=True)
class RemoteRun:
    """One run of a task. `status` is scheduled|executing|succeeded|skipped|failed|submitfailed;
    `url` links the GP job for GPService tasks (empty otherwise); `job` is filled only when the
    caller asked the client to read it."""

    run_id: str
    task_id: str
    status: str
    result: str
    url: str
    created: int | None
    updated: int | None
    job: GPJob | None = None


@dataclass(frozen=True, kw_only=True)
class PortalUser:
    """The signed-in user (community/self): what the planner checks before proposing anything."""

    username: str
    role: str | None
    privileges: tuple[str, ...]
    full_name: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == "org_admin"


@dataclass(frozen=True, kw_only=True)
class FederatedServer:
    """A server federated with the portal (portals/self/servers); `url` is its public root."""

    id: str
    name: str
    url: str
    admin_url: str | None
    server_role: str | None
    server_function: str | None


@dataclass(frozen=True, kw_only=True)
class GPParameter:
    """One parameter of a GP task as its service describes it."""

    name: str
    data_type: str
    direction: str
    required: bool
    default_json: str
    choices: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class GPTaskInfo:
    """A GP task's description (GET <taskUrl>?f=json), for the planner's parameter checks."""

    url: str
    name: str
    execution_type: str | None
    parameters: tuple[GPParameter, ...]

    @property
    def inputs(self) -> tuple[GPParameter, ...]:
        return tuple(p for p in self.parameters if p.direction == "esriGPParameterDirectionInput")


@dataclass(frozen=True, kw_only=True)
class UnreadableTask:
    """A listed task the client could not read (a missing field, a wrong type): `id`, `title`
    and `owner` are whatever the entry had; `reason` names the field."""

    id: str | None
    title: str | None
    owner: str | None
    reason: str


@dataclass(frozen=True, kw_only=True)
class PortalVersion:
    """What the portal says of its version (reconciler.portal.system)."""

    current: str | None  # the Sharing API's currentVersion, e.g. "2024.1"
    enterprise: str | None  # the ArcGIS Enterprise release, e.g. "11.3.0"; None: not stated
    source: str  # where `enterprise` was read, for messages and doctor

    def release(self) -> tuple[int, int] | None:
        """(major, minor) of the Enterprise release, when stated."""
        found = re.match(r"(\d+)\.(\d+)", self.enterprise or "")
        return (int(found[1]), int(found[2])) if found else None


@dataclass(frozen=True, kw_only=True)
class PortalState:
    """Everything the planner needs from the portal; read by reconciler.portal.snapshot.

    `runs` holds only the tasks the planner asked about (planner.tasks_needing_runs).
    """

    tasks: tuple[RemoteTask, ...]  # every task of every owner involved (managed and unmanaged)
    user: PortalUser  # the signed-in user
    federated_servers: tuple[FederatedServer, ...] = ()
    gp_tasks: Mapping[str, GPTaskInfo | None] = field(default_factory=dict)  # by task_url; None = missing
    active_tasks_available: Mapping[str, int | None] = field(default_factory=dict)  # by owner
    runs: Mapping[str, tuple[RemoteRun, ...]] = field(default_factory=dict)  # by task id, newest first
    # Listings that could not be trusted to be complete, by owner ("" for the organization's
    # listing): nothing is planned for them.
    incomplete: Mapping[str, str] = field(default_factory=dict)
    unreadable: tuple[UnreadableTask, ...] = ()
    version: PortalVersion | None = None  # None: not read
    limits: Mapping[str, int] | None = None  # the ScheduleTask limits by name; None: not readable (not an administrator)
    org_active: Mapping[str, int] | None = None  # active tasks by type in the organization; None: not listed
    owner_users: Mapping[str, PortalUser] = field(default_factory=dict)  # other owners, as an administrator sees them
