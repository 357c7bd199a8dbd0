"""`reconciler show PLANFILE`: a saved plan in any view, without reading the portal (Terraform's
`show`), e.g. to review the exact plan an approval will apply."""

from __future__ import annotations

from reconciler.commands import Echo, planfile
from reconciler.errors import UsageError
from reconciler.instants import iso
from reconciler.render import render_doc


def run(path: str, *, fmt: str, color: bool, echo: Echo, echo_err: Echo) -> int:
    """Prints the plan exactly as `plan --format FMT` printed it; where it came from on stderr.

    Raises: UsageError for a file that is not a readable plan of this version.
    """
    saved = planfile.read(path)
    try:
        text = render_doc(saved.plan, fmt, color=color)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as e:
        raise UsageError(f"{path}: damaged plan file ({e!r}); run plan again") from None
    echo_err(f"{path}: planned {iso(saved.created)} against {saved.portal} from {saved.tasks_dir} "
             f"(apply it with `reconciler apply {path}`; it is refused if anything changed since).")
    echo(text)
    return 0
