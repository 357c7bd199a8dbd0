"""Fault injection: the next N requests whose path matches a regex fail in a chosen way."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any

# Answers a buggy portal might give, made from the real answer: `lose_task` drops the first task
# of a listing page but keeps its total and nextStart; `break_task` removes the cronSchedule of
# the first task in the answer (a listing page or one task).
CORRUPTIONS = ("lose_task", "break_task")
KINDS = ("http500", "http502", "http503", "http429", "arcgis_error", "delay", "drop", *CORRUPTIONS)


@dataclass(kw_only=True)
class Fault:
    pattern: re.Pattern[str]
    kind: str
    remaining: int
    seconds: float

    def describe(self) -> dict[str, Any]:
        return {"path": self.pattern.pattern, "kind": self.kind, "count": self.remaining, "seconds": self.seconds}


class FaultError(ValueError):
    """A malformed fault definition (answered as an ArcGIS 400)."""


class Faults:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, spec: Any) -> Fault:
        fault = _parse(spec)
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def pending(self) -> list[dict[str, Any]]:
        with self._lock:
            return [f.describe() for f in self._faults]

    def take(self, path: str) -> Fault | None:
        """Consume one use of the first fault matching `path` (searched, not anchored)."""
        with self._lock:
            for fault in self._faults:
                if fault.pattern.search(path):
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self._faults.remove(fault)
                    return fault
        return None


def _parse(spec: Any) -> Fault:
    if not isinstance(spec, dict):
        raise FaultError("the body must be a JSON object")
    kind = spec.get("kind")
    if kind not in KINDS:
        raise FaultError(f"'kind' must be one of {', '.join(KINDS)}")
    try:
        pattern = re.compile(str(spec.get("path", "")))
        count = int(spec.get("count", 1))
        seconds = float(spec.get("seconds", 1 if kind in ("http429", "delay") else 0))
    except (re.error, TypeError, ValueError) as e:
        raise FaultError(f"invalid fault: {e}") from None
    if count < 1 or seconds < 0:
        raise FaultError("'count' must be >= 1 and 'seconds' >= 0")
    return Fault(pattern=pattern, kind=kind, remaining=count, seconds=seconds)


def corrupt(kind: str, answer: Any) -> Any:
    """The answer as a buggy portal would send it (see CORRUPTIONS); other answers unchanged."""
    if not isinstance(answer, dict):
        return answer
    listed = answer.get("tasks")
    if kind == "lose_task" and isinstance(listed, list) and listed:
        return {**answer, "tasks": listed[1:]}
    if kind == "break_task":
        if isinstance(listed, list) and listed:
            return {**answer, "tasks": [_broken(listed[0]), *listed[1:]]}
        if "cronSchedule" in answer:
            return _broken(answer)
    return answer


def _broken(task: Any) -> Any:
    return {k: v for k, v in task.items() if k != "cronSchedule"} if isinstance(task, dict) else task
