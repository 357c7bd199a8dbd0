"""`reconciler status`: how every managed task is doing (state, last run, failures, next fire,
runs left) and whether it drifted from tasks.d. Read-only; exit 0 all healthy and in sync, 2
something unhealthy or drifted, 1 an error (invalid task files, a portal error, plan errors).

A monitoring job need not hold every task's secrets: an unset `${secret:NAME}` in a task's
parameters leaves the drift of that field unknown (named, with one note naming the variables);
it neither stops status nor changes its exit code [I]. Any other unset variable still stops it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from reconciler.commands import Echo
from reconciler.commands.plan import Request, load_tasks, observe, portal_now
from reconciler.connection import Connect, Connection
from reconciler.masking import mask_output
from reconciler.model import LoadResult, PortalState, RemoteRun, RemoteTask, dotted
from reconciler.planning import load, zonecheck
from reconciler.planning.checks import occurrences_left
from reconciler.planning.health import assess
from reconciler.planning.ownership import name_from_title
from reconciler.planning.plan import Plan
from reconciler.portal import snapshot
from reconciler.render import status as views
from reconciler.render import validate as validate_views

EXIT_UNHEALTHY = 2


@dataclass(frozen=True, kw_only=True)
class Reading:
    """What status reads (and `reconciler report` shows): the task files, the portal with every
    managed task's runs, the plan made from it, and status's JSON view of it all."""

    loaded: LoadResult
    state: PortalState
    plan: Plan
    names: Mapping[str, str]  # managed task id -> name
    runs: Mapping[str, tuple[RemoteRun, ...]]
    running: tuple[load.Planned, ...]  # the active managed GP service tasks, as they stand
    doc: dict[str, Any]  # render.status.to_dict
    secrets: tuple[str, ...]  # the connection's credentials


def read(request: Request, connection: Connection, *, now: datetime) -> Reading | LoadResult:
    """Everything status shows; the task files' LoadResult alone when they do not load."""
    loaded = load_tasks(request, connection, now=now, unset_secrets_unknown=True)
    if not loaded.ok:
        return loaded
    state, plan = observe(connection, loaded.specs, request, now=now, secrets=loaded.secret_values)
    names = {t.id: n for t in state.tasks if (n := name_from_title(t.title, request.mark, request.adopts))}
    # Every managed task's runs, 8 at a time; those the plan read already are not read again.
    runs = snapshot.with_runs(connection.portal, state, names).runs
    unknown = {s.name: tuple(dotted(p) for p in s.unknown_paths) for s in loaded.specs if s.unknown_paths}
    unset = tuple(sorted({name for s in loaded.specs for name in s.unset_secrets}))
    # The portal's zone, and tasks whose runs (all of them read now) outlast their schedule's interval.
    running = tuple(p for t in state.tasks if t.id in names
                    and (p := load.from_remote(t, names[t.id], _left(t, runs.get(t.id, ())),
                                                    request.zones.scheduler)) is not None)
    warnings = (*zonecheck.warnings(state.tasks, now, request.zones.scheduler), *load.overruns(running, runs, now))
    doc = views.to_dict(assess(plan, state.tasks, names, runs, now=now, unknown=unknown, zone=request.zones.scheduler), plan, unset_secrets=unset,
                        warnings=warnings)
    return Reading(loaded=loaded, state=state, plan=plan, names=names, runs=runs, running=running, doc=doc,
                   secrets=tuple(connection.secrets))


def _left(task: RemoteTask, runs: tuple[RemoteRun, ...]) -> int | None:
    """What max_occurrences still allows the task (at most), as status counts it; None: no limit."""
    return occurrences_left(task, runs)[0] if task.max_occurrences not in (None, -1) else None


def connect_and_read(request: Request, connect: Connect, *, now: datetime | None,
                     echo_err: Echo) -> tuple[Reading | LoadResult, datetime]:
    """read() over a connection of its own (the banner on `echo_err`), and the portal's now."""
    with connect() as connection:
        now = now or portal_now(connection)
        if connection.banner:
            echo_err(connection.banner)
        return read(request, connection, now=now), now


def run(request: Request, *, connect: Connect, fmt: str, echo: Echo, echo_err: Echo,
        now: datetime | None = None) -> int:
    reading, now = connect_and_read(request, connect, now=now, echo_err=echo_err)
    if isinstance(reading, LoadResult):
        echo(validate_views.report(reading, "json" if fmt == "json" else "text"))
        return 1
    report = reading.doc
    echo(mask_output(views.render(report, fmt), secret_values=reading.loaded.secret_values, credentials=reading.secrets))
    if reading.plan.errors:
        return 1
    return EXIT_UNHEALTHY if report["summary"]["unhealthy"] or report["summary"]["drifted"] else 0
