"""Cut Markdown to a size limit without breaking it: GitHub refuses a comment or an issue body
over 65,536 characters, and a cut in the middle of a <details> block or a code fence leaves the
rest of the page (and the note saying it was cut) hidden inside it.

The cut falls at a top-level section boundary (a blank line outside every <details> and fence);
only when that would lose more than half of the room (one huge block, such as a long log) at a
line inside the block, with each open fence and <details> closed. The note goes after it, outside every block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

GITHUB_LIMIT = 65_536  # characters in a comment, an issue body or a pull request body
SUMMARY_BYTES = 1_048_576  # a step's job summary may hold 1 MiB (bytes of UTF-8, not characters)
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_OPEN = re.compile(r"<details[\s>]", re.I)
_CLOSE = re.compile(r"</details\s*>", re.I)


@dataclass(frozen=True)
class Blocks:
    """What is open after some Markdown: the <details> depth and the fence (its marker) if any."""

    details: int = 0
    fence: str | None = None

    @property
    def closed(self) -> bool:
        return self.details == 0 and self.fence is None

    def closers(self) -> str:
        fence = f"{self.fence}\n" if self.fence else ""
        return fence + "\n</details>\n" * self.details

    def after(self, line: str) -> Blocks:
        """The state after one more line (a fence closes on a line of its own marker, as long or longer)."""
        found = _FENCE.match(line)
        if self.fence is not None:
            closing = found and found.group(1)[0] == self.fence[0] and len(found.group(1)) >= len(self.fence) \
                and not line.strip().strip(self.fence[0])
            return Blocks(self.details) if closing else self
        if found:
            return Blocks(self.details, found.group(1))
        depth = max(0, self.details + len(_OPEN.findall(line)) - len(_CLOSE.findall(line)))
        return Blocks(depth)


def blocks_after(text: str) -> Blocks:
    state = Blocks()
    for line in text.splitlines():
        state = state.after(line)
    return state


def cut(text: str, limit: int, note: str) -> tuple[str, bool]:
    """`text` if it fits in `limit`, else a cut of it ending with `note`; and whether it was cut."""
    if len(text) <= limit:
        return text, False
    room = limit - len(note) - 2
    clean = rough = ""
    pos, state = 0, Blocks()
    previous_blank = True
    for line in text.splitlines(keepends=True):
        state = state.after(line)
        pos += len(line)
        blank = not line.strip()
        if state.closed and blank and not previous_blank and pos <= room:
            clean = text[:pos]
        if pos + len(state.closers()) <= room:
            rough = text[:pos] + state.closers()
        previous_blank = blank
        if pos > room:
            break
    kept = clean if len(clean) >= room // 2 else rough or clean  # one huge block: cut inside it, closed
    return (kept.rstrip("\n") + "\n\n" if kept else "") + note, True


def cut_bytes(text: str, limit: int, note: str) -> tuple[str, bool]:
    """`cut` to `limit` bytes of UTF-8: characters outside ASCII take two to four."""
    room = limit - 1_024  # headroom for the closing tags and the note's own bytes
    while True:
        fitted, was_cut = cut(text, room, note)
        size = len(fitted.encode("utf-8"))
        if size <= limit or room <= 1_024:
            return fitted, was_cut
        room = room * limit // size - 1_024  # shrink by what was over, and a little more
