"""The command-line flags of `plan` and `apply` (parsing only; reconciler.cli dispatches).

Kept apart from cli.py so that module stays small; nothing here prints or reads sys.argv.
"""

from __future__ import annotations

import argparse
import os

from reconciler.applier import DEFAULT_PARALLELISM
from reconciler.connection import add_portal_arguments
from reconciler.ownership import DEFAULT_MARK
from reconciler.render import FORMATS

PLANNING_EPILOG = """\
The portal: --portal/--username (or RECONCILER_PORTAL/RECONCILER_USERNAME) with the secret in
RECONCILER_PASSWORD or RECONCILER_TOKEN; or --emulator for the embedded emulator (state kept in
.reconciler/ in the current folder; GP_SERVER_URL points at it unless you set it).
Managed tasks are those whose portal title starts with the ownership mark; others are listed
as unmanaged and never touched. Colour only on a terminal; NO_COLOR or --no-color turns it off.
"""


def add_planning(p: argparse.ArgumentParser) -> None:
    """Flags shared by plan and apply."""
    p.add_argument("--tasks", default="tasks.d", metavar="DIR", help="folder of task files (default: tasks.d)")
    p.add_argument("--var", action="append", default=[], metavar="NAME=VALUE",
                   help="set a variable for ${NAME} references (overrides the environment; repeatable)")
    p.add_argument("--emulator", action="store_true",
                   help="use the embedded emulator (state in .reconciler/) instead of a portal")
    g = p.add_argument_group("planning")
    g.add_argument("--ownership-mark", default=os.environ.get("RECONCILER_OWNERSHIP_MARK", DEFAULT_MARK),
                   metavar="TEXT", help=f"title prefix of managed tasks (RECONCILER_OWNERSHIP_MARK; default {DEFAULT_MARK!r})")
    g.add_argument("--on-remove", choices=("delete", "disable"), default=os.environ.get("RECONCILER_ON_REMOVE", "delete"),
                   help="what to do with a managed task whose file was removed (RECONCILER_ON_REMOVE; default delete)")
    g.add_argument("--no-delete", action="store_true", help="never delete: plan no deletions at all")
    g.add_argument("--allow-empty", action="store_true",
                   help="allow a plan that removes every managed task (refused by default: an emptied tasks.d is usually a mistake)")
    g.add_argument("--allow-active-runs", action="store_true",
                   help="change or remove tasks even while one of their runs is executing")
    p.add_argument("--no-color", action="store_true", help="no colour (also NO_COLOR)")
    add_portal_arguments(p)


def add_plan(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "plan",
        help="show what apply would change on the portal",
        description="Compare the task files with the portal and show the actions apply would take: "
        "create, update, enable, disable, delete. Reads the portal; changes nothing.",
        epilog=PLANNING_EPILOG + """
examples:
  reconciler plan --emulator                          against the embedded emulator
  reconciler plan --portal https://gis.example.com/portal --username svc_gp   (RECONCILER_PASSWORD set)
  reconciler plan --format markdown --out plan.json > plan.md   for a pull request comment
  reconciler plan --detailed-exitcode                 exit 2 when there are changes (drift checks)

Exit: 0 no changes (or changes without --detailed-exitcode), 1 error (invalid tasks, portal
error, plan errors), 2 changes present (--detailed-exitcode only), 3 bug.""",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--format", choices=tuple(FORMATS), default="text", help="output format (default: text)")
    p.add_argument("--out", metavar="PLANFILE", help="save the plan (JSON, no secrets) for `reconciler apply PLANFILE`")
    p.add_argument("--detailed-exitcode", action="store_true", help="exit 2 when there are changes, 0 when none")
    add_planning(p)


def add_apply(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "apply",
        help="change the portal to match the task files",
        description="Plan, show the plan, ask for 'yes', and carry it out: one line per change as it "
        "finishes, a summary, then a fresh read of the portal to confirm nothing is left to do. "
        "With PLANFILE (from `plan --out`): apply exactly that plan without asking, or refuse with "
        "'plan is stale, run plan again' when the portal or the task files changed since. "
        "PLANFILE keeps the planning options it was made with (--tasks, --on-remove, ...).",
        epilog=PLANNING_EPILOG + """
examples:
  reconciler apply --emulator --auto-approve   apply tasks.d to the embedded emulator
  reconciler apply                             plan, show, ask for 'yes' (on a terminal)
  reconciler apply --auto-approve              CI: no question asked
  reconciler apply plan.json                   apply exactly a saved plan

Exit: 0 applied and the portal matches, 1 error (invalid tasks, portal error, stale plan,
a failed or skipped change, plan errors, or not confirmed), 3 bug.""",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("plan_file", nargs="?", metavar="PLANFILE", help="a plan saved with `reconciler plan --out`")
    p.add_argument("--auto-approve", action="store_true", help="apply without asking (required when not on a terminal)")
    p.add_argument("--parallelism", type=_positive, default=DEFAULT_PARALLELISM, metavar="N",
                   help=f"changes carried out at once (default: {DEFAULT_PARALLELISM})")
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help="text, or json: a final JSON report on stdout (progress goes to stderr)")
    add_planning(p)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value
