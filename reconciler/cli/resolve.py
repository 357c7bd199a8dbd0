"""What plan and apply are asked to do, from flags, the environment and the project file.

Precedence, highest first: flags; the process environment (RECONCILER_*); the project file's
chosen environment; its top level; the defaults. Variables for ${NAME} are the exception, as in
Terraform: --var, then the project file (reviewed in Git), then the process environment.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reconciler.errors import ConfigError, UsageError
from reconciler.model import ZoneSettings
from reconciler.planning.options import ON_REMOVE, Policy
from reconciler.planning.ownership import mark_for
from reconciler.taskfiles import project as project_file
from reconciler.taskfiles.project import ProjectConfig

if TYPE_CHECKING:  # validate reads the project file through here: it needs no portal libraries
    from reconciler import connection
    from reconciler.commands.plan import Request

MOVED_TARGET = (
    "--target (and RECONCILER_TARGET) chose a portal from a targets file; environments now live in the project "
    "file: rename `targets:` to `environments:` in it, add `project: <id>`, name it reconciler.yaml (or pass "
    "--config), and choose one with --environment NAME. (To plan only some tasks, Terraform's -target, use --only NAME.)"
)
MOVED_MARK = (
    "--ownership-mark (and RECONCILER_OWNERSHIP_MARK) were replaced by projects: put `project: <id>` in "
    "reconciler.yaml (managed titles then start with '[reconciler:<id>] ') and {keep} so the "
    "next apply takes over the tasks titled with your old mark (then remove that line)"
)
OLD_TARGETS_FILE = ("{path} is a targets file of an earlier reconciler: rename `targets:` to `environments:`, add "
                    "`project: <id>` (see `adopt_mark` to keep your existing tasks), and choose one with --environment")


@dataclass(frozen=True, kw_only=True)
class Planning:
    request: Request
    connect: connection.Connect


def project(args: argparse.Namespace, environ: Mapping[str, str], cwd: Path) -> ProjectConfig | None:
    """The project file (--config, RECONCILER_CONFIG, or reconciler.yaml found upward) with the
    chosen environment merged; None when there is none.

    Raises:
        UsageError, ConfigError: a retired flag, an environment without a project file, or a
            project file that cannot be used.
    """
    if getattr(args, "target", None) or environ.get("RECONCILER_TARGET"):
        raise UsageError(MOVED_TARGET)
    old_mark = getattr(args, "ownership_mark", None)
    old_mark = (environ.get("RECONCILER_OWNERSHIP_MARK") or None) if old_mark is None else old_mark
    if old_mark is not None:
        keep = f"`adopt_mark: '{old_mark}'`" if old_mark.strip() else "`adopt_mark:` with your old mark"
        raise UsageError(MOVED_MARK.format(keep=keep))
    named = getattr(args, "config", None) or environ.get("RECONCILER_CONFIG")
    path = Path(named) if named else project_file.find(cwd)
    environment = getattr(args, "environment", None) or environ.get("RECONCILER_ENVIRONMENT") or None
    if path is None:
        if environment:
            raise UsageError(f"--environment {environment!r} needs a project file: no {project_file.PROJECT_FILE} "
                             f"here or above (up to the repository root); pass --config FILE")
        return None
    try:
        return project_file.load(path, environment=environment)
    except project_file.ProjectFileError as e:
        if any(p.field == "targets" for p in e.problems):
            raise UsageError(OLD_TARGETS_FILE.format(path=path)) from None
        raise


PLAN_FLAGS = {"tasks": "--tasks", "only": "--only", "on_remove": "--on-remove", "no_delete": "--no-delete",
              "allow_empty": "--allow-empty", "allow_mass_delete": "--allow-mass-delete",
              "allow_active_runs": "--allow-active-runs"}


def _saved_plan_flags(args: argparse.Namespace) -> None:
    """`apply PLANFILE` carries out the plan as it was made, with the options it was made with
    (as Terraform refuses planning options with a saved plan): a planning flag given with it is
    refused rather than silently ignored."""
    if getattr(args, "plan_file", None) is None:
        return
    given = [flag for name, flag in PLAN_FLAGS.items() if getattr(args, name, None)]
    if given:
        raise UsageError(f"{', '.join(given)} cannot be combined with a saved plan: {args.plan_file} is applied with "
                         "the options it was planned with; drop them, or run plan again with them")


def task_folder(args: argparse.Namespace, tasks_dir: str) -> None:
    """plan, apply and status need the task folder: refuse a missing one before connecting, so
    --emulator creates no .reconciler/ state for a run that cannot plan (and no sign-in is spent).
    Raises: UsageError."""
    if args.command not in ("plan", "apply", "status") or Path(tasks_dir).is_dir():
        return
    what = "no such folder" if not Path(tasks_dir).exists() else "not a folder"
    if args.tasks:
        raise UsageError(f"--tasks {tasks_dir}: {what}")
    where = " (the project file's `tasks`)" if tasks_dir != "tasks.d" else ""
    raise UsageError(f"{tasks_dir}{where}: {what}, so there are no task files to read: run where {tasks_dir} is, "
                     "or pass --tasks DIR")


def planning(args: argparse.Namespace, environ: Mapping[str, str], *, variables: dict[str, str],
             cwd: Path) -> Planning:
    """The plan request and how to connect, for plan and apply.

    `variables` are the --var assignments. Raises: UsageError, ConfigError.
    """
    _saved_plan_flags(args)
    from reconciler import connection
    from reconciler.commands.plan import Request
    from reconciler.portal.settings import settings_from

    found = project(args, environ, cwd)
    on_remove = getattr(args, "on_remove", None) or environ.get("RECONCILER_ON_REMOVE") or (found.on_remove if found else None) or "delete"
    if on_remove not in ON_REMOVE:  # argparse checks a flag's value, not the environment's
        raise UsageError(f"RECONCILER_ON_REMOVE={on_remove!r}: expected delete or disable")
    owner = args.owner or environ.get("RECONCILER_OWNER") or (found.owner if found else None)
    mass: Mapping[str, Any] = found.mass_delete if found else {}
    flag = lambda name: bool(getattr(args, name, False))  # noqa: E731  (status and runs have no policy flags)
    policy = Policy(
        on_remove=on_remove, no_delete=flag("no_delete"), allow_empty=flag("allow_empty"),
        allow_active_runs=flag("allow_active_runs"), allow_mass_delete=flag("allow_mass_delete"),
        mass_delete_share=float(mass.get("share", Policy.mass_delete_share)),
        mass_delete_count=int(mass.get("count", Policy.mass_delete_count)),
        only=tuple(getattr(args, "only", ())),
        collisions_per_minute=int((found.collisions if found else {}).get("per_minute", Policy.collisions_per_minute)),
    )
    request = Request(
        tasks_dir=args.tasks or (found.tasks_dir if found else "tasks.d"),
        variables={**environ, **(found.variables if found else {}), **variables},
        mark=mark_for(found.project if found else None),
        adopts=found.adopt_mark if found else None,
        owner_pinned=owner is not None,
        policy=policy,
        assigned=tuple(variables),
        zones=found.zones if found else ZoneSettings(),
    )
    if args.emulator and (args.portal or (found and found.connection.get("portal"))):
        raise UsageError("--emulator and a portal (--portal, or the environment's portal) contradict each other: "
                         "pick one")
    if args.emulator:
        return Planning(request=request, connect=lambda: connection.embedded(verbose=args.verbose, owner=owner))
    if found and found.environment is None and found.environments and not (
            args.portal or environ.get("RECONCILER_PORTAL") or found.connection.get("portal")):
        raise ConfigError(f"no portal given: choose one of {found.path}'s environments ({', '.join(found.environments)}) "
                          "with --environment NAME (-e, RECONCILER_ENVIRONMENT), or give --portal URL")
    defaults = {**(found.connection if found else {}), "owner": owner}
    settings = settings_from(args, environ, defaults=defaults)  # no portal: a ConfigError that says how to set one
    return Planning(request=request, connect=lambda: connection.remote(settings))
