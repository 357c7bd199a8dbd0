"""What `reconciler doctor` observed on a portal, judged: each finding an observed fact with its
evidence, ok / warn / fail / info. Pure; commands/doctor.py gathers the observations.

The time zone is inferred, never assumed (reconciler.planning.zonecheck, which plan and status
share).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from reconciler.model import FederatedServer, PortalUser, PortalVersion, RemoteTask
from reconciler.planning import zonecheck
from reconciler.planning.checks import GP_SCHEDULING_PRIVILEGES, GP_SERVICE_RELEASE
from reconciler.planning.quota import LIMIT_STEMS

OK, WARN, FAIL, INFO = "ok", "warn", "fail", "info"
MAX_SKEW_S = 60  # a portal clock further off than this moves fire times and token expiry


@dataclass(frozen=True, kw_only=True)
class Finding:
    check: str
    status: str  # ok | warn | fail | info
    fact: str
    evidence: str = ""
    hint: str = ""


@dataclass(frozen=True, kw_only=True)
class OwnerSeen:
    owner: str
    tasks: tuple[RemoteTask, ...] | None  # None: the listing failed
    error: str = ""  # why it failed
    active_available: int | None = None
    user: PortalUser | None = None  # the owner's privileges, when shown (to an administrator)


@dataclass(frozen=True, kw_only=True)
class Observed:
    portal: str
    user: PortalUser
    version: PortalVersion | None
    version_error: str = ""
    servers: tuple[FederatedServer, ...] = ()
    servers_error: str = ""
    owners: tuple[OwnerSeen, ...] = ()
    limits: Mapping[str, int] | None = None
    limits_error: str = ""  # why reading them failed (a refusal or an outage, not their absence)
    org_active: int | None = None  # active GP service tasks in the organization (an administrator's listing)
    page: Mapping[str, object] | None = None  # the first listing page: asked, returned, total
    portal_now: datetime | None = None  # by the portal's Date header
    local_now: datetime | None = None
    scheduler_zone: str = "UTC"  # the zone reconciler reads schedules in (the project file's scheduler_timezone)
    task_files: str = ""  # why tasks.d could not say which owners it names; empty: it did
    probe: tuple[Finding, ...] = field(default_factory=tuple)


def assess(seen: Observed) -> tuple[Finding, ...]:
    found = [_version(seen), _account(seen.user), _servers(seen)]
    if seen.task_files:
        found.append(Finding(check="task files", status=WARN, fact=f"tasks.d does not load ({seen.task_files}): only "
                             "the default owner is checked", hint="`reconciler validate` lists the problems"))
    found += [_owner(o, seen.user) for o in seen.owners]
    found += [_limits(seen), _paging(seen.page), _zone(seen), _clock(seen)]
    return (*found, *seen.probe)


def failed(findings: tuple[Finding, ...]) -> bool:
    return any(f.status == FAIL for f in findings)


def _version(seen: Observed) -> Finding:
    v = seen.version
    if v is None:
        return Finding(check="version", status=FAIL, fact=f"the portal's root could not be read: {seen.version_error}")
    release = v.release()
    where = f"currentVersion {v.current or '(none)'}"
    if release is None:
        return Finding(check="version", status=WARN, fact="the portal does not state its ArcGIS Enterprise release",
                       evidence=f"{where}; no enterpriseVersion (stated from 11.3 on), portaladmin/info not readable",
                       hint="GP service tasks need 11.2 or later: check the release on the portal's admin pages")
    status = OK if release >= GP_SERVICE_RELEASE else FAIL
    return Finding(check="version", status=status, fact=f"ArcGIS Enterprise {v.enterprise}", evidence=f"{where}; "
                   f"release from {v.source}", hint="" if status == OK else "GP service tasks need 11.2 or later")


def _account(user: PortalUser) -> Finding:
    missing = [p for p in GP_SCHEDULING_PRIVILEGES if p not in user.privileges]
    who = f"signed in as {user.username} (role {user.role or 'unknown'}{', an administrator' if user.is_admin else ''})"
    if user.is_admin or not missing:
        return Finding(check="account", status=OK, fact=who + ": may schedule GP services",
                       evidence="administrator" if user.is_admin else "has " + ", ".join(GP_SCHEDULING_PRIVILEGES))
    return Finding(check="account", status=FAIL, fact=who + ": may not schedule GP services",
                   evidence="lacks " + ", ".join(missing), hint="a role with these privileges, or an administrator")


def _servers(seen: Observed) -> Finding:
    if seen.servers_error:
        return Finding(check="federated servers", status=FAIL, fact=f"could not be read: {seen.servers_error}")
    if not seen.servers:
        return Finding(check="federated servers", status=FAIL, fact="none: the portal can run no GP service task",
                       hint="federate an ArcGIS Server site with the portal")
    urls = ", ".join(sorted(s.url for s in seen.servers))
    return Finding(check="federated servers", status=OK, fact=f"{len(seen.servers)} federated", evidence=urls)


def _owner(o: OwnerSeen, user: PortalUser) -> Finding:
    check = f"owner {o.owner}"
    if o.tasks is None:
        return Finding(check=check, status=FAIL, fact=f"its tasks cannot be listed: {o.error}",
                       hint="plan refuses to create or delete for an owner it cannot see")
    listed = f"{len(o.tasks)} tasks, {sum(t.active for t in o.tasks)} active"
    quota = f"; activeTasksAvailable {o.active_available}" if o.active_available is not None else ""
    if o.owner != user.username and not user.is_admin:
        return Finding(check=check, status=FAIL, fact=f"listed: {listed}; but only an administrator may manage "
                       f"another user's tasks", evidence=f"signed in as {user.username}")
    privileged = user if o.owner == user.username else o.user
    if privileged is None:
        return Finding(check=check, status=WARN, fact=f"listed: {listed}; may be managed; its privileges are not shown",
                       evidence=f"community/users/{o.owner} showed no privileges" + quota)
    missing = [p for p in GP_SCHEDULING_PRIVILEGES if p not in privileged.privileges]
    if missing and not privileged.is_admin:
        return Finding(check=check, status=FAIL, fact=f"listed: {listed}; lacks privileges to own GP service tasks",
                       evidence="lacks " + ", ".join(missing) + quota,
                       hint="the portal checks the owner's privileges when it creates a task")
    return Finding(check=check, status=OK, fact=f"listed: {listed}; may be managed", evidence=quota.lstrip("; "))


def _limits(seen: Observed) -> Finding:
    if seen.limits is None:
        quotas = ", ".join(f"{o.owner} {o.active_available}" for o in seen.owners if o.active_available is not None)
        if seen.limits_error:
            why = f"reading portaladmin/system/limits failed: {seen.limits_error}"
        elif seen.user.is_admin:
            why = "the portal has no portaladmin/system/limits: a release before 11.2"
        else:
            why = "portaladmin/system/limits is an administrator's"
        return Finding(check="limits", status=WARN if seen.limits_error else INFO,
                       fact=f"not readable ({why}); plan checks activeTasksAvailable",
                       evidence=f"activeTasksAvailable: {quotas or 'not stated'}")
    stem = LIMIT_STEMS["GPService"]
    user_limit, org_limit = seen.limits.get(f"{stem}UserLimit"), seen.limits.get(f"{stem}OrgLimit")
    org_left = org_limit - seen.org_active if org_limit is not None and seen.org_active is not None else None
    left = [f"{o.owner} {_least(user_limit - sum(t.active and t.task_type == 'GPService' for t in o.tasks), org_left)} "
            "left" for o in seen.owners if o.tasks is not None and user_limit is not None]
    named = ", ".join(f"{k} {v}" for k, v in sorted(seen.limits.items()))
    return Finding(check="limits", status=INFO,
                   fact=f"GP service tasks: {user_limit if user_limit is not None else 'no'} active per user, "
                   f"{org_limit if org_limit is not None else 'no'} per organization" + (f"; {', '.join(left)}" if left else ""),
                   evidence=named)


def _least(user_left: int, org_left: int | None) -> int:
    """What an owner may still activate: its own limit's room, and the organization's."""
    return max(0, user_left if org_left is None else min(user_left, org_left))


def _paging(page: Mapping[str, object] | None) -> Finding:
    if page is None:
        return Finding(check="paging", status=INFO, fact="not observed (the listing could not be read)")
    asked, returned, total = page.get("asked"), page.get("returned"), page.get("total")
    evidence = f"asked num={asked}; the first page held {returned} of total {total}"
    if isinstance(total, int) and isinstance(returned, int) and isinstance(asked, int) and total > returned:
        fact = (f"the listing honours num={asked} (a full first page)" if returned >= asked else
                f"the listing honours num up to {returned} per page")
        return Finding(check="paging", status=INFO, fact=fact + " (reconciler follows nextStart, so any page size "
                       "works)", evidence=evidence)
    return Finding(check="paging", status=INFO, fact="the page size is not observable: every task fits one page",
                   evidence=evidence)


def _zone(seen: Observed) -> Finding:
    if seen.portal_now is None:
        return Finding(check="time zone", status=INFO, fact="not observed (the portal sent no Date header)")
    zone = seen.scheduler_zone
    evidence = zonecheck.infer((t for owner in seen.owners for t in owner.tasks or ()), seen.portal_now, zone)
    if not evidence.deltas:
        return Finding(check="time zone", status=INFO, fact="not observed: no active task firing at one time of "
                       "day (one hour, one minute) with a nextStart to compare")
    delta = evidence.consistent
    if delta is None:
        return Finding(check="time zone", status=WARN, fact=f"nextStart disagrees with the reading in {zone} by "
                       "different amounts (a zone with other daylight-saving rules, or tasks edited elsewhere)",
                       evidence=evidence.describe())
    if delta == 0:
        return Finding(check="time zone", status=OK, fact=f"the scheduler reads schedules in {zone}, as reconciler "
                       f"does {zonecheck.SOURCE}", evidence=evidence.describe())
    utc = zonecheck.zone_name(evidence.offset_of(delta))
    return Finding(check="time zone", status=WARN, fact=f"the scheduler appears to read schedules as UTC{utc}; "
                   f"reconciler reads them in {zonecheck.assumed(zone)}, so its fire times are off by "
                   f"{zonecheck.hours(delta).removesuffix(' earlier').removesuffix(' later')}",
                   evidence=evidence.describe(), hint=zonecheck.fix_hint(zone, utc))


def _clock(seen: Observed) -> Finding:
    if seen.portal_now is None or seen.local_now is None:
        return Finding(check="clock", status=INFO, fact="not observed (the portal sent no Date header)")
    skew = (seen.portal_now - seen.local_now).total_seconds()
    fact = f"the portal's clock is {abs(skew):.0f} s {'ahead of' if skew > 0 else 'behind'} this machine's"
    evidence = (f"Date header {seen.portal_now.isoformat(timespec='seconds')}; "
                f"here {seen.local_now.isoformat(timespec='seconds')} (the header counts whole seconds)")
    status = OK if abs(skew) <= MAX_SKEW_S else WARN
    return Finding(check="clock", status=status, fact=fact, evidence=evidence,
                   hint="" if status == OK else "plans count fire times from the portal's clock; check its time service")

