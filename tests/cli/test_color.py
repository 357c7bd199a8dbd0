"""Issue 16, terminal: when the views are coloured."""

from __future__ import annotations

import pytest

from reconciler.cli import use_color


@pytest.mark.parametrize(("tty", "flag", "environ", "expected"), [
    (True, False, {}, True),
    (False, False, {}, False),
    (True, False, {"TERM": "dumb"}, False),
    (True, True, {}, False),
    (True, False, {"NO_COLOR": "1"}, False),
    (False, False, {"FORCE_COLOR": "1"}, True),
    (True, False, {"TERM": "dumb", "FORCE_COLOR": "1"}, True),
    (False, False, {"FORCE_COLOR": "0"}, False),
    (True, False, {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),
    (True, True, {"FORCE_COLOR": "1"}, False),
])
def test_colour_follows_the_terminal_no_color_and_force_color(tty: bool, flag: bool, environ: dict[str, str],
                                                              expected: bool) -> None:
    assert use_color(tty=tty, no_color=flag, environ=environ) is expected
