"""`reconciler runs NAME`: a task's recent runs, newest first, with its GP jobs' status and, for a
failed run, the error messages first. NAME is a task's name in tasks.d (a managed task's title
without the project's mark), or any portal task's exact title or id."""

from __future__ import annotations

from datetime import datetime, timezone

from reconciler.commands import Echo
from reconciler.commands.plan import Request, load_tasks
from reconciler.connection import Connect
from reconciler.errors import UsageError
from reconciler.masking import mask_output
from reconciler.model import RemoteTask
from reconciler.planning.ownership import is_managed, name_from_title
from reconciler.portal import snapshot
from reconciler.render import runs as views


def run(request: Request, name: str, *, limit: int, connect: Connect, fmt: str, echo: Echo, echo_err: Echo) -> int:
    """Raises: UsageError when no task, or more than one, answers to `name`."""
    now = datetime.now(timezone.utc)
    with connect() as connection:
        if connection.banner:
            echo_err(connection.banner)
        loaded = load_tasks(request, connection, now=now)  # for the owners it names; problems do not matter here
        portal = connection.portal
        state = snapshot.gather(portal, loaded.specs, default_owner=portal.owner,
                                managed=lambda title: is_managed(title, request.mark, request.adopts))
        task = _find(state.tasks, name, request)
        found = sorted(portal.runs(task.id, task.owner, with_jobs=True), key=lambda r: -(r.created or 0))
    doc = views.to_dict(task, name_from_title(task.title, request.mark, request.adopts), found[:limit], len(found))
    echo(mask_output(views.render(doc, fmt), secret_values=loaded.secret_values, credentials=connection.secrets))
    return 0


def _find(tasks: tuple[RemoteTask, ...], name: str, request: Request) -> RemoteTask:
    by_id = [t for t in tasks if t.id == name]
    managed = [t for t in tasks if name_from_title(t.title, request.mark, request.adopts) == name]
    titled = [t for t in tasks if t.title == name]
    for candidates in (by_id, managed, titled):
        if len(candidates) == 1:
            return candidates[0]
        if len(candidates) > 1:
            listed = ", ".join(f"{t.id} ({t.owner})" for t in sorted(candidates, key=lambda t: (t.owner, t.id)))
            raise UsageError(f"{name!r} names {len(candidates)} tasks: {listed}; give the id of one")
    raise UsageError(f"no task named {name!r} on the portal (looked for a task of tasks.d, a portal title and a task "
                     "id, among the owners this account can read); `reconciler status` lists the managed tasks")
