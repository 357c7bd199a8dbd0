"""Every command's flags, help and examples (parsing only: reconciler.cli dispatches; nothing
here prints or reads sys.argv)."""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn

from reconciler import __version__
from reconciler.cli.github import add_github
from reconciler.cli.tooling import add_tooling
from reconciler.defaults import DEFAULT_MAX_RESPONSE_MB, DEFAULT_PARALLELISM, DEFAULT_TIMEOUT, FORMATS, ON_REMOVE

EPILOG = """\
exit codes:
  0    success (validate: no errors)
  1    expected failure: invalid task files, bad input, portal error, plan errors,
       stale plan file, a failed apply action
  2    plan --detailed-exitcode: success, and there are changes to apply
  3    internal error (a bug): please report it with the text printed
  130  interrupted (Ctrl-C)

examples:
  reconciler validate                      check tasks.d/ offline
  reconciler validate --format json        the same problems as data
  reconciler cron "0 15 10 ? * 6L" -n 5    explain a Quartz expression, next 5 fire times
  reconciler apply --emulator --auto-approve   try it all on the embedded emulator
  reconciler plan --out plan.json          what would change on the portal; save the plan
  reconciler apply plan.json               carry out exactly that plan
  reconciler show plan.json                review a saved plan without the portal
  reconciler emulator --port 8765          run the local portal emulator

docs: README.md in the source distribution.
"""


PLANNING_EPILOG = """\
The project: reconciler.yaml (found from the current folder upward to the repository root, or
--config FILE) names the project, the default owner, the task folder and the environments
(--environment NAME). Managed tasks are those whose portal title starts with the project's mark
"[reconciler:<project>] "; other tasks are listed and never touched.
The portal: --portal/--username (or RECONCILER_PORTAL/RECONCILER_USERNAME, or the environment's
entry) with the secret in RECONCILER_PASSWORD or RECONCILER_TOKEN; or --emulator for the
embedded emulator (state kept in .reconciler/; GP_SERVER_URL points at it unless you set it).
Colour only on a terminal (not TERM=dumb); NO_COLOR or --no-color turns it off, FORCE_COLOR on.
"""


def add_planning(p: argparse.ArgumentParser) -> None:
    """Flags shared by plan and apply."""
    _add_project(p)
    g = p.add_argument_group("planning")
    g.add_argument("--only", action="append", default=[], metavar="PATTERN",
                   help="plan only the tasks whose names match (a name or a glob such as 'nightly-*'; repeatable). "
                   "The plan is partial: like Terraform's -target, for exceptions, not routine changes")
    g.add_argument("--on-remove", choices=ON_REMOVE,
                   help="what to do with a managed task whose file was removed (RECONCILER_ON_REMOVE, the project "
                   "file's on_remove; default delete)")
    g.add_argument("--no-delete", action="store_true", help="never delete: plan no deletions at all")
    g.add_argument("--allow-empty", action="store_true",
                   help="allow a plan that removes every managed task (refused by default: an emptied tasks.d is usually a mistake)")
    g.add_argument("--allow-mass-delete", action="store_true",
                   help="allow deleting more managed tasks than the mass-delete guard lets through (default: more "
                   "than 3 and more than half of them is refused)")
    g.add_argument("--allow-active-runs", action="store_true",
                   help="change or remove tasks even while one of their runs is executing")
    g.add_argument("--ownership-mark", help=argparse.SUPPRESS)  # replaced by projects: a migration error
    p.add_argument("--no-color", action="store_true", help="no colour (also NO_COLOR)")
    add_portal_arguments(p)


def _add_project(p: argparse.ArgumentParser) -> None:
    """Where the tasks and the portal come from: every command that reads the portal."""
    p.add_argument("--tasks", metavar="DIR", help="folder of task files (default: the project file's `tasks`, else tasks.d)")
    p.add_argument("--var", action="append", default=[], metavar="NAME=VALUE",
                   help="set a variable for ${NAME} references (overrides the project file and the environment; repeatable)")
    p.add_argument("--emulator", action="store_true",
                   help="use the embedded emulator (state in .reconciler/) instead of a portal")
    p.add_argument("--config", metavar="FILE",
                   help="the project file (or RECONCILER_CONFIG; default: reconciler.yaml, found upward)")
    p.add_argument("-e", "--environment", metavar="NAME",
                   help="the project file's environment to use (or RECONCILER_ENVIRONMENT); not Terraform's -target: see --only")


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
    p.add_argument("--lock-timeout", type=_seconds, default=0.0, metavar="SECONDS",
                   help="wait this long for another apply of the project to finish (default: 0, refuse at once)")
    p.add_argument("--no-lock", action="store_true",
                   help="do not take the apply lock on the portal (another apply may then write at the same time)")
    add_planning(p)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not value >= 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def add_portal_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags of every command that talks to a portal (no flag for secrets, by design)."""
    g = parser.add_argument_group(
        "portal connection",
        "Flags override the environment (RECONCILER_PORTAL, RECONCILER_USERNAME, RECONCILER_OWNER, "
        "REQUESTS_CA_BUNDLE), which overrides the project file's --environment entry. The secret is "
        "read from RECONCILER_PASSWORD or RECONCILER_TOKEN (a token or API key) only.",
    )
    g.add_argument("--portal", metavar="URL", help="portal root (https://host/portal) or its .../sharing/rest URL")
    g.add_argument("--username", help="portal user to sign in as (with RECONCILER_PASSWORD)")
    g.add_argument("--owner", help="who owns tasks without an owner: line (default: the project file's owner; "
                   "without one, the signed-in user, with a warning)")
    g.add_argument("--ca-bundle", metavar="PEM", help="CA certificates to trust (enterprise CAs)")
    g.add_argument("--insecure", action="store_true", default=None,
                   help="do NOT verify the portal's TLS certificate (dangerous; prefer --ca-bundle)")
    g.add_argument("--timeout", type=float, metavar="SECONDS",
                   help=f"the longest one request may take, its answer included (default: {DEFAULT_TIMEOUT:g})")
    g.add_argument("--max-response-mb", type=float, metavar="MB",
                   help=f"refuse an answer larger than this (default: {DEFAULT_MAX_RESPONSE_MB})")
    g.add_argument("--target", help=argparse.SUPPRESS)  # became --environment: a migration error
    g.add_argument("-v", "--verbose", action="store_true", default=False,
                   help="log each portal request (method, path, status, duration; secrets redacted)")


def _add_validate(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "validate",
        help="check task files offline",
        description=(
            "Check every task file in PATH (a folder: its *.yaml, *.yml; or files, as pre-commit passes them) "
            "without contacting a portal: YAML syntax, "
            "the JSON Schema, Quartz schedules, GP task URLs, dates, duplicate names and "
            "${VAR} references. Every problem is reported as path:line:column: field: message."
        ),
        epilog=(
            "Variables: ${NAME} and ${NAME:-default} are read from the environment (or --var);\n"
            "${secret:NAME} likewise, but the value is masked in every output.\n"
            "Under GitHub Actions (GITHUB_ACTIONS=true) problems are also printed as ::error annotations.\n"
            "Exit: 0 clean (warnings allowed), 1 problems found, 3 bug."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="a folder of task files (default: the project file's `tasks`, else tasks.d), or task files: "
                   "each is checked in full, and its names against the task folder's other files")
    p.add_argument("--config", metavar="FILE",
                   help="the project file to check too (or RECONCILER_CONFIG; default: reconciler.yaml, found upward)")
    p.add_argument("-e", "--environment", metavar="NAME",
                   help="read the variables of this environment of the project file (or RECONCILER_ENVIRONMENT)")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    p.add_argument(
        "--var",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="set a variable for ${NAME} references (overrides the environment; repeatable)",
    )


def _add_cron(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "cron",
        help="explain a Quartz cron expression and list its next fire times",
        description=(
            "Evaluate a Quartz cron expression (sec min hour day-of-month month day-of-week [year]) "
            "exactly as Quartz does: day-of-week 1-7 = SUN-SAT, one of the day fields must be '?', "
            "L, L-n, W, LW, n#k, nL and names are understood. Prints a description, the five fields "
            "the portal stores, and the next fire times. Says plainly when the portal cannot store "
            "the expression (seconds other than 0, or a year)."
        ),
        epilog=(
            'examples:\n  reconciler cron "0 0 2 ? * MON-FRI"\n'
            '  reconciler cron "0 15 10 ? * 6L" --count 3 --after 2026-01-01T00:00:00Z --format json\n'
            "Exit: 0 valid, 1 invalid (the offending token is named)."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("expression", help='a Quartz expression; quote it, e.g. "0 0 2 ? * MON-FRI"')
    p.add_argument("-n", "--count", type=int, default=5, help="how many fire times to list (default: 5)")
    p.add_argument("--after", help="list fire times strictly after this ISO 8601 instant (default: now)")
    p.add_argument("--tz", default="UTC", help="IANA time zone to evaluate and print in (default: UTC)")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")


def _add_emulator(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "emulator",
        help="run the local ArcGIS portal emulator (Sharing API + GP server + scheduler)",
        description=(
            "Start a local HTTP server that speaks the ArcGIS Enterprise Sharing API for scheduled "
            "tasks, hosts sample GP services on an emulated federated server, and fires tasks on "
            "their Quartz schedules. Prints the Sharing API root URL, then serves until Ctrl-C."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=8765, help="port (default: 8765; 0 picks a free port)")
    p.add_argument("--data", help="SQLite file for state (default: in memory, lost on exit)")
    p.add_argument("--users", help="JSON file of users to seed instead of admin/publisher/viewer")
    p.add_argument("--tls", action="store_true", help="serve HTTPS with a self-signed certificate")
    p.add_argument("--cert-out", help="with --tls: write the certificate (PEM) here so clients can trust it")
    p.add_argument(
        "--enable-control",
        action="store_true",
        help="serve the /_emulator/ control API even when not listening on loopback",
    )
    p.add_argument("--limit", action="append", default=[], metavar="NAME=N",
                   help="set one of the portal's system limits at start, e.g. GPServiceUserLimit=1000 (repeatable; "
                   "names as in portaladmin/system/limits)")
    p.add_argument("--enterprise-version", default="11.3.0", metavar="X.Y.Z",
                   help="the ArcGIS Enterprise release to present (default: 11.3.0; 10.8.1 or later)")


class _Parser(argparse.ArgumentParser):
    """argparse with usage errors exiting 1, not 2: under `plan --detailed-exitcode` 2 means
    "changes present", so a mistyped flag in a drift job must not read as drift."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(1, f"{self.prog}: error: {message}\n")


def _add_show(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "show",
        help="show a saved plan without reading the portal",
        description="Print a plan saved with `reconciler plan --out PLANFILE` as text, Markdown or JSON, exactly as "
        "plan printed it, without contacting the portal: e.g. to review the plan an approval will apply.",
        epilog="examples:\n  reconciler show plan.json\n  reconciler show plan.json --format markdown > plan.md\n"
        "Exit: 0 shown, 1 not a readable plan file, 3 bug.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("plan_file", metavar="PLANFILE", help="a plan saved with `reconciler plan --out`")
    p.add_argument("--format", choices=tuple(FORMATS), default="text", help="output format (default: text)")
    p.add_argument("--no-color", action="store_true", help="no colour (also NO_COLOR)")


def add_reading(p: argparse.ArgumentParser) -> None:
    """Flags of the commands that only read the portal (status, runs, import): the project and the portal."""
    _add_project(p)
    add_portal_arguments(p)


def _add_import(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "import",
        help="write task files for tasks that already exist on the portal",
        description="Write one task file per existing portal task (hand-made or already managed) into the task "
        "folder: the schedule as Quartz text, parameters as YAML, dates as ISO 8601. A hand-made task gets "
        "adopt_id, so the next plan adopts it by adding the ownership mark to its title (same task, run history "
        "kept) instead of creating a second one. Values that look like credentials become ${secret:NAME}; the "
        "NAME to set is printed. Reads the portal; writes only files.",
        epilog="examples:\n  reconciler import                        every task of the owner\n"
        "  reconciler import 'Nightly export' 5837c7bc37ac404e8e3c16d9022b2b59\n"
        "  reconciler import --all-owners --match '^Parcels'   (an administrator)\n"
        "Exit: 0 written, 1 nothing matched, a file exists (use --force) or a portal error, 3 bug.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("names", nargs="*", metavar="NAME", help="portal titles, task ids or task names (default: every task)")
    p.add_argument("--match", metavar="REGEX", help="only tasks whose title matches this regular expression")
    p.add_argument("--all-owners", action="store_true", help="every owner's tasks (an administrator only)")
    p.add_argument("--out", metavar="DIR", help="where to write (default: the task folder)")
    p.add_argument("--force", action="store_true", help="overwrite files that exist")
    add_reading(p)


def _add_doctor(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "doctor",
        help="check the portal before the first apply: version, servers, rights, limits, paging, time",
        description="A read-only check of the configured portal, each finding an observed fact with its evidence: "
        "the portal's version, its federated servers, whether the account may list, create and manage tasks for "
        "the owners in tasks.d, the task limits and quota left, the page size the listing honours, the scheduler's "
        "apparent time zone (from existing tasks' nextStart) and the portal's clock skew. --write-probe also tries "
        "the write forms reconciler relies on, on one paused scratch task it deletes whatever happens.",
        epilog="examples:\n  reconciler doctor -e production\n  reconciler doctor --format json > doctor.json   "
        "(for a support ticket)\n  reconciler doctor --write-probe\n"
        "Exit: 0 nothing failed (warnings may remain), 1 a check failed or a portal error, 3 bug, 130 interrupted "
        "(the probe task is deleted first).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--format", choices=("text", "json", "markdown"), default="text", help="output format (default: text)")
    p.add_argument("--write-probe", action="store_true",
                   help="also create, change and delete one paused scratch task to see what the portal keeps "
                   "(writes to the portal; never by default)")
    p.add_argument("--probe-task-url", metavar="URL",
                   help="the GP task the probe schedules (default: the first GPService task in tasks.d)")
    add_reading(p)


def _add_status(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "status",
        help="how every managed task is doing, and whether it drifted",
        description="One line per managed task: its state, last run and its status, failures in a row, next fire "
        "time, runs left, and whether it drifted from tasks.d. Unhealthy tasks first: failing (even while "
        "active), stopped by the portal, or not run although due (never, or not since a fire time long past: "
        "the portal stopped firing it). Reads the portal; changes nothing.",
        epilog="examples:\n  reconciler status --emulator\n  reconciler status --format markdown >> $GITHUB_STEP_SUMMARY\n"
        "Exit: 0 all healthy and in sync, 1 error, 2 something unhealthy or drifted, 3 bug.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--format", choices=("text", "json", "markdown"), default="text", help="output format (default: text)")
    add_reading(p)


def _add_report(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "report",
        help="write one static HTML page: fire-time heatmaps, schedules, next fires, runs, health",
        description="What status reads, as one self-contained HTML file (no server, no script, no external "
        "asset; it opens offline): a 7 x 24 heatmap of fire times per GP service over the next 7 days, each "
        "managed task's schedule in words with its next fire times, recent runs and health. Secrets are masked. "
        "Reads the portal; writes only the file.",
        epilog="examples:\n  reconciler report --emulator --out report.html\n"
        "Exit: 0 written, 1 error (invalid task files, a portal error, the file cannot be written), 3 bug.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--out", metavar="FILE", required=True, help="the HTML file to write (replaced whole)")
    add_reading(p)


def _add_runs(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "runs",
        help="a task's recent runs and their GP jobs",
        description="A task's recent runs, newest first: status, start, end, duration, the GP job's status, the "
        "error messages of a failed run, and the result. NAME is a task's name in tasks.d, or a portal task's "
        "exact title or id.",
        epilog="examples:\n  reconciler runs nightly-parcel-buffer --limit 5\n"
        "Exit: 0 listed, 1 no such task (or several: give the id) or a portal error, 3 bug.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("name", metavar="NAME", help="task name (tasks.d), portal title, or task id")
    p.add_argument("-n", "--limit", type=_positive, default=10, metavar="N", help="runs to show (default: 10)")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    add_reading(p)


def build_parser() -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = _Parser(
        prog="reconciler",
        description=(
            "GitOps for scheduled geoprocessing tasks on ArcGIS Enterprise: declare tasks in "
            "tasks.d/*.yaml, validate them offline, and reconcile a portal with them."
        ),
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_validate(sub)
    _add_cron(sub)
    _add_emulator(sub)
    add_plan(sub)
    add_apply(sub)
    _add_show(sub)
    _add_status(sub)
    _add_report(sub)
    _add_runs(sub)
    _add_import(sub)
    _add_doctor(sub)
    add_tooling(sub)
    add_github(sub)
    return parser
