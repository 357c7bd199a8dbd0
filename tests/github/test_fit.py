"""fit.cut: Markdown cut to a limit at a section boundary, every <details> and fence closed, the
note last and outside every block; on the whole Markdown of a real 400-task plan and on the
awkward cases (one huge fence, nested blocks, a fence inside <details>)."""

from __future__ import annotations

import pytest

from reconciler.github.fit import Blocks, blocks_after, cut
from tests.github.conftest import many_tasks

NOTE = "> [!NOTE]\n> Cut: the rest is in the artifact.\n"


@pytest.fixture(scope="module")
def whole(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The whole Markdown (no limit) of `reconciler plan` for 400 new tasks on the embedded emulator."""
    import json
    import os

    from reconciler import cli
    from reconciler.render.plan_markdown import render_dict

    folder = tmp_path_factory.mktemp("plan400")
    many_tasks(folder, 400)
    out = folder / "plan.json"
    with pytest.MonkeyPatch.context() as patch:  # module-scoped: the per-test clean environment is not set up yet
        for name in [n for n in os.environ if n.startswith(("RECONCILER_", "GP_"))]:
            patch.delenv(name)
        patch.chdir(folder)
        assert cli.main(["plan", "--emulator", "--tasks", str(folder), "--format", "json", "--out", str(out)]) == 0
    return render_dict(json.loads(out.read_text())["plan"], limit=None)


@pytest.mark.parametrize("limit", [65_536, 40_000, 7_777, 1_500])
def test_a_long_plan_is_cut_at_a_section_boundary(whole: str, limit: int) -> None:
    assert len(whole) > 150_000 and whole.count("<details>") == 400
    text, was_cut = cut(whole, limit, NOTE)
    assert was_cut and len(text) <= limit and text.endswith("\n\n" + NOTE)
    kept = text[: -len(NOTE)]
    assert whole.startswith(kept.rstrip("\n")) and blocks_after(kept).closed
    assert kept.count("<details>") == kept.count("</details>") and kept.count("```") % 2 == 0
    assert len(text) > limit - 4_000  # no more than one section's worth is lost


def test_what_fits_is_left_as_it_is(whole: str) -> None:
    assert cut(whole, len(whole), NOTE) == (whole, False)


def test_one_huge_fence_is_closed_where_it_is_cut() -> None:
    text = "Head\n\n<details><summary>log</summary>\n\n~~~~text\n" + "a line of the log\n" * 1_000 + "~~~~\n</details>\n"
    fitted, was_cut = cut(text, 2_000, NOTE)
    assert was_cut and len(fitted) <= 2_000 and fitted.endswith(NOTE)
    assert blocks_after(fitted).closed and fitted.count("~~~~") == 2 and "</details>" in fitted


def test_a_fence_line_inside_a_fence_does_not_close_it() -> None:
    state = Blocks()
    for line in ["````diff", "```", "<details>", "````"]:
        state = state.after(line)
    assert state.closed
    assert blocks_after("<details>\n\n```diff\n+ x\n") == Blocks(1, "```")
    assert blocks_after("<details>\n<details>\n</details>\n").details == 1
