"""`reconciler show PLANFILE`: a saved plan in any view, without reading the portal (Terraform's
`show`), e.g. to review the exact plan an approval will apply."""

from __future__ import annotations

from reconciler.commands import Echo, planfile
from reconciler.instants import iso
from reconciler.render import render_doc
from reconciler.render.common import clean
from reconciler.render.validate import problem_line


def run(path: str, *, fmt: str, color: bool, echo: Echo, echo_err: Echo) -> int:
    """Prints what `plan --format FMT` printed: the task files' warnings (not in JSON, as plan),
    then the plan; where it came from on stderr.

    Raises: UsageError for a file that is not a readable plan of this version, or is damaged
    (planfile.read checks it whole, whatever the view).
    """
    saved = planfile.read(path)
    text = render_doc(saved.plan, fmt, color=color)
    echo_err(f"{clean(path)}: planned {iso(saved.created)} against {clean(saved.portal)} from {clean(saved.tasks_dir)} "
             f"(apply it with `reconciler apply {path}`; it is refused if anything changed since).")
    if fmt != "json" and saved.warnings:  # plan --format json prints no task-file warnings: stdout stays pure JSON
        echo("\n".join(problem_line({k: clean(v) if isinstance(v, str) else v for k, v in w.items()})
                        for w in saved.warnings))
    echo(text)
    return 0
