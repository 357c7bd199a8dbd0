"""Task files read in forked worker processes, when there are many and the machine has cores to spare.

Loading 10,000 tasks is CPU (YAML, schema, variables) and the planner needs every file read, so a
plan reads them on several cores while the portal's listing is paged (issue 14). Workers are
forked, so the function, the paths and the variables (the environment, secrets included) reach
them as the parent's memory, never through a pipe; only each batch's results come back, pickled
through the worker's own pipe, and they hold nothing the parent does not hold already. Nothing is
written anywhere.

The parent owns its workers outright (plain fork and pipes, no pool): they never outlive it (the
kernel kills them when it dies, and each checks between files too), ^C reaches only the parent
(the workers ignore it, and it is blocked while they are forked), and whatever ends the parent's
wait (^C, an error) kills them without waiting for their batch. Fork is used only where it is
safe: on Linux (macOS's system libraries may not survive a fork), while this process runs one
thread (forking beside a running thread can copy a lock that thread holds; the plan starts its
listing thread only after the workers exist). A worker that fails or dies, or a fork that fails,
makes the caller read the files itself: loading is pure, so reading again gives what the workers
would have.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Generic, TypeVar, cast

T = TypeVar("T")

MIN_BYTES = 512 * 1024  # below this, forking costs more than it saves (1,000 tasks are about 300 KB)
MAX_WORKERS = 4
_PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when its parent dies


def cores() -> int:
    """The cores this process may run on (its CPU affinity, where the platform tells; a
    container's CPU quota is not read: too many workers costs speed only)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


class Pending(Generic[T]):
    """Files being read by workers (or by nobody yet: `results` then reads them here)."""

    def __init__(self, job: Callable[[Path], T], paths: Sequence[Path], *, parallel: bool = True,
                 min_bytes: int | None = None) -> None:
        self.job, self.paths = job, paths
        self.workers: list[tuple[int, int, tuple[int, ...]]] = []  # (pid, read end, indices)
        count = min(cores(), MAX_WORKERS, len(paths)) if parallel else 1
        if count < 2 or not _fork_safe():
            return
        sizes = _sizes(paths)
        if sum(sizes) < (MIN_BYTES if min_bytes is None else min_bytes):
            return
        parent = os.getpid()
        original = signal.pthread_sigmask(signal.SIG_BLOCK, set())  # asks only: nothing changed if a ^C lands
        try:
            try:
                signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})  # until each child ignores it
                for indices in _batches(sizes, count):
                    read, write = os.pipe()
                    try:
                        pid = os.fork()
                    except OSError:  # a process limit: read here, and stop those started
                        os.close(read)
                        os.close(write)
                        self.close()
                        return
                    if pid == 0:  # pragma: no cover - the child (its coverage is not collected)
                        try:
                            _work(job, paths, indices, read, write, [r for _, r, _ in self.workers], parent)
                        finally:
                            os._exit(1)  # never back into the parent's code
                    os.close(write)
                    self.workers.append((pid, read, indices))
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, original)  # a ^C held back is raised here
        except BaseException:  # ^C, or anything else: the workers must not outlive it
            self.close()
            raise

    def results(self) -> list[T]:
        """Each path's result, in the order of the paths."""
        try:
            found: dict[int, object] = {}
            for _, read, indices in self.workers:
                try:  # nothing, or a part, when the worker died on the way
                    kind, values = pickle.loads(_read_all(read))
                except Exception:
                    raise _WorkerFailed from None
                if kind != "ok" or len(values) != len(indices):
                    raise _WorkerFailed
                found.update(zip(indices, values, strict=True))
            if self.workers:
                return cast(list[T], [found[i] for i in range(len(self.paths))])
        except _WorkerFailed:
            pass  # read here: what went wrong in the worker goes wrong here the same way, or not at all
        finally:
            self.close()
        return [self.job(path) for path in self.paths]

    def close(self) -> None:
        """Stop the workers now (never waiting for their batch) and reap them."""
        workers, self.workers = self.workers, []
        for pid, read, _ in workers:
            with contextlib.suppress(OSError):
                os.close(read)
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        for pid, _, _ in workers:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)


class _WorkerFailed(Exception):
    pass


def _work(job: Callable[[Path], object], paths: Sequence[Path], indices: tuple[int, ...], read: int, write: int,
          siblings: list[int], parent: int) -> None:  # pragma: no cover - runs in the child
    """The child: its batch's results (or why not) down its pipe, then exit without running the
    parent's exit handlers or flushing its buffers. `siblings`: the read ends of the workers forked
    before it, which must stay the parent's alone (else a sibling's write never fails when the
    parent is gone)."""
    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        for fd in (read, *siblings):
            os.close(fd)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        _die_with(parent)
        values = []
        for i in indices:
            if os.getppid() != parent:
                raise SystemExit  # the parent is gone: nobody wants these
            values.append(job(paths[i]))
        answer = pickle.dumps(("ok", values), protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException:  # our bug, or a result that does not pickle: the parent reads it again itself
        answer, code = pickle.dumps(("failed", None)), 1
    try:
        view = memoryview(answer)
        while view:
            view = view[os.write(write, view):]
    finally:
        os._exit(code)


def _die_with(parent: int) -> None:  # pragma: no cover - runs in the child
    """Be killed by the kernel when the parent dies, whatever kills it (Linux's prctl)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass  # then only the checks between files
    if os.getppid() != parent:
        raise SystemExit  # it died before the kernel was told


def _read_all(read: int) -> bytes:
    chunks = []
    while chunk := os.read(read, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


def _sizes(paths: Sequence[Path]) -> list[int]:
    sizes = []
    for path in paths:
        try:
            sizes.append(path.stat().st_size)
        except OSError:
            sizes.append(0)  # the loader reports it, wherever it is read
    return sizes


def _batches(sizes: list[int], count: int) -> list[tuple[int, ...]]:
    """`count` batches of file indices of about equal bytes (largest first, each to the lightest)."""
    batches: list[list[int]] = [[] for _ in range(count)]
    loads = [0] * count
    for i in sorted(range(len(sizes)), key=lambda i: -sizes[i]):
        lightest = loads.index(min(loads))
        batches[lightest].append(i)
        loads[lightest] += sizes[i] + 1
    return [tuple(sorted(b)) for b in batches if b]


def _fork_safe() -> bool:
    return sys.platform.startswith("linux") and threading.active_count() == 1
