"""Task files read in worker processes (reconciler.taskfiles.workers): the same LoadResult as
reading them here, a worker's death read around, and no fork beside a running thread.

The pool is made in a fresh interpreter (a subprocess): the test process runs other threads
(emulators), beside which the loader rightly never forks."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from reconciler.model import LoadResult
from reconciler.taskfiles import workers
from tests.conftest import ROOT

GOOD = """\
name: {name}
task_url: ${{GP_SERVER_URL}}/rest/services/Samples/Buffer/GPServer/Buffer
parameters:
  distance: {n}
  token: ${{secret:SERVICE_TOKEN}}
schedule: "0 {m} 2 ? * MON-FRI"
"""


def _folder(root: Path) -> Path:
    """Files of every kind the loader reports on: valid, invalid, unreadable YAML, not UTF-8,
    empty, a name given twice across files, a secret, a variable, a --var nobody uses."""
    tasks = root / "tasks.d"
    tasks.mkdir()
    for i in range(12):
        docs = [GOOD.format(name=f"task-{i}-{j}", n=i * 10 + j, m=j) for j in range(5)]
        (tasks / f"t{i:02d}.yaml").write_text("---\n".join(docs))
    (tasks / "bad-schema.yaml").write_text("name: bad one\nschedule: 5\nextra: 1\n")
    (tasks / "bad-yaml.yaml").write_text("name: x\n  schedule: [\n")
    (tasks / "latin1.yaml").write_bytes("name: caf\xe9\n".encode("latin-1"))
    (tasks / "empty.yaml").write_text("")
    (tasks / "twice.yaml").write_text(GOOD.format(name="task-3-1", n=1, m=1))
    (tasks / "unset.yaml").write_text(GOOD.format(name="needs-var", n=1, m=1).replace("GP_SERVER_URL", "NOT_SET"))
    return tasks


SCRIPT = """
import os, pickle, sys
from datetime import datetime, timezone
from reconciler.taskfiles import loader, workers
workers.MIN_BYTES = 0
made = []
original = workers.Pending.__init__
def spy(self, *a, **k):
    original(self, *a, **k)
    made.append(bool(self.workers))
workers.Pending.__init__ = spy
{extra}
now = datetime(2026, 12, 2, tzinfo=timezone.utc)
variables = {{"GP_SERVER_URL": "https://gp.example.com/server", "SERVICE_TOKEN": "s3cret-token", "UNUSED": "1"}}
results = []
for parallel in (True, False):
    with loader.loading(sys.argv[1], variables=variables, now=now, mark="[r] ", assigned=("UNUSED",),
                        workers=parallel) as result:
        results.append(result())
sys.stdout.buffer.write(pickle.dumps((made, results)))
"""


def _load_both(folder: Path, extra: str = "") -> tuple[list[bool], list[LoadResult]]:
    import pickle

    done = subprocess.run([sys.executable, "-c", SCRIPT.format(extra=textwrap.dedent(extra)), str(folder)],
                          capture_output=True, cwd=ROOT, check=False, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    made, results = pickle.loads(done.stdout)
    return list(made), list(results)


def test_workers_give_exactly_the_load_result_read_here(tmp_path: Path) -> None:
    made, (parallel, serial) = _load_both(_folder(tmp_path))
    assert made == [workers.cores() >= 2, False]  # the pool was made (where there are cores) and used
    assert parallel == serial
    assert len(serial.specs) == 12 * 5  # and task-3-1 given again in twice.yaml, which fails
    messages = " ".join(p.message for p in serial.problems)
    for expected in ("not UTF-8", "already used at", "UNUSED", "NOT_SET", "file holds no task"):
        assert expected in messages, expected
    assert "s3cret-token" in serial.secret_values and serial.referenced == ("GP_SERVER_URL", "NOT_SET",
                                                                               "SERVICE_TOKEN")


def test_a_worker_that_dies_is_read_around(tmp_path: Path) -> None:
    # Every worker dies on its first file: the pool breaks, and the files are read here instead.
    extra = """
    parent = os.getpid()
    job = loader._load_asking
    def dying(path, **k):
        if os.getpid() != parent:
            os._exit(9)
        return job(path, **k)
    loader._load_asking = dying
    """
    made, (parallel, serial) = _load_both(_folder(tmp_path), extra)
    assert made[0] is (workers.cores() >= 2)
    assert parallel == serial and len(serial.specs) == 60


def test_no_fork_beside_a_running_thread(tmp_path: Path) -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, daemon=True)
    thread.start()
    try:
        pending = workers.Pending(lambda p: p.name, [tmp_path / "a", tmp_path / "b"], min_bytes=0)
        assert not pending.workers
        assert pending.results() == ["a", "b"]
    finally:
        stop.set()
        thread.join()


def test_few_bytes_are_read_here(tmp_path: Path) -> None:
    for name in ("a", "b"):
        (tmp_path / name).write_text("x" * 10)
    pending = workers.Pending(lambda p: p.read_text(), [tmp_path / "a", tmp_path / "b"])
    assert not pending.workers and pending.results() == ["x" * 10] * 2


SLOW = """
import os, sys, time
from pathlib import Path
from reconciler.taskfiles import workers
paths = [Path(sys.argv[1]) / f"{i}" for i in range(8)]
parent = os.getpid()
def job(path):
    if os.getpid() != parent:
        time.sleep(float(sys.argv[2]))  # a worker slow on every file (or stuck on one)
    return path.name
try:
    pending = workers.Pending(job, paths, min_bytes=0)
    print(" ".join(str(pid) for pid, _, _ in pending.workers), flush=True)
    print(pending.results(), flush=True)
except KeyboardInterrupt:
    print("interrupted", flush=True)
    raise SystemExit(130)
"""


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")  # dead, awaiting its reaper
    except FileNotFoundError:
        return True


def _all_gone(pids: list[int], seconds: float = 10) -> bool:
    import time

    deadline = time.monotonic() + seconds
    while not all(_gone(pid) for pid in pids):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def _slow(tmp_path: Path, seconds: float) -> tuple[subprocess.Popen[str], list[int]]:
    for i in range(8):
        (tmp_path / str(i)).write_text("x")
    proc = subprocess.Popen([sys.executable, "-c", SLOW, str(tmp_path), str(seconds)], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    assert proc.stdout is not None
    pids = [int(p) for p in proc.stdout.readline().split()]
    assert len(pids) == min(workers.cores(), workers.MAX_WORKERS) >= 2
    return proc, pids


needs_cores = pytest.mark.skipif(not sys.platform.startswith("linux") or workers.cores() < 2,
                                 reason="workers fork on Linux with two cores or more")


@needs_cores
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_workers_die_with_their_parent(tmp_path: Path, sig: signal.Signals) -> None:
    proc, pids = _slow(tmp_path, 30)
    try:
        proc.send_signal(sig)  # the parent alone, as a supervisor or `kill PID` would
        proc.communicate(timeout=30)
        assert _all_gone(pids), "workers outlived their parent"
    finally:
        _kill(proc, pids)


@needs_cores
def test_interrupt_stops_stuck_workers_at_once_without_a_traceback(tmp_path: Path) -> None:
    proc, pids = _slow(tmp_path, 60)  # every worker stuck far longer than the test waits
    try:
        os.killpg(proc.pid, signal.SIGINT)  # ^C at a terminal reaches the whole group
        out, err = proc.communicate(timeout=20)
        assert proc.returncode == 130 and out.strip() == "interrupted" and "Traceback" not in err, err
        assert _all_gone(pids, seconds=1)
    finally:
        _kill(proc, pids)


def _kill(proc: subprocess.Popen[str], pids: list[int]) -> None:
    """Whatever a failed test left running."""
    for pid in (proc.pid, *pids):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    proc.wait(timeout=30)


FORK_FAILS = """
import os, pickle, sys
from reconciler.taskfiles import workers
from pathlib import Path
real, calls = os.fork, []
def fork():
    calls.append(1)
    if len(calls) > 1:
        raise BlockingIOError(11, "Resource temporarily unavailable")  # a process limit
    return real()
os.fork = fork
paths = [Path(sys.argv[1]) / f"{i}" for i in range(6)]
pending = workers.Pending(lambda p: p.read_text(), paths, min_bytes=0)
print(len(pending.workers), pending.results(), len(calls))
"""


@needs_cores
def test_a_fork_that_fails_is_read_around_and_the_one_started_is_stopped(tmp_path: Path) -> None:
    for i in range(6):
        (tmp_path / str(i)).write_text(f"file {i}")
    done = subprocess.run([sys.executable, "-c", FORK_FAILS, str(tmp_path)], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, check=False)  # a worker left running would hang this
    assert done.returncode == 0, done.stderr
    assert done.stdout.split(" ", 1)[0] == "0"  # none left to ask
    assert str([f"file {i}" for i in range(6)]) in done.stdout


INTERRUPTED_WHILE_FORKING = """
import os, signal, sys, time
from pathlib import Path
from reconciler.taskfiles import workers
real, started = os.fork, []
def fork():
    pid = real()
    if pid:
        started.append(pid)
        os.kill(os.getpid(), signal.SIGINT)  # ^C while forking: held back until the mask is restored
    return pid
os.fork = fork
parent = os.getpid()
paths = [Path(sys.argv[1]) / f"{i}" for i in range(6)]
try:
    workers.Pending(lambda p: time.sleep(30) if os.getpid() != parent else p.name, paths, min_bytes=0)
except KeyboardInterrupt:
    def reaped(pid):
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            return True  # close() killed and reaped it
        return False
    print(signal.SIGINT in signal.pthread_sigmask(signal.SIG_BLOCK, set()), all(map(reaped, started)), len(started))
"""


@needs_cores
def test_an_interrupt_while_forking_stops_the_workers_and_unblocks_interrupts(tmp_path: Path) -> None:
    for i in range(6):
        (tmp_path / str(i)).write_text("x")
    done = subprocess.run([sys.executable, "-c", INTERRUPTED_WHILE_FORKING, str(tmp_path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    blocked, reaped, forked = done.stdout.split()
    assert (blocked, reaped) == ("False", "True") and int(forked) >= 1  # killed and reaped, ^C unblocked
