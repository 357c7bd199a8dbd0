"""One module per command; each takes plain values and an `Echo`, and returns an exit code.
`plan.py` also holds the steps plan and apply share, `planfile.py` the saved plans."""

from __future__ import annotations

from collections.abc import Callable

Echo = Callable[[str], None]  # how a command writes a line (reconciler.cli passes print)
