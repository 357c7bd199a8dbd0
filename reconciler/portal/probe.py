"""`reconciler doctor --write-probe`: try, on one scratch task, the write forms the client relies
on where Esri's documentation is silent, and read back after each step what the portal kept.

The writes go straight over the choke-point (not through PortalClient, whose fallbacks, such as
disabling a task created active, would hide what the portal did). No write is ever resent: an
unknown outcome ends the probe, and clean-up finds the task by its title (unique to this run).
Clean-up runs on every path, Ctrl-C included, and says what it did.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import quote

from reconciler.errors import NotFoundError, PortalError
from reconciler.model import TaskFields
from reconciler.portal import wire
from reconciler.portal.http import Http

PROBE_TITLE = "[reconciler doctor probe {token}] safe to delete"
FAR_END_MS = 4_102_444_800_000  # 2100-01-01: an end the probe sets and then clears


@dataclass(frozen=True, kw_only=True)
class Held:
    """One assumption and whether the portal bore it out."""

    assumption: str
    held: bool
    evidence: str


@dataclass(frozen=True, kw_only=True)
class ProbeReport:
    results: tuple[Held, ...]
    cleanup: str  # what clean-up did, in words
    cleaned: bool  # no probe task is left on the portal
    interrupted: bool = False


class WriteProbe:
    """The probe for `owner`'s tasks on one GP task (`fields`: its task_url, type and parameters)."""

    def __init__(self, http: Http, owner: str, fields: TaskFields) -> None:
        self._http, self._owner = http, owner
        self._root = f"community/users/{quote(owner, safe='')}/tasks"
        self.title = PROBE_TITLE.format(token=secrets.token_hex(4))
        self._fields = replace(fields, title=self.title, active=False, max_occurrences=None, end_date=FAR_END_MS,
                               start_date=None)
        self._results: list[Held] = []

    def run(self) -> ProbeReport:
        interrupted = False
        try:
            self._steps()
        except KeyboardInterrupt:
            interrupted = True
        except PortalError as e:
            self._results.append(Held(assumption="the probe could go on", held=False,
                                      evidence=f"stopped: {e.message} (during {e.operation or 'a step'}); the steps "
                                      "after it were not tried"))
        finally:
            cleanup, cleaned = self._clean_up()
        return ProbeReport(results=tuple(self._results), cleanup=cleanup, cleaned=cleaned, interrupted=interrupted)

    def _steps(self) -> None:
        body = self._post(f"{self._root}/createTask", wire.create_form(self._fields), "create the probe task")
        task_id = str(body.get("id") or body.get("taskId") or "")
        if not task_id:
            raise PortalError("createTask answered without an id", operation="create the probe task")
        read = self._read(task_id)
        self._check("isActive=false on createTask leaves the task paused", read.get("active") is False,
                    f"after create: active={_js(read.get('active'))}, taskState={_js(read.get('taskState'))}")
        self._check("maxOccurrences=-1 is stored as unlimited", read.get("maxOccurrences") in (-1, None),
                    f"sent maxOccurrences=-1; read back {_js(read.get('maxOccurrences'))}")
        cleared = replace(self._fields, end_date=None)
        self._post(f"{self._root}/{quote(task_id, safe='')}/update", wire.update_form(cleared), "update the probe task")
        read = self._read(task_id)
        self._check("an empty endDate on update clears it", read.get("endDate") in (None, "", -1),
                    f"sent endDate= (empty); read back {_js(read.get('endDate'))}")
        self._check("update without isActive keeps the task paused", read.get("active") is False,
                    f"after update: active={_js(read.get('active'))}")
        before = read
        self._post(f"{self._root}/{quote(task_id, safe='')}/update", {"title": self.title}, "update only the title")
        read = self._read(task_id)
        kept = [k for k in ("minute", "hour", "dayOfMonth", "month", "dayOfWeek", "taskUrl", "parameters")
                if _schedule_of(read, k) != _schedule_of(before, k)]
        self._check("fields omitted from update keep their values", not kept,
                    "sent only title; " + (f"changed: {', '.join(kept)}" if kept else "schedule, taskUrl and "
                                           "parameters read back unchanged"))
        self._post(f"{self._root}/{quote(task_id, safe='')}/delete", {}, "delete the probe task")
        try:
            self._read(task_id)
            self._check("delete removes the task", False, "the task still reads back after delete")
        except NotFoundError:
            self._check("delete removes the task", True, "reading it back answers not found")

    def _check(self, assumption: str, held: bool, evidence: str) -> None:
        self._results.append(Held(assumption=assumption, held=held, evidence=evidence))

    def _post(self, path: str, form: dict[str, str], operation: str) -> dict[str, Any]:
        return self._http.call("POST", path, data=form, write=True, operation=operation)

    def _read(self, task_id: str) -> dict[str, Any]:
        return self._http.call("GET", f"{self._root}/{quote(task_id, safe='')}", operation="read the probe task")

    def _clean_up(self) -> tuple[str, bool]:
        """Delete every task with this run's probe title; never raises."""
        try:
            found = [t for t in _all_tasks(self._http, self._root) if t.get("title") == self.title]
        except (PortalError, KeyboardInterrupt) as e:
            return (f"could not list {self._owner}'s tasks to clean up ({getattr(e, 'message', 'interrupted')}): "
                    f"look for a task titled {self.title!r} and delete it"), False
        left = []
        for task in found:
            try:
                self._post(f"{self._root}/{quote(str(task.get('id')), safe='')}/delete", {}, "delete the probe task")
            except (PortalError, KeyboardInterrupt):
                left.append(str(task.get("id")))
        if left:
            return (f"could not delete probe task {', '.join(left)} (titled {self.title!r}): delete it by hand "
                    f"(POST .../{self._root}/<id>/delete)"), False
        return (f"deleted {len(found)} probe task left behind" if found else "no probe task is left on the portal"), True


def _js(value: Any) -> str:
    """A value as the portal's JSON spells it (false, null)."""
    return json.dumps(value)


def _schedule_of(task: dict[str, Any], key: str) -> Any:
    return (task.get("cronSchedule") or {}).get(key) if key in ("minute", "hour", "dayOfMonth", "month", "dayOfWeek") \
        else task.get(key)


def _all_tasks(http: Http, root: str) -> list[dict[str, Any]]:
    """Every task of the owner, following nextStart (a short, bounded walk: clean-up only)."""
    found: list[dict[str, Any]] = []
    start = 1
    for _ in range(1000):
        page = http.call("GET", root, params={"start": str(start), "num": "100"}, operation="list tasks to clean up")
        found += [t for t in page.get("tasks") or () if isinstance(t, dict)]
        start = page.get("nextStart", -1)
        if not isinstance(start, int) or start < 1:
            break
    return found
