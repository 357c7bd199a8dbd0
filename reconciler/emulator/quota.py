"""Enforcing the per-type task limits (reconciler/emulator/limits.py) against the stored tasks."""

from __future__ import annotations

from reconciler.emulator.context import Context
from reconciler.emulator.limits import QUOTAS, Quota
from reconciler.emulator.wire import ApiError


def remaining(ctx: Context, task_type: str, user_id: str) -> int | None:
    """How many more tasks of `task_type` `user_id` may have (active or created, as the type's
    limits count), bounded by what the organisation has left; None for a type without limits."""
    quota = QUOTAS.get(task_type)
    if quota is None:
        return None
    user_left, org_left = _left(ctx, quota, task_type, user_id)
    return max(0, min(user_left, org_left))


def check(ctx: Context, task_type: str, user_id: str, *, creating: bool, active: bool) -> None:
    """Refuse one more task of `task_type` for `user_id` beyond its user or organisation limit:
    `creating` a task of that type (limits counting created tasks apply) or making one `active`
    (limits counting active tasks apply). Code and wording are undocumented (§15.7) [I]; the
    message names the limit so a user knows what an administrator has to raise."""
    quota = QUOTAS.get(task_type)
    if quota is None or not (active if quota.counts_active else creating):
        return
    user_left, org_left = _left(ctx, quota, task_type, user_id)
    kind = "active " if quota.counts_active else ""
    message = "Active task limit reached." if quota.counts_active else "Task limit reached."
    limits = ctx.settings.limits
    if user_left <= 0:
        raise ApiError(400, message, [
            f"User '{user_id}' already has {limits[quota.user_limit] - user_left} {kind}{task_type} tasks "
            f"({quota.user_limit} is {limits[quota.user_limit]}); {_remedy(quota)}"])
    if org_left <= 0:
        raise ApiError(400, message, [
            f"The organization already has {limits[quota.org_limit] - org_left} {kind}{task_type} tasks "
            f"({quota.org_limit} is {limits[quota.org_limit]}); {_remedy(quota)}"])


def _remedy(quota: Quota) -> str:
    first = "disable or delete one" if quota.counts_active else "delete one"
    return f"{first} first, or ask an administrator to raise it (portaladmin/system/limits/update)."


def _left(ctx: Context, quota: Quota, task_type: str, user_id: str) -> tuple[int, int]:
    active = True if quota.counts_active else None
    limits = ctx.settings.limits
    user_used = ctx.store.count_tasks(task_type=task_type, user_id=user_id, active=active)
    org_used = ctx.store.count_tasks(task_type=task_type, active=active)
    return limits[quota.user_limit] - user_used, limits[quota.org_limit] - org_used


def active_tasks_available(ctx: Context, user_id: str) -> int:
    """The listing's `activeTasksAvailable` (docs/portal-api.md §6.1): one number for all types,
    so the GP service quota, the one this project schedules, bounded by the organisation's [I]."""
    left = remaining(ctx, "GPService", user_id)
    assert left is not None
    return left
