"""The portal's scheduled-task limits (Portal Admin `system/limits`, docs/portal-api.md §6.12):
their names and defaults, which task types they bound, and checking new values.

Limits are per task type, per user and per organisation [D]. Notebook and GP service limits count
*active* tasks; the Insights and Workflow Manager ones count tasks *created* [D] (for GP services
the docs give no wording: counted like notebooks [I]). Other task types have no limit [I].
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from reconciler.emulator.wire import JAVA_INT_MAX, bad_request, parse_int

CATEGORY = "ScheduleTask"
DEFAULT_LIMITS: dict[str, int] = {
    "ExecuteNotebooksUserLimit": 20,  # [D]
    "ExecuteNotebooksOrgLimit": 200,  # [D]
    "UpdateInsightsUserLimit": 20,  # the arcgis docstring's example [C]
    "UpdateInsightsOrgLimit": 50,  # the arcgis docstring's example [C]
    "ExecuteWorkflowManagerUserLimit": 20,  # not documented [I]
    "ExecuteWorkflowManagerOrgLimit": 200,  # not documented [I]
    "GPServiceUserLimit": 20,  # not documented; like notebooks [I]
    "GPServiceOrgLimit": 200,  # not documented; like notebooks [I]
    "FailedRunsToDisableTask": 5,  # [D]
    "TaskRunHistoryCount": 30,  # [C][D]
}
# At least one failure before disabling and one run kept: 0 would disable a task before it ever ran,
# or drop a run while it executes [I]. The task counts may be 0 (no such tasks allowed).
MINIMUM = {"FailedRunsToDisableTask": 1, "TaskRunHistoryCount": 1}


@dataclass(frozen=True)
class Quota:
    """The limits one task type is subject to."""

    prefix: str  # "GPService" -> GPServiceUserLimit / GPServiceOrgLimit
    counts_active: bool  # True: active tasks count; False: every task created counts

    @property
    def user_limit(self) -> str:
        return self.prefix + "UserLimit"

    @property
    def org_limit(self) -> str:
        return self.prefix + "OrgLimit"


QUOTAS = {
    "ExecuteNotebook": Quota("ExecuteNotebooks", counts_active=True),
    "UpdateInsightsWorkbook": Quota("UpdateInsights", counts_active=False),
    "ExecuteWorkflowManager": Quota("ExecuteWorkflowManager", counts_active=False),
    "GPService": Quota("GPService", counts_active=True),
}


def checked(name: str, value: Any) -> int:
    """`value` as the number limit `name` may take; ValueError with the reason otherwise. JSON
    numbers and decimal text are accepted (a form client may quote them) [I]."""
    if name not in DEFAULT_LIMITS:
        raise ValueError(f"unknown limit {name!r}; the limits are {', '.join(DEFAULT_LIMITS)}")
    number = value if isinstance(value, int) and not isinstance(value, bool) else (
        parse_int(value) if isinstance(value, str) else
        int(value) if isinstance(value, float) and value.is_integer() else None)  # 1e3 is a JSON integer value
    lowest = MINIMUM.get(name, 0)
    if number is None or not lowest <= number <= JAVA_INT_MAX:
        raise ValueError(f"{name} must be an integer from {lowest} to {JAVA_INT_MAX}, got {value!r}")
    return number


def merged(overrides: dict[str, int]) -> dict[str, int]:
    """The defaults with `overrides` applied; ValueError for an unknown name or a bad value."""
    return {**DEFAULT_LIMITS, **{name: checked(name, value) for name, value in overrides.items()}}


def listing(limits: dict[str, int]) -> dict[str, Any]:
    return {CATEGORY: [{"limitName": name, "numLimit": value} for name, value in limits.items()]}


def parse_update(category: str | None, properties: str | None) -> dict[str, int]:
    """The limits a `system/limits/update` request sets, all checked before any is applied."""
    if category != CATEGORY:
        raise bad_request("Invalid category.", f"'category' must be {CATEGORY}, got {category!r}.")
    try:
        entries = json.loads(properties or "")
    except ValueError:
        raise bad_request("Invalid value for 'properties'.",
                          "'properties' must be a JSON list of {\"limitName\", \"numLimit\"} objects.") from None
    if not isinstance(entries, list) or not entries or not all(isinstance(e, dict) for e in entries):
        raise bad_request("Invalid value for 'properties'.",
                          "'properties' must be a non-empty JSON list of {\"limitName\", \"numLimit\"} objects.")
    try:
        return {str(e.get("limitName")): checked(str(e.get("limitName")), e.get("numLimit")) for e in entries}
    except ValueError as e:
        raise bad_request("Invalid limit.", str(e)) from None
