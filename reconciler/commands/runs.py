"""`reconciler runs NAME`: a task's recent runs, newest first, with its GP jobs' status and, for a
failed run, the error messages first. NAME is a task's name in tasks.d (a managed task's title
without the project's mark), or any portal task's exact title or id: any owner's for an
administrator (allScheduledTasks), else among the owners tasks.d names that this account can read."""

from __future__ import annotations

from datetime import datetime, timezone

from reconciler.commands import Echo
from reconciler.commands.plan import Request, load_tasks
from reconciler.connection import Connect
from reconciler.errors import UsageError
from reconciler.masking import mask_output
from reconciler.model import RemoteTask, TaskSpec
from reconciler.planning.ownership import is_managed, name_from_title
from reconciler.portal import snapshot
from reconciler.portal.paging import ListingError
from reconciler.portal.protocol import Portal
from reconciler.render import runs as views


def run(request: Request, name: str, *, limit: int, connect: Connect, fmt: str, echo: Echo, echo_err: Echo) -> int:
    """Raises: UsageError when no task, or more than one, answers to `name`."""
    now = datetime.now(timezone.utc)
    with connect() as connection:
        if connection.banner:
            echo_err(connection.banner)
        loaded = load_tasks(request, connection, now=now)  # for the owners it names; problems do not matter here
        portal = connection.portal
        tasks, gaps = _listed(portal, loaded.specs, request)
        task = _find(tasks, name, request, gaps)
        if gaps and task.id != name:
            echo_err(f"note: the task listing was incomplete ({'; '.join(gaps)}): another task answering to {name!r} "
                     "may have been missed; give the task id to be sure")
        found = sorted(portal.runs(task.id, task.owner, with_jobs=True), key=lambda r: -(r.created or 0))
    doc = views.to_dict(task, name_from_title(task.title, request.mark, request.adopts), found[:limit], len(found))
    echo(mask_output(views.render(doc, fmt), secret_values=loaded.secret_values, credentials=connection.secrets))
    return 0


def _listed(portal: Portal, specs: tuple[TaskSpec, ...], request: Request) -> tuple[tuple[RemoteTask, ...], tuple[str, ...]]:
    """The tasks NAME is looked for among, and why that listing is incomplete (empty: it is not).

    An administrator reads every owner's tasks in one listing; anyone else (or an administrator
    whose organization listing is incomplete) the owners snapshot.gather reads for a plan.
    """
    if portal.me().is_admin:
        try:
            listing = portal.list_all_tasks()
            return listing.tasks, tuple(f"a listed task cannot be read: {u.reason}" for u in listing.unreadable)
        except ListingError:
            pass  # owner by owner below; gather records the organization's listing as incomplete
    state = snapshot.gather(portal, specs, default_owner=portal.owner,
                            managed=lambda title: is_managed(title, request.mark, request.adopts))
    gaps = [f"the tasks of {owner or 'the organization'}: {detail}" for owner, detail in sorted(state.incomplete.items())]
    gaps += [f"a listed task cannot be read: {u.reason}" for u in state.unreadable]
    return state.tasks, tuple(gaps)


def _find(tasks: tuple[RemoteTask, ...], name: str, request: Request, gaps: tuple[str, ...]) -> RemoteTask:
    by_id = [t for t in tasks if t.id == name]
    managed = [t for t in tasks if name_from_title(t.title, request.mark, request.adopts) == name]
    titled = [t for t in tasks if t.title == name]
    for candidates in (by_id, managed, titled):
        if len(candidates) == 1:
            return candidates[0]
        if len(candidates) > 1:
            listed = ", ".join(f"{t.id} ({t.owner})" for t in sorted(candidates, key=lambda t: (t.owner, t.id)))
            raise UsageError(f"{name!r} names {len(candidates)} tasks: {listed}; give the id of one")
    if gaps:  # what was not read may hold it: never claim it does not exist
        raise UsageError(f"no task named {name!r} among the tasks read, but the portal's task listing was incomplete "
                         f"({'; '.join(gaps)}), so it may exist; run runs again")
    raise UsageError(f"no task named {name!r} on the portal (looked for a task of tasks.d, a portal title and a task "
                     "id, among the owners this account can read); `reconciler status` lists the managed tasks")
