"""Command line: parse arguments, dispatch, and map failures to exit codes.

This is the only module that reads sys.argv, writes to the terminal and picks exit codes.
Commands receive plain values and an `echo` callable, and return an int.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import platform
import sys
from collections.abc import Iterator, Mapping, Sequence

from reconciler import __version__
from reconciler.cli.parser import build_parser
from reconciler.errors import ReconcilerError
from reconciler.masking import is_credential_key, mask_credentials

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_BUG = 3
EXIT_INTERRUPTED = 130


def echo(text: str = "") -> None:
    try:
        print(text, flush=True)
    except BrokenPipeError:
        raise
    except OSError as e:  # a full disk, a device that takes nothing (> /dev/full)
        with contextlib.suppress(Exception):
            sys.stdout = open(os.devnull, "w")  # nor at exit, when Python flushes it again
        raise ReconcilerError(f"cannot write the output: {e.strerror or type(e).__name__}") from None


def echo_err(text: str = "") -> None:
    print(text, file=sys.stderr, flush=True)


@contextlib.contextmanager
def error_handler() -> Iterator[list[int]]:
    """Turn exceptions into exit codes; the yielded list receives the code to return."""
    code: list[int] = []
    try:
        yield code
    except ReconcilerError as e:
        echo_err(_masked(f"error: {e}"))
        code.append(EXIT_FAILURE)
    except KeyboardInterrupt:
        echo_err("Interrupted (^C)")
        code.append(EXIT_INTERRUPTED)
    except BrokenPipeError:
        # Output piped into `head` and closed early: not an error of ours.
        with contextlib.suppress(Exception):
            sys.stdout = open(os.devnull, "w")
        code.append(EXIT_OK)
    except Exception as e:
        import platform
        import traceback

        echo_err(
            "An unexpected error has occurred: this is a bug in reconciler, please report it.\n"
            "Paste the text below into the issue:\n\n"
            f"### version information\n```\nreconciler {__version__}, Python {platform.python_version()}, "
            f"{platform.platform()}\n```\n"
            f"### error information\n```\n{_masked(''.join(traceback.format_exception(e)).rstrip())}\n```"
        )
        code.append(EXIT_BUG)


def _masked(text: str) -> str:
    """Text for the terminal with the credentials of the environment masked wherever they occur
    (a traceback may quote a local variable): RECONCILER_PASSWORD, RECONCILER_TOKEN, and every
    variable whose name says it holds one (e.g. GP_API_KEY)."""
    names = {"RECONCILER_PASSWORD", "RECONCILER_TOKEN"} | {n for n in os.environ if is_credential_key(n)}
    return mask_credentials(text, sorted((os.environ[n] for n in names if len(os.environ.get(n, "")) >= 4),
                                         key=len, reverse=True))


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "validate":
        from pathlib import Path

        from reconciler.cli import resolve
        from reconciler.commands import validate
        from reconciler.model import Problem
        from reconciler.planning.ownership import mark_for
        from reconciler.taskfiles import loader
        from reconciler.taskfiles.project import ProjectFileError

        broken: tuple[Problem, ...] = ()
        try:
            found = resolve.project(args, os.environ, Path.cwd())
        except ProjectFileError as e:  # reported like a task file's problems, in the format asked for
            found, broken = None, tuple(e.problems)
        return validate.run(
            args.paths or [found.tasks_dir if found else "tasks.d"], project_problems=broken,
            task_folder=found.tasks_dir if found else "tasks.d",
            fmt=args.format,
            variables={**os.environ, **(found.variables if found else {}), **_assignments(args.var)},
            assigned=tuple(_assignments(args.var)),
            mark=mark_for(found.project) if found else None,
            zones=found.zones if found else loader.UTC_SCHEDULES,
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
            limit=tuple(args.limit),
            enterprise_version=args.enterprise_version,
            echo=echo,
        )
    if args.command == "show":
        from reconciler.commands import show

        color = use_color(tty=sys.stdout.isatty(), no_color=args.no_color, environ=os.environ)
        return show.run(args.plan_file, fmt=args.format, color=color, echo=echo, echo_err=echo_err)
    if args.command in ("plan", "apply"):
        return _dispatch_planning(args)
    if args.command == "schema":
        from reconciler.cli.tooling import SCHEMAS
        from reconciler.taskfiles.schema import schema_text

        echo(schema_text(SCHEMAS[args.which]).rstrip("\n"))
        return EXIT_OK
    if args.command == "completion":
        from reconciler.cli.completion import script

        echo(script(build_parser(), args.shell))
        return EXIT_OK
    if args.command in ("status", "report", "runs", "import", "doctor"):
        return _dispatch_reading(args)
    if args.command == "github":
        from reconciler.cli import github

        return github.dispatch(args, echo)
    raise AssertionError(f"command {args.command!r} is not dispatched")


def _dispatch_planning(args: argparse.Namespace) -> int:
    from pathlib import Path

    from reconciler.cli import resolve
    from reconciler.commands import plan

    asked = resolve.planning(args, os.environ, variables=_assignments(args.var), cwd=Path.cwd())
    resolve.task_folder(args, asked.request.tasks_dir)
    color = use_color(tty=sys.stdout.isatty(), no_color=args.no_color, environ=os.environ)
    if args.command == "plan":
        return plan.run(asked.request, connect=asked.connect, fmt=args.format, out=args.out,
                        detailed_exitcode=args.detailed_exitcode, color=color, echo=echo, echo_err=echo_err)
    from reconciler.commands import apply

    return apply.run(asked.request, connect=asked.connect, plan_file=args.plan_file, auto_approve=args.auto_approve,
                     confirm=_confirm if sys.stdin.isatty() else None, parallelism=args.parallelism,
                     fmt=args.format, color=color, echo=echo, echo_err=echo_err,
                     lock_timeout=None if args.no_lock else args.lock_timeout)


def _dispatch_reading(args: argparse.Namespace) -> int:
    from pathlib import Path

    from reconciler.cli import resolve

    asked = resolve.planning(args, os.environ, variables=_assignments(args.var), cwd=Path.cwd())
    resolve.task_folder(args, asked.request.tasks_dir)
    if args.command == "status":
        from reconciler.commands import status

        return status.run(asked.request, connect=asked.connect, fmt=args.format, echo=echo, echo_err=echo_err)
    if args.command == "report":
        from reconciler.commands import report

        return report.run(asked.request, connect=asked.connect, out=args.out, echo=echo, echo_err=echo_err)
    if args.command == "doctor":
        from reconciler.commands import doctor

        return doctor.run(asked.request, connect=asked.connect, fmt=args.format, write_probe=args.write_probe,
                          probe_task_url=args.probe_task_url, echo=echo, echo_err=echo_err)
    if args.command == "import":
        from reconciler.commands import imports

        selection = imports.Selection(names=tuple(args.names), match=args.match, all_owners=args.all_owners,
                                      out=args.out, force=args.force)
        return imports.run(asked.request, selection, connect=asked.connect, echo=echo, echo_err=echo_err)
    from reconciler.commands import runs

    return runs.run(asked.request, args.name, limit=args.limit, connect=asked.connect, fmt=args.format, echo=echo,
                    echo_err=echo_err)


def _confirm(prompt: str) -> bool:
    print()
    try:
        return input(prompt).strip() == "yes"
    except EOFError:
        return False


def _variables(assignments: Sequence[str]) -> dict[str, str]:
    """The environment overlaid with --var NAME=VALUE."""
    return {**os.environ, **_assignments(assignments)}


def _assignments(assignments: Sequence[str]) -> dict[str, str]:
    """--var NAME=VALUE, as a mapping."""
    from reconciler.errors import UsageError
    from reconciler.taskfiles.variables import name_problem

    variables: dict[str, str] = {}
    for item in assignments:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise UsageError(f"--var {item!r}: expected NAME=VALUE")
        if problem := name_problem(name):
            raise UsageError(f"--var {name}=...: {problem}")
        variables[name] = value
    return variables


def console() -> int:
    """The command's entry point (console script, `python -m reconciler`): main() with the cyclic
    garbage collector run less often. A plan of 10,000 tasks keeps about a million objects alive
    until it ends, and the collector walked them again and again: at the default threshold (700) it
    took about 15% of a plan's CPU (benchmarks/bench.py). mypy does the same
    (https://github.com/python/mypy, mypy/build.py). Not in main(): tests call that in-process."""
    tune_gc()
    return main()


def tune_gc() -> None:
    if platform.python_implementation() == "CPython":
        gc.set_threshold(100_000, 50, 100)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as done:  # --help, --version (0) and usage errors (1) end here
        return done.code if isinstance(done.code, int) else EXIT_FAILURE
    if args.command is None:
        parser.print_help()
        return EXIT_FAILURE
    _log_requests(verbose=bool(getattr(args, "verbose", False)))
    with error_handler() as code:
        return _dispatch(args)
    return code[0]


def use_color(*, tty: bool, no_color: bool, environ: Mapping[str, str]) -> bool:
    """Colour on a terminal that has it: --no-color and NO_COLOR turn it off, FORCE_COLOR on (in
    CI logs too), and TERM=dumb has none (https://no-color.org, https://force-color.org)."""
    if no_color or environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR", "") not in ("", "0", "false"):
        return True
    return tty and environ.get("TERM") != "dumb"


def _log_requests(*, verbose: bool) -> None:
    """The portal client's warnings (a long wait before a retry, --insecure, a token beside a
    password) on stderr; with -v also its line per request (method, path, status, duration,
    retries). Installed once; it writes to whatever sys.stderr is when a line is logged."""
    import logging  # here, not at start-up: `--version` and `--help` need none of it

    class Stderr(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            echo_err(record.getMessage())

    logger = logging.getLogger("reconciler.portal")
    handler = next((h for h in logger.handlers if type(h).__qualname__.endswith("Stderr")
                    and type(h).__module__ == __name__), None)
    if handler is None:
        handler = Stderr()
        logger.addHandler(handler)
    handler.setLevel(logging.INFO if verbose else logging.WARNING)  # the handler's: the logger's is left as it is
    if verbose:
        logger.setLevel(logging.INFO)

if __name__ == "__main__":
    raise SystemExit(main())
