"""Measure reconciler against the emulator at several sizes (issue 14's figures).

    python benchmarks/bench.py                      # 100 and 1,000 tasks
    python benchmarks/bench.py --sizes 10000        # the big one (several minutes)
    python benchmarks/bench.py --sizes 1000 --smoke # what CI runs: every step once, no timing judged

Each step runs as its own process against an emulator in another process, and prints HTTP
requests, wall time, CPU time and peak memory, with the ratio to the bare paging script
(benchmarks/bare_paging.py) measured in the same run: these machines are noisy, so compare
ratios, not seconds. Steps: apply N creates (and one task that then runs once); plan with no change; bare paging; both
again with 50 ms added to every listing page (as a real portal's round trip: each against the
paging at the same latency); plan with every
task's parameters changed (each plan also once through plan_phases.py, which times its phases); apply those updates at --parallelism 1 and 8 with 50 ms added to every
write (the emulator's `delay` fault); validate, and PyYAML's C loader alone reading the same files
(the floor of any validate built on PyYAML); Esri's client listing the same tasks, where
`arcgis` is installed (--arcgis-python); `reconciler --version` against `python -c pass`.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "publisher123"
SCHEDULES = [f"0 {m} {h} ? * {d}" for m in (0, 15, 30, 45) for h in range(0, 24, 4) for d in ("MON-FRI", "SAT", "SUN",
                                                                                                 "TUE", "THU")]


@dataclass
class Figure:
    step: str
    wall: float
    cpu: float
    rss_mb: float
    requests: int | None
    code: int
    output: str = ""  # the end of what it printed (plan_phases.py's JSON)


PER_FILE = 1000  # a task file holds at most 2 MB


def write_tasks(folder: Path, n: int, distance: int, upto: int | None = None) -> None:
    """tasks.d as files of PER_FILE documents (see task_file)."""
    for old in folder.glob("bench-*.yaml"):
        old.unlink()
    for first in range(0, n, PER_FILE):
        (folder / f"bench-{first // PER_FILE:03d}.yaml").write_text(
            task_file(n, distance, upto, first=first, last=min(n, first + PER_FILE)))


def task_file(n: int, distance: int, upto: int | None = None, *, first: int = 0, last: int | None = None) -> str:
    """Task documents first..last of N on the emulator's Buffer tool, 120 distinct schedules; the
    first `upto` of N (default all) buffer by `distance` metres, the others by 5 (as created)."""
    docs = []
    for i in range(first, n if last is None else last):
        d = distance if i < (n if upto is None else upto) else 5
        docs.append(
            f"name: bench-{i:05d}\n"
            "task_url: ${GP_SERVER_URL}/rest/services/Samples/Buffer/GPServer/Buffer\n"
            "parameters:\n"
            "  in_features:\n    url: ${GP_SERVER_URL}/rest/services/Hosted/Parcels/FeatureServer/0\n"
            f"  buffer_distance_or_field:\n    distance: {d}\n    units: esriMeters\n"
            f"schedule: \"{SCHEDULES[i % len(SCHEDULES)]}\"\n")
    return "---\n".join(docs)


def run(step: str, argv: list[str], env: dict[str, str], cwd: Path, emulator: str | None) -> Figure:
    """One process, measured alone: its own rusage (wait4), and the emulator's request count."""
    if emulator:
        requests.delete(f"{emulator}/_emulator/requests", timeout=30)
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        tail = out.read()[-2000:].decode(errors="replace")
    count = None
    if emulator:
        log = requests.get(f"{emulator}/_emulator/requests", timeout=30).json()
        count = log.get("count", len(log["requests"]))  # control requests are not logged
    if proc.returncode not in (0, 2):
        print(f"  ! {step} exited {proc.returncode}: ...{tail}", file=sys.stderr)
    return Figure(step=step, wall=wall, cpu=usage.ru_utime + usage.ru_stime, rss_mb=usage.ru_maxrss / 1024,
                  requests=count, code=proc.returncode, output=tail)


def start_emulator(data: Path, *tls: str) -> tuple[subprocess.Popen[str], str]:
    argv = [sys.executable, "-m", "reconciler", "emulator", "--port", "0", "--data", str(data),
            "--limit", "GPServiceUserLimit=1000000", "--limit", "GPServiceOrgLimit=1000000", *tls]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    url = proc.stdout.readline().strip()
    return proc, url


def esri(work: Path, env: dict[str, str], python: str) -> Figure:
    """Esri's client lists the same tasks (benchmarks/esri_listing.py): from an emulator serving
    HTTPS on the same data, as the client insists on https (its requests are not counted)."""
    ca = work / "ca.pem"
    emulator, sharing = start_emulator(work / "emulator.sqlite", "--tls", "--cert-out", str(ca))
    try:
        portal = sharing.split("/sharing/")[0]
        figure = run("Esri's client: tasks.all", [python, str(ROOT / "benchmarks" / "esri_listing.py"), portal,
                                                  str(ca)], env, work, None)
    finally:
        emulator.terminate()
        emulator.wait(timeout=30)
    return figure


def size(n: int, work: Path, *, smoke: bool = False, arcgis: str | None = None) -> list[Figure]:
    tasks = work / "tasks.d"
    tasks.mkdir(parents=True)
    write_tasks(tasks, n, 5)
    # One task that fires every minute, run once (the clock is moved past its first fire time):
    # the listing then states lastStart, as a real portal's does, so the plan reads the runs of
    # the tasks that ever started only (without one, every updated task's runs are read: fail-safe).
    (tasks / "fires.yaml").write_text(
        "name: bench-fires\n"
        "task_url: ${GP_SERVER_URL}/rest/services/Samples/Buffer/GPServer/Buffer\n"
        "parameters:\n  in_features:\n    url: ${GP_SERVER_URL}/rest/services/Hosted/Parcels/FeatureServer/0\n"
        "  buffer_distance_or_field:\n    distance: 5\n    units: esriMeters\n"
        'schedule: "0 * * ? * *"\n')
    emulator, sharing = start_emulator(work / "emulator.sqlite")
    origin = sharing.split("/portal/")[0]
    env = {**os.environ, "RECONCILER_PASSWORD": PASSWORD, "GP_SERVER_URL": origin + "/server",
           "RECONCILER_PORTAL": sharing, "RECONCILER_USERNAME": "publisher", "NO_COLOR": "1"}
    cli = [sys.executable, "-m", "reconciler"]
    figures = []
    try:
        figures.append(run("apply: creates", [*cli, "apply", "--auto-approve"], env, work, origin))
        requests.post(f"{origin}/_emulator/clock", data={"advance": "65"}, timeout=60)  # bench-fires runs once
        figures.append(run("bare paging", [sys.executable, str(ROOT / "benchmarks" / "bare_paging.py"), sharing],
                           env, work, origin))
        figures.append(run("plan: no change", [*cli, "plan"], env, work, origin))
        # As against a real portal: every listing page answered 50 ms later (the emulator's delay).
        for step, argv in (("bare paging, 50 ms a page", [sys.executable, str(ROOT / "benchmarks" / "bare_paging.py"),
                                                           sharing]),
                           ("plan: no change, 50 ms a page", [*cli, "plan"])):
            requests.post(f"{origin}/_emulator/faults", json={"path": r"/community/users/[^/]+/tasks$", "kind": "delay",
                                                             "count": 100_000, "seconds": 0.05}, timeout=30)
            figures.append(run(step, argv, env, work, origin))
            requests.delete(f"{origin}/_emulator/faults", timeout=30)
        phases = [sys.executable, str(ROOT / "benchmarks" / "plan_phases.py")]
        figures.append(run("plan: no change, phases", phases, env, work, origin))
        write_tasks(tasks, n, 6)
        figures.append(run("plan: all updates", [*cli, "plan"], env, work, origin))
        figures.append(run("plan: all updates, phases", phases, env, work, origin))
        # Enough writes that their latency, not the two plans around them, decides (50 s at 1,000
        # sequential writes); a smoke run keeps it short.
        latency = min(n, 100 if smoke else 1000)
        for parallelism in (1, 8):
            write_tasks(tasks, n, 7 + parallelism, upto=latency)
            requests.post(f"{origin}/_emulator/faults", json={"path": "/update", "kind": "delay", "count": latency,
                                                             "seconds": 0.05}, timeout=30)
            figures.append(run(f"apply: {latency} updates, 50 ms/write, --parallelism {parallelism}",
                               [*cli, "apply", "--auto-approve", "--parallelism", str(parallelism)], env, work, origin))
            requests.delete(f"{origin}/_emulator/faults", timeout=30)
        figures.append(run("validate", [*cli, "validate"], env, work, None))
        # The floor of any validate that reads YAML with PyYAML: its C loader alone, nothing checked.
        figures.append(run("PyYAML's C loader alone", [sys.executable, "-c", "import glob, yaml; [list(yaml.load_all("
                           "open(f), Loader=yaml.CSafeLoader)) for f in glob.glob('tasks.d/*.yaml')]"], env, work, None))
    finally:
        emulator.terminate()
        emulator.wait(timeout=30)
    if arcgis:
        figures.append(esri(work, env, arcgis))
    return figures


def startup(work: Path) -> list[Figure]:
    env = dict(os.environ)
    return [run("python -c pass", [sys.executable, "-c", "pass"], env, work, None),
            run("reconciler --version", [sys.executable, "-m", "reconciler", "--version"], env, work, None)]


def report(n: int, figures: list[Figure]) -> None:
    plain = next((f for f in figures if f.step == "bare paging"), None)
    slow = next((f for f in figures if f.step.startswith("bare paging, ")), None)
    print(f"\n{n} tasks ({os.cpu_count()} CPUs, Python {sys.version.split()[0]})")
    print(f"  {'step':<48} {'requests':>8} {'wall s':>8} {'cpu s':>7} {'peak MB':>8} {'x bare':>7}")
    for f in figures:
        base = slow if ", 50 ms a page" in f.step else plain  # each against paging at the same latency
        ratio = f"{f.wall / base.wall:7.2f}" if base and base.wall else "      -"
        reqs = "-" if f.requests is None else str(f.requests)
        print(f"  {f.step:<48} {reqs:>8} {f.wall:8.2f} {f.cpu:7.2f} {f.rss_mb:8.1f} {ratio}")
        if f.step.startswith("Esri") and f.code == 0:
            print(f"    {f.output.strip().splitlines()[-1]}")
        if f.step.endswith("phases") and f.code == 0:
            cpu = json.loads(f.output.strip().splitlines()[-1])["cpu"]
            shown = ", ".join(f"{name} {seconds:.2f}" for name, seconds in cpu.items())
            print(f"    cpu s by phase: {shown}; planner + views {sum(v for k, v in cpu.items() if k == 'planner' or k.startswith('render')):.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000", help="task counts, comma-separated (default 100,1000)")
    parser.add_argument("--smoke", action="store_true", help="CI: every step once; exit 1 only if a step failed")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    parser.add_argument("--arcgis-python", metavar="PYTHON",
                        help="a Python with Esri's `arcgis` installed: also time its client listing the tasks "
                        "(default: this Python, if it has arcgis)")
    args = parser.parse_args()
    arcgis = args.arcgis_python or (sys.executable if importlib.util.find_spec("arcgis") else None)
    if arcgis is None:
        print("Esri's client: not installed here (pip install arcgis, or --arcgis-python PYTHON): step skipped")
    results: dict[str, list[dict[str, object]]] = {}
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(s) for s in args.sizes.split(",")):
            figures = size(n, Path(tmp) / str(n), smoke=args.smoke, arcgis=arcgis)
            report(n, figures)
            results[str(n)] = [vars(f) for f in figures]
            failed |= any(f.code not in (0, 2) for f in figures)
        start = startup(Path(tmp))
        report(0, start)
        results["startup"] = [vars(f) for f in start]
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
