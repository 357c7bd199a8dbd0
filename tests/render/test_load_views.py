"""The coming day's load in the text and Markdown plan views (reconciler.render.load)."""

from __future__ import annotations

from reconciler.planning.plan import Load, LoadSeries
from reconciler.render import render
from reconciler.render.load import SHOWN, bars
from tests.render.conftest import make_plan


def loaded(*series: LoadSeries, start: str = "2026-11-30T22:00:00Z") -> Load:
    return Load(start=start, days=7, bucket_minutes=15, cap=672, capped=(), servers=series, services=series)


def test_bars_scale_to_the_busiest_hour_shown() -> None:
    assert bars([0, 1, 8, 4]) == "·▁█▄"
    assert bars([0, 1], top=8) == "·▁" and bars([8], top=8) == "█"


def test_hours_count_from_the_start_and_wrap_past_midnight() -> None:
    series = LoadSeries(url="https://a.example.com/server", tasks=2, fires=9, buckets=((0, 1), (5, 3), (4 * 30, 5)))
    text = render(make_plan(load=loaded(series)), "text")
    assert "                                22    04    10    16" in text  # 22:00, then every 6 hours
    assert "  https://a.example.com/server  ▃█····" in text  # 1 at 22:00, 3 at 23:15 (the top)
    assert "peak 3 at 23:00, 4 in 24 h, 9 in 7 days (2 tasks)" in text  # day 2's five are beyond 24 h


def test_no_load_no_section() -> None:
    for fmt in ("text", "markdown"):
        assert "Load over" not in render(make_plan(), fmt)
        assert "Load over" not in render(make_plan(load=loaded()), fmt)


def test_server_urls_are_escaped_and_cleaned_and_the_rows_are_capped() -> None:
    odd = LoadSeries(url="https://x.example.com/a|b<script>\x1b[2J", tasks=1, fires=1, buckets=((1, 1),))
    rest = tuple(LoadSeries(url=f"https://s{i}.example.com/server", tasks=1, fires=1, buckets=((1, 1),))
                 for i in range(SHOWN + 1))
    plan = make_plan(load=loaded(odd, *rest))
    markdown, text = render(plan, "markdown"), render(plan, "text")
    assert "<script>" not in markdown and "a&#124;b&#60;script&#62;" in markdown
    assert "\x1b" not in text and "a|b<script>\\u001b[2J" in text
    assert "…and 2 more servers (see --format json)" in text and "…and 2 more servers" in markdown
    assert "s9.example.com" not in text, "only the first SHOWN rows"
