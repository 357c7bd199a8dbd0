"""`reconciler plan`: compare tasks.d/ with the portal and show what apply would change.

Load the task files, connect, read the portal (reconciler.portal.snapshot), let the planner decide, render.
`compute` is shared with apply, which recomputes the plan the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from datetime import datetime

from reconciler.commands import Echo, planfile
from reconciler.connection import Connect, Connection
from reconciler.masking import mask_output
from reconciler.model import LoadResult, PortalState, TaskSpec, ZoneSettings
from reconciler.planning.options import PlanOptions, Policy
from reconciler.planning.ownership import PLAIN_MARK, is_managed
from reconciler.planning.plan import Plan
from reconciler.planning.planner import draft, make_plan
from reconciler.portal import snapshot
from reconciler.portal.ahead import listing_ahead
from reconciler.render import NOT_SAVED, SAVED, render
from reconciler.render import validate as validate_views
from reconciler.taskfiles import loader
from reconciler.taskfiles.loader import UTC_SCHEDULES

EXIT_CHANGES = 2


@dataclass(frozen=True, kw_only=True)
class Request:
    """What to plan: the tasks folder, variables, the project's ownership mark (and an older
    mark it adopts), whether the default owner is pinned, and the planning options."""

    tasks_dir: str
    variables: Mapping[str, str]
    mark: str
    policy: Policy
    adopts: str | None = None
    owner_pinned: bool = True
    assigned: tuple[str, ...] = ()  # the --var names (in `variables` too): unused ones are warned about
    zones: ZoneSettings = UTC_SCHEDULES  # the project file's time-zone settings


def portal_now(connection: Connection) -> datetime:
    """Now by the portal's clock (the Date header of its answers; the emulator's virtual clock),
    after signing in: fire times, expiry and "due" are the portal's, not this machine's."""
    connection.portal.me()
    return connection.portal.portal_time()


def load_tasks(request: Request, connection: Connection, *, now: datetime,
               unset_secrets_unknown: bool = False) -> LoadResult:
    """tasks.d/ with the connection's default variables (e.g. GP_SERVER_URL for the emulator)
    under the user's own (`unset_secrets_unknown`: see loader.load; status only)."""
    variables = {**connection.defaults, **request.variables}
    return loader.load(request.tasks_dir, variables=variables, now=now, allow_empty=request.policy.allow_empty,
                       mark=request.mark, unset_secrets_unknown=unset_secrets_unknown, assigned=request.assigned,
                       zones=request.zones)


def loading_tasks(request: Request, connection: Connection, *, now: datetime) -> AbstractContextManager[
        Callable[[], LoadResult]]:
    """load_tasks, begun (loader.loading, with worker processes for many files)."""
    variables = {**connection.defaults, **request.variables}
    return loader.loading(request.tasks_dir, variables=variables, now=now, allow_empty=request.policy.allow_empty,
                          mark=request.mark, assigned=request.assigned, zones=request.zones, workers=True)


def compute(connection: Connection, specs: tuple[TaskSpec, ...], request: Request, *, now: datetime,
            secrets: tuple[str, ...] = ()) -> Plan:
    """Read the portal and make the plan (runs are read only for the tasks the planner asks about).

    `secrets` (the task files' secret values) are masked by the planner wherever they show up.
    """
    return observe(connection, specs, request, now=now, secrets=secrets)[1]


def observe(connection: Connection, specs: tuple[TaskSpec, ...], request: Request, *, now: datetime,
            secrets: tuple[str, ...] = ()) -> tuple[PortalState, Plan]:
    """What the portal holds and the plan made from it (compute; `reconciler status` needs both)."""
    portal = connection.portal
    options = PlanOptions(default_owner=portal.owner, portal=connection.label, now=now, mark=request.mark,
                          adopts=request.adopts, owner_pinned=request.owner_pinned, policy=request.policy,
                          secret_values=secrets, scheduler_zone=request.zones.scheduler)
    # An administrator reads every owner holding one of this project's tasks, or a plain-marked one
    # (this repository's from before it named its project, which a create must not run beside).
    found = snapshot.gather(portal, specs, default_owner=options.default_owner,
                            managed=lambda title: is_managed(title, request.mark, request.adopts)
                            or title.startswith(PLAIN_MARK))
    drafted = draft(specs, found, options)  # runs do not change the draft: make it once
    found = snapshot.with_runs(portal, found, drafted.needing_runs())
    return found, make_plan(specs, found, options, drafted=drafted)


def load_and_plan(request: Request, connection: Connection, *, now: datetime, fmt: str, echo: Echo, note: Echo,
                  warn: Echo | None) -> tuple[LoadResult, Plan] | None:
    """What plan and apply do first: the banner (`note`), the task files (their problems on
    `echo` as validate prints them, then None), their warnings (`warn`, if given), the plan."""
    if connection.banner:
        note(connection.banner)
    # The list is read while the task files load (in worker processes when there are many:
    # they are forked first, before the listing's thread starts).
    with loading_tasks(request, connection, now=now) as loaded_tasks, listing_ahead(connection.portal) as portal:
        loaded = loaded_tasks()
        if not loaded.ok:
            echo(validate_views.report(loaded, fmt))
            return None
        if warn is not None and validate_views.warnings_text(loaded):
            warn(validate_views.warnings_text(loaded))
        return loaded, compute(replace(connection, portal=portal), loaded.specs, request, now=now,
                               secrets=loaded.secret_values)


def run(
    request: Request,
    *,
    connect: Connect,
    fmt: str,
    out: str | None,
    detailed_exitcode: bool,
    color: bool,
    echo: Echo,
    echo_err: Echo,
    now: datetime | None = None,
) -> int:
    note = echo if fmt == "text" else echo_err  # JSON and Markdown on stdout stay pure
    with connect() as connection:
        now = now or portal_now(connection)
        planned = load_and_plan(request, connection, now=now, fmt=fmt, echo=echo, note=note,
                                warn=echo if fmt != "json" else None)
        if planned is None:
            return 1
        loaded, plan = planned
    secrets = loaded.secret_values + connection.secrets
    echo(mask_output(render(plan, fmt, color=color), secret_values=loaded.secret_values,
                     credentials=connection.secrets))
    if plan.errors:
        if out:
            note(NOT_SAVED.format(path=out))
        return 1
    if out:
        planfile.write(out, plan, tasks_dir=request.tasks_dir, policy=request.policy, created=now, secrets=secrets,
                       adopts=request.adopts, problems=loaded.problems)
        note(SAVED.format(path=out))
    return EXIT_CHANGES if detailed_exitcode and not plan.is_empty else 0
