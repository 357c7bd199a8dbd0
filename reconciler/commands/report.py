"""`reconciler report --out report.html`: what status reads, as one static HTML page (a heatmap of
fire times per GP service, each task's schedule in words, next fire times, recent runs and
health). Read-only on the portal; writes the one file. Exit 0 written, 1 an error (invalid task
files, a portal error, a file that cannot be written)."""

from __future__ import annotations

import os
import tempfile
from datetime import datetime
from pathlib import Path

from reconciler.commands import Echo
from reconciler.commands.plan import Request
from reconciler.commands.status import connect_and_read
from reconciler.connection import Connect
from reconciler.errors import UsageError
from reconciler.masking import mask_output
from reconciler.model import LoadResult
from reconciler.planning import load
from reconciler.render import report as report_data
from reconciler.render import report_html
from reconciler.render import validate as validate_views


def run(request: Request, *, connect: Connect, out: str, echo: Echo, echo_err: Echo,
        now: datetime | None = None) -> int:
    target = Path(out)
    if out.endswith(("/", os.sep)):
        raise UsageError(f"--out {out} ends in a slash, as a folder does: name the HTML file to write, e.g. "
                         "--out report.html")
    if target.is_dir():
        raise UsageError(f"--out {out} is a folder: name the HTML file to write, e.g. --out report.html")
    reading, now = connect_and_read(request, connect, now=now, echo_err=echo_err)
    if isinstance(reading, LoadResult):
        echo(validate_views.report(reading, "text"))
        return 1
    fired, _ = load.assess(reading.running, now)
    secrets = reading.loaded.secret_values
    doc = report_data.to_dict(reading.doc, reading.state.tasks, reading.names, reading.runs, fired,
                              reading.loaded.specs, now=now, secrets=secrets, credentials=reading.secrets,
                              zone=request.zones.scheduler)
    page = mask_output(report_html.render(doc), secret_values=secrets, credentials=reading.secrets)
    _write(target, page)
    summary = doc["summary"]
    echo_err(f"Wrote {out}: {summary['tasks']} tasks, {summary['unhealthy']} unhealthy, {summary['drifted']} drifted.")
    return 1 if reading.plan.errors else 0


def _write(target: Path, page: str) -> None:
    """All or nothing: a temporary file beside the target, renamed over it. An existing file keeps
    its mode (a 0600 one stays private), a new one gets what the umask allows; a symbolic link is
    written through (the file it names is replaced, the link stays) [I]."""
    if target.is_symlink():
        target = Path(os.path.realpath(target))
    try:
        mode = target.stat().st_mode & 0o7777
    except OSError:
        mode = 0o666 & ~_umask()
    try:
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as e:
        raise UsageError(f"cannot write {target}: {e.strerror or e}") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(page)
        os.chmod(temporary, mode)  # mkstemp makes it 0600
        os.replace(temporary, target)
    except OSError as e:
        Path(temporary).unlink(missing_ok=True)
        raise UsageError(f"cannot write {target}: {e.strerror or e}") from None


def _umask() -> int:
    """The process's umask (reading it means setting it; set back at once)."""
    current = os.umask(0o022)
    os.umask(current)
    return current
