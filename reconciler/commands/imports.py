"""`reconciler import`: write task files for tasks that already exist on the portal.

One file per task in the task folder (or --out): the next plan adopts each hand-made task by
adding the ownership mark to its title (adopt_id), keeping its id and run history; it never
deletes and creates. A task of this project already declared in tasks.d is left as it is; a
task of another project is never imported (nor one with the plain mark: that is adopt_mark's job).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from pathlib import Path

from reconciler.commands import Echo
from reconciler.commands.plan import Request, load_tasks, portal_now
from reconciler.connection import Connect, Connection
from reconciler.errors import UsageError
from reconciler.model import RemoteTask
from reconciler.planning.ownership import managed_by, name_from_title
from reconciler.portal.paging import ListingError
from reconciler.portal.protocol import Portal
from reconciler.render import validate as validate_views
from reconciler.taskfiles.loader import LoadResult
from reconciler.taskfiles.rules import MAX_TITLE, is_task_name
from reconciler.taskfiles.writer import imported, name_for
from reconciler.taskfiles.zoning import default_zone


@dataclass(frozen=True, kw_only=True)
class Selection:
    names: tuple[str, ...] = ()  # titles, task ids or managed names; empty: every task
    match: str | None = None  # a regular expression searched in titles
    all_owners: bool = False
    out: str | None = None
    force: bool = False


def run(request: Request, selection: Selection, *, connect: Connect, echo: Echo, echo_err: Echo) -> int:
    """Raises: UsageError (a bad --match, --all-owners without administrator rights, nothing to
    import), PortalError."""
    try:
        pattern = re.compile(selection.match) if selection.match else None
    except re.error as e:
        raise UsageError(f"--match {selection.match!r} is not a regular expression: {e}") from None
    with connect() as connection:
        if connection.banner:
            echo_err(connection.banner)
        loaded = _declared(request, connection, echo)
        tasks, unread = _listed(connection.portal, selection.all_owners, echo)
        default_owner = connection.portal.owner
    declared = {(s.name, s.owner or default_owner): s for s in loaded.specs}
    adopted = {s.adopt_id for s in loaded.specs if s.adopt_id}
    taken = {s.name for s in loaded.specs} | {n for t in tasks if (n := name_from_title(t.title, request.mark))}
    out = Path(selection.out or request.tasks_dir)
    taken |= {p.stem for p in out.glob("*") if p.suffix.lower() in (".yaml", ".yml")}  # never beside a file of that name
    chosen = [t for t in tasks if _chosen(t, selection, pattern, request)]
    missed = [n for n in selection.names if not any(_answers(t, n, request) for t in tasks)]
    if not chosen:
        raise UsageError("no portal task matches: `reconciler status` lists managed tasks, `reconciler plan` the others")
    failed = unread + len(missed)
    for wanted in missed:  # a typo in a list of names must not pass unnoticed
        echo(f"x no portal task matches {wanted!r} (a title, a task id or a managed name)")
    variables = frozenset(loaded.referenced)  # an imported file's secret never shares a name tasks.d uses
    for task in sorted(chosen, key=lambda t: (t.owner, t.title, t.id)):
        name = name_from_title(task.title, request.mark, request.adopts)
        if name is not None and not is_task_name(name):
            name = None  # marked, but not a task name: unmanaged, as the planner's matching reads it
        managed = name is not None
        project = managed_by(task.title, request.mark, request.adopts)
        if project is not None:
            echo(f"- skipped {task.title!r} ({task.id}): managed by "
                 + (f"project {project}" if project else "reconciler without a project; use adopt_mark in reconciler.yaml"))
            continue
        if name is not None and (name, task.owner) in declared or task.id in adopted:
            where = declared[(name, task.owner)].source.path if name is not None and (name, task.owner) in declared else "tasks.d"
            echo(f"= {task.title!r} ({task.id}) is already declared in {where}: nothing to import")
            continue
        if name is None:
            name = name_for(task.title, taken, longest=MAX_TITLE - len(request.mark))
            taken.add(name)
        written = imported(task, name=name, default_owner=default_owner, adopt=not managed, taken_variables=variables,
                           timezone=_schedule_zone(request))
        if written.refused:
            echo(f"x not imported {task.title!r} ({task.id}): " + "; ".join(written.refused))
            failed += 1
            continue
        path = out / written.file_name
        if path.resolve().parent != out.resolve():  # task names hold no separator; never write elsewhere
            raise UsageError(f"refusing to write {path}: outside {out}")
        others = sorted(s.name for s in loaded.specs if Path(s.source.path).resolve() == path.resolve() and s.name != name)
        if others or (path.exists() and not selection.force):
            why = f"declares {', '.join(others)}" if others else "exists (pass --force to overwrite it)"
            echo(f"x not written: {path} {why}")
            failed += 1
            continue
        _write(path, written.text)
        variables |= {var for _, var in written.secrets}
        echo(f"+ wrote {path}: {name} from {task.title!r} ({task.id}, {task.owner})")
        for where, var in written.secrets:
            echo(f"    {where} looks like a credential: it reads ${{secret:{var}}}; set {var} in the environment")
    echo("Next: `reconciler validate`, then `reconciler plan`: an imported task shows as an update of its title (the "
         "ownership mark is added), never as a create and a delete.")
    return 1 if failed else 0


def _declared(request: Request, connection: Connection, echo: Echo) -> LoadResult:
    """What tasks.d declares (nothing, when the folder is not there yet). A file that does not
    load may declare a task import would then write a second file for: refuse. An unset secret
    in parameters is no error here (as for status): import needs names, owners and ids, not values."""
    if not Path(request.tasks_dir).exists():
        return LoadResult(specs=(), problems=(), files=())
    loaded = load_tasks(replace(request, policy=replace(request.policy, allow_empty=True)), connection,
                        now=portal_now(connection), unset_secrets_unknown=True)
    if not loaded.ok:
        echo(validate_views.report(loaded, "text"))
        raise UsageError(f"nothing imported: {request.tasks_dir} has errors (above), and a file that does not load may "
                         "already declare a task import would write again; fix them (`reconciler validate`), then "
                         "import")
    return loaded


def _listed(portal: Portal, all_owners: bool, echo: Echo) -> tuple[list[RemoteTask], int]:
    """The tasks listed, and how many the portal listed but did not let us read."""
    try:
        if all_owners and not portal.me().is_admin:
            raise UsageError("--all-owners needs an administrator: only an administrator may list every owner's "
                             "tasks; sign in as one, or import one owner's with --owner")
        listing = portal.list_all_tasks() if all_owners else portal.list_tasks(portal.owner)
        for lost in listing.unreadable:
            echo(f"! not imported: {lost.reason}")
        return list(listing.tasks), len(listing.unreadable)
    except ListingError as e:
        raise UsageError(f"the portal's task listing is incomplete ({e.detail}); nothing imported, run import again") from None


def _chosen(task: RemoteTask, selection: Selection, pattern: re.Pattern[str] | None, request: Request) -> bool:
    if pattern is not None and not pattern.search(task.title):
        return False
    if selection.names:
        return any(_answers(task, n, request) for n in selection.names)
    return True


def _answers(task: RemoteTask, name: str, request: Request) -> bool:
    return name in (task.id, task.title, name_from_title(task.title, request.mark, request.adopts))



def _schedule_zone(request: Request) -> str | None:
    """The portal's schedules are in the scheduler's zone: say so when the project's default differs."""
    default = default_zone(request.zones)
    return request.zones.scheduler if default is not None and default != request.zones.scheduler else None


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError as e:
        raise UsageError(f"cannot write {path}: {e.strerror or e}") from None
