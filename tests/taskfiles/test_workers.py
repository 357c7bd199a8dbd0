"""Task files read in worker processes (reconciler.taskfiles.workers): the same LoadResult as
reading them here, a worker's death read around, and no fork beside a running thread.

The pool is made in a fresh interpreter (a subprocess): the test process runs other threads
(emulators), beside which the loader rightly never forks."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from pathlib import Path

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
    made.append(self.pool is not None)
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
        assert pending.pool is None
        assert pending.results() == ["a", "b"]
    finally:
        stop.set()
        thread.join()


def test_few_bytes_are_read_here(tmp_path: Path) -> None:
    for name in ("a", "b"):
        (tmp_path / name).write_text("x" * 10)
    pending = workers.Pending(lambda p: p.read_text(), [tmp_path / "a", tmp_path / "b"])
    assert pending.pool is None and pending.results() == ["x" * 10] * 2
