"""Our engine against real Quartz 2.3.2 (Debian's libquartz2-java) across DST transitions.

A tiny Java program (compiled into tmp_path) reads `expression TAB zone TAB start-ms TAB count`
lines and prints Quartz's `getNextValidTimeAfter` chain; every case runs in ONE JVM. Zones:
north (Europe/Berlin, America/New_York), south (Australia/Sydney), a 30-minute offset with DST
(Australia/Adelaide) and one without (Asia/Kolkata). Starts: a day before each transition,
half an hour before and half an hour after it (inside the repeated hour on a fall-back day).
Skipped when java, javac or the jar is missing.
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from reconciler.quartz import next_fire_times, parse
from reconciler.quartz.zones import compile_at

QUARTZ_JAR = Path("/usr/share/java/quartz2.jar")
ZONES = ("Europe/Berlin", "America/New_York", "Australia/Sydney", "Australia/Adelaide", "Asia/Kolkata")
EXPRESSIONS = (
    "0 30 2 * * ?",  # in the spring gap of Berlin, New York, Sydney, Adelaide
    "0 30 1 * * ?",  # repeated in New York
    "0 30 2 ? * SUN",  # repeated in Berlin and Sydney/Adelaide (their fall-back is 03:00 -> 02:00)
    "0 0 * * * ?",  # hourly: the daylight copy of the repeated hour is skipped
    "0 15,45 * * * ?",
    "0 0/30 1-3 * * ?",
    "0 0 3 * * ?",
    "0 45 2 L * ?",
    "0 0 0 ? * MON-FRI",
    "0 5 2,14 1,15 * ?",
)
COUNT = 6
# Local schedules compiled to UTC (quartz.zones): real Quartz must fire the compiled one in UTC
# exactly when it fires the local one in its zone, between transitions.
COMPILED = (
    ("0 30 2 * * ?", "Europe/Berlin"),
    ("0 30 0 ? * MON-FRI", "Europe/Berlin"),
    ("0 0 20 ? * MON,THU", "America/New_York"),
    ("0 15 9 10,20 * ?", "Australia/Sydney"),
    ("0 0 2 * * ?", "Australia/Adelaide"),
    ("0 0 6,7 ? * SUN", "Asia/Kolkata"),
)
COMPILED_AT = (datetime(2026, 1, 20, tzinfo=timezone.utc), datetime(2026, 7, 20, tzinfo=timezone.utc))
COMPILED_COUNT = 40

_JAVA = """
import java.io.*;
import java.util.*;
import org.quartz.CronExpression;

public class Fires {
    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        String line;
        while ((line = in.readLine()) != null) {
            String[] f = line.split("\\t");
            CronExpression e = new CronExpression(f[0]);
            e.setTimeZone(TimeZone.getTimeZone(f[1]));
            Date t = new Date(Long.parseLong(f[2]));
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < Integer.parseInt(f[3]); i++) {
                t = e.getNextValidTimeAfter(t);
                if (t == null) break;
                if (i > 0) out.append(' ');
                out.append(t.getTime());
            }
            System.out.println(out);
        }
    }
}
"""


def transitions(zone: ZoneInfo, year: int) -> list[datetime]:
    """The instants (UTC, to the minute) where the zone's offset changes in `year`."""
    found = []
    t = datetime(year, 1, 1, tzinfo=timezone.utc)
    step = timedelta(hours=1)
    while t.year == year:
        if t.astimezone(zone).utcoffset() != (t + step).astimezone(zone).utcoffset():
            lo, hi = t, t + step
            while hi - lo > timedelta(minutes=1):
                mid = lo + (hi - lo) / 2
                lo, hi = (mid, hi) if mid.astimezone(zone).utcoffset() == lo.astimezone(zone).utcoffset() else (lo, mid)
            found.append(hi.replace(second=0, microsecond=0))
        t += step
    return found


def cases() -> list[tuple[str, str, datetime, int]]:
    found = []
    for name in ZONES:
        zone = ZoneInfo(name)
        starts = [datetime(2026, 6, 30, 12, tzinfo=timezone.utc)]  # Kolkata has no transition
        for t in transitions(zone, 2026):
            starts += [t - timedelta(days=1), t - timedelta(minutes=30), t + timedelta(minutes=30)]
        found += [(expr, name, start, COUNT) for expr in EXPRESSIONS for start in starts]
    for expr, name in COMPILED:
        for at in COMPILED_AT:
            compiled = str(compile_at(parse(expr), ZoneInfo(name), ZoneInfo("UTC"), at).expression)
            found += [(expr, name, at, COMPILED_COUNT), (compiled, "UTC", at, COMPILED_COUNT)]
    return found


Fires = dict[tuple[str, str, datetime, int], list[int]]


@pytest.fixture(scope="module")
def quartz_fires(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str, datetime, int], list[int]]:
    if not (shutil.which("java") and shutil.which("javac") and QUARTZ_JAR.is_file()):
        pytest.skip("needs java, javac and /usr/share/java/quartz2.jar (Debian libquartz2-java)")
    folder = tmp_path_factory.mktemp("quartz")
    (folder / "Fires.java").write_text(_JAVA)
    subprocess.run(["javac", "-cp", str(QUARTZ_JAR), "Fires.java"], cwd=folder, check=True, timeout=120)
    all_cases = cases()
    lines = "".join(f"{e}\t{z}\t{int(s.timestamp() * 1000)}\t{n}\n" for e, z, s, n in all_cases)
    done = subprocess.run(["java", "-cp", f"{QUARTZ_JAR}:.", "Fires"], cwd=folder, input=lines, text=True,
                          capture_output=True, check=True, timeout=120)
    answers = done.stdout.splitlines()
    assert len(answers) == len(all_cases)
    return {case: [int(v) for v in answer.split()] for case, answer in zip(all_cases, answers, strict=True)}


def test_the_cases_cross_transitions_in_every_dst_zone() -> None:
    assert {len(transitions(ZoneInfo(z), 2026)) for z in ZONES if z != "Asia/Kolkata"} == {2}
    assert transitions(ZoneInfo("Asia/Kolkata"), 2026) == []


@pytest.mark.parametrize("zone", ZONES)
def test_fire_times_match_quartz_across_dst(zone: str, quartz_fires: Fires) -> None:
    tz = ZoneInfo(zone)
    mismatches = []
    for (expr, name, start, count), expected in quartz_fires.items():
        if name != zone:
            continue
        ours = [int(t.timestamp() * 1000) for t in next_fire_times(parse(expr), after=start, count=count, tz=tz)]
        if ours != expected:
            mismatches.append((expr, start.isoformat(), ours, expected))
    assert mismatches == []


def test_quartz_skips_and_fires_once_as_documented(quartz_fires: Fires) -> None:
    """The oracle itself shows the docs/quartz.md §2 rules (so a broken harness cannot pass silently)."""
    ny = ZoneInfo("America/New_York")
    spring, fall = transitions(ny, 2026)
    gap = quartz_fires[("0 30 2 * * ?", "America/New_York", spring - timedelta(days=1), COUNT)]
    days = [datetime.fromtimestamp(ms / 1000, ny).date().isoformat() for ms in gap[:2]]
    assert days == ["2026-03-07", "2026-03-09"]  # 03-08 02:30 does not exist: skipped
    hourly = quartz_fires[("0 0 * * * ?", "America/New_York", fall - timedelta(minutes=30), COUNT)]
    # from 01:30 EDT: 01:00 EST is behind in wall time, so next is 02:00 EST, not 01:00 EST
    assert datetime.fromtimestamp(hourly[0] / 1000, timezone.utc) == fall + timedelta(hours=1)


@pytest.mark.parametrize(("expr", "zone"), COMPILED)
def test_quartz_fires_the_compiled_schedule_in_utc_when_it_fires_the_local_one(expr: str, zone: str,
                                                                             quartz_fires: Fires) -> None:
    tz = ZoneInfo(zone)
    for at in COMPILED_AT:
        result = compile_at(parse(expr), tz, ZoneInfo("UTC"), at)
        end = int(((result.next_change or at + timedelta(days=60)) - timedelta(days=1)).timestamp() * 1000)
        local = [ms for ms in quartz_fires[(expr, zone, at, COMPILED_COUNT)] if ms < end]
        compiled = [ms for ms in quartz_fires[(str(result.expression), "UTC", at, COMPILED_COUNT)] if ms < end]
        assert local and local == compiled
