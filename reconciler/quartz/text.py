"""Text out of parsed Quartz fields: canonical spelling, English description, Unix conversion.

Private helper of reconciler.quartz. Everything here is derived from the value sets, never
from the user's spelling, so equal canonical text means equal fire times.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import pairwise

from cron_descriptor import ExpressionDescriptor, Options  # type: ignore[import-untyped]

from reconciler.errors import CronError
from reconciler.quartz.fields import (
    DAY_NAMES,
    DAY_OF_MONTH,
    DAY_OF_WEEK,
    FIRST_YEAR,
    HOUR,
    MINUTE,
    MONTH,
    SECOND,
    DomSpec,
    DowSpec,
    FieldSpec,
    ParsedFields,
    YearItem,
    parse_values,
)


def render_values(values: Iterable[int], spec: FieldSpec, *, steps: bool = True) -> str:
    """`*`, `a/n` or a sorted list with runs of three or more as `a-b`."""
    ordered = sorted(set(values))
    if ordered == list(range(spec.lo, spec.hi + 1)):
        return "*"
    if steps and (step := _progression_step(ordered, spec.hi)):
        return f"{'*' if ordered[0] == spec.lo else ordered[0]}/{step}"
    return ",".join(_runs(ordered))


def day_names(days: Iterable[int]) -> str:
    """Quartz day-of-week numbers as names, runs as ranges: {2, 3, 4, 5, 6} is MON-FRI."""
    names = {number: name for name, number in DAY_NAMES.items()}
    return re.sub(r"\d", lambda m: names[int(m.group(0))], render_values(days, DAY_OF_WEEK, steps=False))


def _progression_step(ordered: list[int], hi: int) -> int | None:
    if len(ordered) < 3:  # {10, 44} reads better as "10,44" than as "10/34"
        return None
    step = ordered[1] - ordered[0]
    diffs = {b - a for a, b in pairwise(ordered)}
    return step if step > 1 and diffs == {step} and ordered[-1] + step > hi else None


def _runs(ordered: list[int]) -> list[str]:
    out: list[str] = []
    start = 0
    for i in range(1, len(ordered) + 1):
        if i == len(ordered) or ordered[i] != ordered[i - 1] + 1:
            run = ordered[start:i]
            out.extend([f"{run[0]}-{run[-1]}"] if len(run) >= 3 else [str(v) for v in run])
            start = i
    return out


def canonical(p: ParsedFields) -> str:
    fields = [render_values(p.seconds, SECOND), render_values(p.minutes, MINUTE), render_values(p.hours, HOUR)]
    dom, dow = _canonical_days(p.dom, p.dow)
    fields += [dom, render_values(p.months, MONTH), dow]
    year = canonical_years(p.years)
    return " ".join(fields if year is None else [*fields, year])


def _canonical_days(dom: DomSpec | None, dow: DowSpec | None) -> tuple[str, str]:
    """Every-day spellings (`* ?`, `? *`, `1-31 ?`, `? 1-7`) all become `* ?`."""
    if dom is not None:
        if dom.days == frozenset(range(1, 32)):
            return "*", "?"
        return _dom_text(dom), "?"
    assert dow is not None
    if dow.nth is not None:
        return "?", f"{dow.nth[0]}#{dow.nth[1]}"
    if dow.last_of is not None:
        return "?", f"{dow.last_of}L"
    text = render_values(dow.days, DAY_OF_WEEK)
    return ("*", "?") if text == "*" else ("?", text)


def _dom_text(dom: DomSpec) -> str:
    parts = [render_values(dom.days, DAY_OF_MONTH)] if dom.days else []
    parts += ["L" if n == 0 else f"L-{n}" for n in sorted(dom.last_offsets)]
    parts += ["LW" if n == 0 else f"L-{n}W" for n in sorted(dom.last_weekday_offsets)]
    parts += [f"{n}W" for n in sorted(dom.nearest_weekdays)]
    return ",".join(parts)


def canonical_years(items: tuple[YearItem, ...]) -> str | None:
    """None when every year is selected (absent and `*` are the same schedule)."""
    if not items or any(item.start == FIRST_YEAR and item.stop is None and item.step == 1 for item in items):
        return None
    finite = {y for item in items if item.stop is not None for y in range(item.start, item.stop + 1, item.step)}
    parts = [",".join(_runs(sorted(finite)))] if finite else []
    parts += sorted({f"{'*' if i.start == FIRST_YEAR else i.start}/{i.step}" for i in items if i.stop is None})
    return ",".join(parts)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _from_last(n: int) -> str:
    return "the last day" if n == 0 else f"the {_ordinal(n + 1)}-to-last day"


def _dom_phrase(dom: DomSpec) -> str:
    """Own wording: cron-descriptor drops the W of L-nW, drops list items after nW, says "day L"."""
    ordered = sorted(dom.days)
    phrases = [f"days {r.replace('-', ' through ')}" if "-" in r else f"day {r}" for r in _runs(ordered)]
    phrases += [_from_last(n) for n in sorted(dom.last_offsets)]
    phrases += [
        "the last weekday" if n == 0 else f"the weekday nearest {_from_last(n)}" for n in sorted(dom.last_weekday_offsets)
    ]
    phrases += [f"the weekday nearest day {n}" for n in sorted(dom.nearest_weekdays)]
    joined = phrases[0] if len(phrases) == 1 else ", ".join(phrases[:-1]) + " and " + phrases[-1]
    return f", on {joined} of the month"


def _years_phrase(items: tuple[YearItem, ...]) -> str | None:
    """Own wording for open-ended year steps (cron-descriptor would say "through 9999")."""
    open_items = [i for i in items if i.stop is None]
    if not open_items or canonical_years(items) is None:
        return None
    finite = canonical_years(tuple(i for i in items if i.stop is not None))
    words = [f"every {i.step} years from {i.start}" if i.step > 1 else f"from {i.start}" for i in open_items]
    if finite is not None:
        words.insert(0, "in " + finite.replace(",", ", "))
    return ", " + " and ".join(words)


def _descriptor_text(p: ParsedFields, dom_own: bool) -> str:
    dom = "?" if p.dom is None else "*" if dom_own else render_values(p.dom.days, DAY_OF_MONTH, steps=False)
    if p.dow is None:
        dow = "?"
    elif p.dow.nth is not None or p.dow.last_of is not None:
        dow = _canonical_days(None, p.dow)[1]
    else:
        dow = render_values(p.dow.days, DAY_OF_WEEK, steps=False)
    hours = render_values(p.hours, HOUR)
    if "," in hours and "-" in hours:  # cron-descriptor reads "0 0 0-2,22" as "00:00 through 02:59, 22:00"
        hours = ",".join(str(h) for h in sorted(p.hours))
    fields = [render_values(p.seconds, SECOND), render_values(p.minutes, MINUTE), hours]
    fields += [dom, render_values(p.months, MONTH, steps=False), dow]
    year = canonical_years(tuple(i for i in p.years if i.stop is not None)) if _years_phrase(p.years) is None else None
    return " ".join(fields if year is None else [*fields, year])


def describe(p: ParsedFields) -> str:
    """cron-descriptor for what it gets right (docs/quartz.md §5), own wording for the rest."""
    dom_own = p.dom is not None and not p.dom.is_plain
    options = Options()
    options.day_of_week_start_index_zero = False
    options.use_24hour_time_format = True
    options.locale_code = "en_US"
    ed = ExpressionDescriptor(_descriptor_text(p, dom_own), options)
    dom_text = _dom_phrase(p.dom) if dom_own and p.dom is not None else ed.get_day_of_month_description()
    years = _years_phrase(p.years) or ed.get_year_description()
    text = (
        f"{ed.get_time_of_day_description()}{dom_text}{ed.get_day_of_week_description()}"
        f"{ed.get_month_description()}{years}"
    )
    text = ed.transform_verbosity(text, use_verbose_format=False)
    return str(ExpressionDescriptor.transform_case(text, options.casing_type))


UNIX_MACROS = {
    "@YEARLY": "0 0 1 1 *",
    "@ANNUALLY": "0 0 1 1 *",
    "@MONTHLY": "0 0 1 * *",
    "@WEEKLY": "0 0 * * 0",
    "@DAILY": "0 0 * * *",
    "@MIDNIGHT": "0 0 * * *",
    "@HOURLY": "0 * * * *",
}
UNIX_DAY_OF_WEEK = FieldSpec("day_of_week", "day-of-week", 0, 7, {k: v - 1 for k, v in DAY_NAMES.items()}, 7, "0-7 or SUN-SAT")


def unix_to_quartz_text(text: str) -> str | None:
    """Vixie cron: the day fields OR unless one starts with `*`, then AND; Quartz can do only one side."""
    fields = UNIX_MACROS.get(text.strip().upper(), text).upper().split()
    if len(fields) != 5:
        return None
    minute, hour, dom_text, month, dow_text = fields
    try:
        dom = parse_values(DAY_OF_MONTH, dom_text)
        dow = {d % 7 + 1 for d in parse_values(UNIX_DAY_OF_WEEK, dow_text)}
    except CronError:
        return None
    dom_all, dow_all = dom == frozenset(range(1, 32)), dow == set(range(1, 8))
    star = dom_text.startswith("*") or dow_text.startswith("*")
    if dom_all and dow_all or (not star and (dom_all or dow_all)):
        days = ("*", "?")
    elif dow_all:
        days = (dom_text, "?")
    elif dom_all:
        days = ("?", day_names(dow))  # names: Quartz and Unix number the days differently
    else:
        return None
    return f"0 {minute} {hour} {days[0]} {month} {days[1]}"
