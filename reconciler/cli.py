"""Command line: parse arguments, dispatch, and map failures to exit codes.

This is the only module that reads sys.argv, writes to the terminal and picks exit codes.
Commands receive plain values and an `echo` callable, and return an int.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import sys
import traceback
from collections.abc import Iterator, Sequence

from reconciler import __version__, planning_args
from reconciler.errors import ReconcilerError

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_BUG = 3
EXIT_INTERRUPTED = 130

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
  reconciler emulator --port 8765          run the local portal emulator

docs: README.md in the source distribution.
"""


def echo(text: str = "") -> None:
    print(text, flush=True)


def echo_err(text: str = "") -> None:
    print(text, file=sys.stderr, flush=True)


def _add_validate(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "validate",
        help="check task files offline",
        description=(
            "Check every task file in DIR (*.yaml, *.yml) without contacting a portal: YAML syntax, "
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
    p.add_argument("directory", nargs="?", default="tasks.d", help="folder of task files (default: tasks.d)")
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
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
    planning_args.add_plan(sub)
    planning_args.add_apply(sub)
    return parser


@contextlib.contextmanager
def error_handler() -> Iterator[list[int]]:
    """Turn exceptions into exit codes; the yielded list receives the code to return."""
    code: list[int] = []
    try:
        yield code
    except ReconcilerError as e:
        echo_err(f"error: {e}")
        code.append(EXIT_FAILURE)
    except KeyboardInterrupt:
        echo_err("Interrupted (^C)")
        code.append(EXIT_INTERRUPTED)
    except BrokenPipeError:
        # Output piped into `head` and closed early: not an error of ours.
        with contextlib.suppress(Exception):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        code.append(EXIT_OK)
    except Exception as e:  # noqa: BLE001 - the funnel for bugs
        echo_err(
            "An unexpected error has occurred: this is a bug in reconciler, please report it.\n"
            "Paste the text below into the issue:\n\n"
            f"### version information\n```\nreconciler {__version__}, Python {platform.python_version()}, "
            f"{platform.platform()}\n```\n"
            f"### error information\n```\n{''.join(traceback.format_exception(e)).rstrip()}\n```"
        )
        code.append(EXIT_BUG)


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "validate":
        from reconciler.commands import validate

        return validate.run(
            args.directory,
            fmt=args.format,
            variables=_variables(args.var),
            github_actions=os.environ.get("GITHUB_ACTIONS") == "true",
            echo=echo,
        )
    if args.command == "cron":
        from reconciler.commands import cron

        return cron.run(args.expression, count=args.count, after=args.after, tz=args.tz, fmt=args.format, echo=echo)
    if args.command == "emulator":
        from reconciler.commands import emulator

        return emulator.run(
            host=args.host,
            port=args.port,
            data=args.data,
            users=args.users,
            tls=args.tls,
            cert_out=args.cert_out,
            enable_control=args.enable_control,
            echo=echo,
        )
    if args.command in ("plan", "apply"):
        return _dispatch_planning(args)
    raise AssertionError(f"command {args.command!r} is not dispatched")


def _dispatch_planning(args: argparse.Namespace) -> int:
    from reconciler import embedded
    from reconciler.commands import plan
    from reconciler.connection import settings_from
    from reconciler.errors import UsageError
    from reconciler.planfile import SavedOptions

    if args.on_remove not in ("delete", "disable"):
        raise UsageError(f"RECONCILER_ON_REMOVE={args.on_remove!r}: expected delete or disable")
    connect: embedded.Connect
    if args.emulator and args.portal:
        raise UsageError("--emulator and --portal contradict each other: pick one")
    if args.emulator:
        connect = embedded.embedded
    else:
        settings = settings_from(args, os.environ)  # no portal: a ConfigError that says how to set one
        connect = lambda: embedded.remote(settings)  # noqa: E731
    request = plan.Request(
        tasks_dir=args.tasks, variables=_variables(args.var), mark=args.ownership_mark,
        options=SavedOptions(on_remove=args.on_remove, no_delete=args.no_delete, allow_empty=args.allow_empty,
                             allow_active_runs=args.allow_active_runs),
    )
    color = sys.stdout.isatty() and not args.no_color and not os.environ.get("NO_COLOR")
    if args.command == "plan":
        return plan.run(request, connect=connect, fmt=args.format, out=args.out,
                        detailed_exitcode=args.detailed_exitcode, color=color, echo=echo, echo_err=echo_err)
    from reconciler.commands import apply

    return apply.run(request, connect=connect, plan_file=args.plan_file, auto_approve=args.auto_approve,
                     confirm=_confirm if sys.stdin.isatty() else None, parallelism=args.parallelism,
                     fmt=args.format, color=color, echo=echo, echo_err=echo_err)


def _confirm(prompt: str) -> bool:
    print()
    try:
        return input(prompt).strip() == "yes"
    except EOFError:
        return False


def _variables(assignments: Sequence[str]) -> dict[str, str]:
    """The environment overlaid with --var NAME=VALUE."""
    from reconciler.errors import UsageError

    variables = dict(os.environ)
    for item in assignments:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise UsageError(f"--var {item!r}: expected NAME=VALUE")
        variables[name] = value
    return variables


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_FAILURE
    with error_handler() as code:
        return _dispatch(args)
    return code[0]


if __name__ == "__main__":
    raise SystemExit(main())
