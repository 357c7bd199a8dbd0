"""The text histogram keeps its columns with long server URLs and shows no bidi controls."""

from __future__ import annotations

from reconciler.planning.plan import Load, LoadSeries
from reconciler.render import render
from reconciler.render.common import clean
from reconciler.render.load import URL_WIDTH
from tests.render.conftest import make_plan


def test_long_urls_are_cut_so_the_bars_stay_under_the_axis() -> None:
    long = "https://" + "g" * 80 + ".example.com/server"
    series = tuple(LoadSeries(url=u, tasks=1, fires=1, buckets=((4, 1),))
                   for u in (long, "https://a.example.com/server"))
    text = render(make_plan(load=Load(start="2026-11-30T22:00:00Z", days=7, bucket_minutes=15, cap=672, capped=(),
                                      servers=series, services=series)), "text")
    rows = [line for line in text.splitlines() if "peak" in line]
    assert len(rows) == 2 and {row.index("·") for row in rows} == {2 + URL_WIDTH + 2}
    assert ("g" * 40 + "…") in rows[1] or ("g" * 40 + "…") in rows[0]


def test_bidi_and_c1_controls_are_shown_escaped() -> None:
    assert clean("a\u202eb\u2066c\x9b") == "a\\u202eb\\u2066c\\u009b"
    assert clean("Zürich ü") == "Zürich ü"
