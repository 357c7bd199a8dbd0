"""Task files read in forked worker processes, when there are many and the machine has cores to spare.

Loading 10,000 tasks is CPU (YAML, schema, variables) and the planner needs every file read, so a
plan reads them on several cores while the portal's listing is paged (issue 14). Workers are
forked, so the function, the paths and the variables (the environment, secrets included) reach
them as the parent's memory, never through a pipe; only each file's result comes back, pickled
through the pool's pipe, and it holds nothing the parent does not hold already. Nothing is written
anywhere.

Fork is used only where it is safe: on a platform that has it, while this process runs one
thread (forking beside a running thread can copy a lock that thread holds; the plan starts its
listing thread only after the workers exist). Anything the pool raises (a worker killed, a result
that does not pickle, no process to fork) makes the caller read the files itself: loading is pure,
so reading again gives what the workers would have.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Generic, TypeVar, cast

T = TypeVar("T")

MIN_BYTES = 512 * 1024  # below this, forking costs more than it saves (1,000 tasks are about 300 KB)
MAX_WORKERS = 4

_job: Callable[[Path], object] | None = None  # what a worker runs, inherited through fork
_paths: Sequence[Path] = ()


def cores() -> int:
    """The cores this process may run on (its CPU affinity, where the platform tells)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def _sizes(paths: Sequence[Path]) -> list[int]:
    sizes = []
    for path in paths:
        try:
            sizes.append(path.stat().st_size)
        except OSError:
            sizes.append(0)  # the loader reports it, wherever it is read
    return sizes


def _run(indices: tuple[int, ...]) -> list[object]:
    assert _job is not None
    return [_job(_paths[i]) for i in indices]


class Pending(Generic[T]):
    """Files being read by workers (or by nobody yet: `results` then reads them here)."""

    def __init__(self, job: Callable[[Path], T], paths: Sequence[Path], *, parallel: bool = True,
                 min_bytes: int | None = None) -> None:
        self.job, self.paths = job, paths
        self.pool: ProcessPoolExecutor | None = None
        self.futures: list[tuple[tuple[int, ...], Future[list[object]]]] = []
        workers = min(cores(), MAX_WORKERS, len(paths)) if parallel else 1
        sizes = _sizes(paths) if workers > 1 else []
        if workers < 2 or sum(sizes) < (MIN_BYTES if min_bytes is None else min_bytes) or not _fork_safe():
            return
        global _job, _paths
        _job, _paths = job, paths
        try:
            self.pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                                            initializer=_ignore_interrupts)
            # Largest first, each to the least loaded batch: batches of about equal bytes; a few
            # per worker, so a worker done early takes the next.
            batches: list[list[int]] = [[] for _ in range(workers * 3)]
            loads = [0] * len(batches)
            for i in sorted(range(len(paths)), key=lambda i: -sizes[i]):
                lightest = loads.index(min(loads))
                batches[lightest].append(i)
                loads[lightest] += sizes[i] + 1
            for batch in batches:
                if batch:
                    indices = tuple(sorted(batch))
                    self.futures.append((indices, self.pool.submit(_run, indices)))
        except Exception:  # no fork, no pipe: read here
            self.close()
        finally:
            _job, _paths = None, ()  # the workers hold their own copies from the fork

    def results(self) -> list[T]:
        """Each path's result, in the order of the paths."""
        if self.pool is not None:
            try:
                found: dict[int, object] = {}
                for indices, future in self.futures:
                    found.update(zip(indices, future.result(), strict=True))
                return cast(list[T], [found[i] for i in range(len(self.paths))])
            except Exception:  # a worker killed, a result that would not pickle: read here
                pass
            finally:
                self.close()
        return [self.job(path) for path in self.paths]

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
            self.futures = []


def _ignore_interrupts() -> None:
    """^C reaches every process of the terminal's group: the parent stops the pool (no
    traceback from a worker)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _fork_safe() -> bool:
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1
