"""`reconciler doctor`: a read-only check of the configured portal before the first apply, each
finding an observed fact with its evidence (reconciler.planning.findings). `--write-probe`
(opt-in) also tries the write forms the client relies on, on one paused scratch task that it
deletes on every path (reconciler.portal.probe).

Exit: 0 nothing failed (warnings may remain), 1 a check failed or the portal could not be read.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

from reconciler.commands import Echo
from reconciler.commands.plan import Request, load_tasks, portal_now
from reconciler.connection import Connect
from reconciler.errors import PortalError, UsageError
from reconciler.masking import mask_output
from reconciler.model import CronFields, Severity, TaskFields, TaskSpec
from reconciler.planning import findings
from reconciler.planning.desired import desired_fields
from reconciler.planning.findings import FAIL, OK, Finding, Observed, OwnerSeen
from reconciler.portal.protocol import Portal
from reconciler.portal.snapshot import owners_of
from reconciler.render import doctor as views

PAGE_ASKED = 100


def run(request: Request, *, connect: Connect, fmt: str, write_probe: bool, probe_task_url: str | None,
        echo: Echo, echo_err: Echo) -> int:
    with connect() as connection:
        if connection.banner:
            echo_err(connection.banner)
        portal = connection.portal
        now = portal_now(connection)
        loaded = load_tasks(replace(request, policy=replace(request.policy, allow_empty=True)), connection, now=now,
                            unset_secrets_unknown=True)
        specs = loaded.specs if loaded.ok else ()
        observed = replace(_observe(portal, specs, connection.label), scheduler_zone=request.zones.scheduler)
        if not loaded.ok:
            errors = sum(p.severity is Severity.ERROR for p in loaded.problems)
            observed = replace(observed, task_files=f"{errors} error{'s' if errors != 1 else ''}")
        if write_probe:
            observed = replace(observed, probe=_probe(portal, specs, probe_task_url, request.mark, echo_err))
    found = findings.assess(observed)
    echo(mask_output(views.render(views.to_dict(found, observed), fmt), secret_values=loaded.secret_values,
                     credentials=connection.secrets))
    return 1 if findings.failed(found) else 0


def _observe(portal: Portal, specs: tuple[TaskSpec, ...], label: str) -> Observed:
    user = portal.me()
    try:
        version, version_error = portal.system.version(admin=user.is_admin), ""
    except PortalError as e:
        version, version_error = None, e.message
    try:
        servers, servers_error = portal.federated_servers(), ""
    except PortalError as e:
        servers, servers_error = (), e.message
    owners = tuple(_owner(portal, owner, user.username, user.is_admin)
                   for owner in owners_of(specs, portal.owner))
    try:
        first = portal.system.first_page(portal.owner, num=PAGE_ASKED)
        page: dict[str, object] | None = {"asked": PAGE_ASKED, "returned": len(first.get("tasks") or ()),
                                          "total": first.get("total")}
    except PortalError:
        page = None
    limits, limits_error, org_active = None, "", None
    if user.is_admin:
        try:
            limits = portal.system.limits()
        except PortalError as e:
            limits_error = e.message
        try:
            org_active = sum(t.active and t.task_type == "GPService" for t in portal.list_all_tasks().tasks)
        except PortalError:
            org_active = None
    return Observed(portal=label, user=user, version=version, version_error=version_error, servers=servers,
                    servers_error=servers_error, owners=owners, limits=limits, limits_error=limits_error,
                    org_active=org_active, page=page, portal_now=portal.system.clock(), local_now=datetime.now(timezone.utc))


def _owner(portal: Portal, owner: str, me: str, admin: bool) -> OwnerSeen:
    try:
        listing = portal.list_tasks(owner)
    except PortalError as e:
        return OwnerSeen(owner=owner, tasks=None, error=e.message)
    user = None
    if admin and owner != me:
        try:
            user = portal.user(owner)
        except PortalError:
            user = None
    return OwnerSeen(owner=owner, tasks=listing.tasks, active_available=listing.active_tasks_available, user=user)


def _probe(portal: Portal, specs: tuple[TaskSpec, ...], task_url: str | None, mark: str,
           echo_err: Echo) -> tuple[Finding, ...]:
    fields = _probe_fields(specs, task_url, mark, portal.me().is_admin)
    if fields is None:
        return (Finding(check="write probe", status=FAIL, fact="no GP task to probe with",
                        hint="pass --probe-task-url <a GP task URL on a federated server>, or declare a GPService "
                        "task in tasks.d"),)
    probe = portal.system.write_probe(portal.owner, fields)
    echo_err(f"write probe: creating one paused task titled {probe.title!r} under {portal.owner}; it is deleted "
             "whatever happens")
    report = probe.run()
    found = [Finding(check="write probe", status=OK if r.held else FAIL,
                     fact=r.assumption + ("" if r.held else ": did not hold"), evidence=r.evidence)
             for r in report.results]
    if report.stopped:
        found.append(Finding(check="write probe", status=FAIL, fact=f"stopped before every step ran: {report.stopped}",
                             hint="the steps after it were not tried; run the probe again once the cause is fixed"))
    found.append(Finding(check="write probe clean-up", status=OK if report.cleaned else FAIL, fact=report.cleanup))
    if report.interrupted:
        echo_err(f"interrupted: {report.cleanup}")
        raise KeyboardInterrupt
    return tuple(found)


def _probe_fields(specs: tuple[TaskSpec, ...], task_url: str | None, mark: str, admin: bool) -> TaskFields | None:
    """The GP task the probe schedules: --probe-task-url (no parameters), else the first GPService
    task in tasks.d with its parameters (a task the portal will accept)."""
    if task_url:
        if "://" not in task_url:
            raise UsageError(f"--probe-task-url {task_url!r} is not a URL")
        return TaskFields(title="", task_type="GPService", task_url=task_url,
                          schedule=CronFields(minute="0", hour="3", day_of_month="1", month="1", day_of_week="?"))
    # Not a System/ service, which only an administrator may schedule (plan refuses it otherwise) [I].
    spec = next((s for s in specs if s.task_type == "GPService" and s.task_url and not s.unknown_paths
                 and (admin or "/rest/services/system/" not in s.task_url.lower())), None)
    return desired_fields(spec, mark=mark) if spec is not None else None
