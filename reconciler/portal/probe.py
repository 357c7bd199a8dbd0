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
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import quote

from reconciler.errors import NotFoundError, PortalError
from reconciler.model import TaskFields
from reconciler.portal import wire
from reconciler.portal.http import Http, WriteOutcomeUnknown

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
    cleaned: bool  # no probe task is left on the portal, as far as the portal can tell
    stopped: str = ""  # why the steps stopped early (a portal error); empty: they all ran
    interrupted: bool = False


LANDING_CHECKS = 3  # listings after a create of unknown outcome, LANDING_WAIT_S apart, before giving up
LANDING_WAIT_S = 2.0


class WriteProbe:
    """The probe for `owner`'s tasks on one GP task (`fields`: its task_url, type and parameters)."""

    def __init__(self, http: Http, owner: str, fields: TaskFields) -> None:
        self._http, self._owner = http, owner
        self._root = f"community/users/{quote(owner, safe='')}/tasks"
        self.title = PROBE_TITLE.format(token=secrets.token_hex(4))
        self._fields = replace(fields, title=self.title, active=False, max_occurrences=None, end_date=FAR_END_MS,
                               start_date=None)
        self._results: list[Held] = []
        # Whether the create may have landed without our knowing its id: sent, and neither an
        # id nor the portal's refusal came back (an unknown outcome, or Ctrl-C while in flight).
        self._create_uncertain = False

    def run(self, *, sleep: Callable[[float], None] = time.sleep) -> ProbeReport:
        interrupted, stopped = False, ""
        try:
            self._steps()
        except KeyboardInterrupt:
            interrupted = True
        except WriteOutcomeUnknown as e:
            stopped = f"{e.operation or 'a write'}: {e.message}, and its outcome is unknown"
        except PortalError as e:
            stopped = f"{e.operation or 'a step'}: {e.message}"
        finally:
            cleanup, cleaned = self._clean_up(sleep)
        return ProbeReport(results=tuple(self._results), cleanup=cleanup, cleaned=cleaned, stopped=stopped,
                           interrupted=interrupted)

    def _steps(self) -> None:
        self._create_uncertain = True
        try:
            body = self._post(f"{self._root}/createTask", wire.create_form(self._fields), "create the probe task")
        except PortalError as e:
            self._create_uncertain = isinstance(e, WriteOutcomeUnknown)  # the portal's refusal: nothing landed
            raise
        task_id = str(body.get("id") or body.get("taskId") or "")
        self._create_uncertain = not task_id
        if not task_id:
            raise PortalError("createTask answered without an id", operation="create the probe task")
        read = self._read(task_id)
        stored_end = read.get("endDate") == FAR_END_MS
        self._check("endDate on createTask is stored", stored_end,
                    f"sent endDate={FAR_END_MS}; read back {_js(read.get('endDate'))} (without it, clearing it on "
                    "update cannot be observed)")
        self._check("isActive=false on createTask leaves the task paused", read.get("active") is False,
                    f"after create: active={_js(read.get('active'))}, taskState={_js(read.get('taskState'))}")
        self._check("maxOccurrences=-1 is stored as unlimited", read.get("maxOccurrences") in (-1, None),
                    f"sent maxOccurrences=-1; read back {_js(read.get('maxOccurrences'))}")
        cleared = replace(self._fields, end_date=None)
        self._post(f"{self._root}/{quote(task_id, safe='')}/update", wire.update_form(cleared), "update the probe task")
        read = self._read(task_id)
        self._check("an empty endDate on update clears it", stored_end and read.get("endDate") in (None, "", -1),
                    f"sent endDate= (empty); read back {_js(read.get('endDate'))}"
                    + ("" if stored_end else "; not observed: the end date was never stored"))
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

    def _clean_up(self, sleep: Callable[[float], None]) -> tuple[str, bool]:
        """Delete every task with this run's probe title; never raises. After a create of
        unknown outcome, look again a few times before saying nothing was left, and even then
        say that it may still land."""
        checks = LANDING_CHECKS if self._create_uncertain else 1
        try:
            for attempt in range(checks):
                found = [t for t in _all_tasks(self._http, self._root) if t.get("title") == self.title]
                if found or attempt == checks - 1:
                    break
                sleep(LANDING_WAIT_S)
        except (PortalError, KeyboardInterrupt) as e:
            return (f"could not list {self._owner}'s tasks to clean up ({getattr(e, 'message', 'interrupted')}): "
                    f"look for a task titled {self.title!r} and delete it"), False
        if not found and self._create_uncertain:
            return (f"the create's outcome is unknown and no probe task is listed yet: it may still land; look for "
                    f"a task titled {self.title!r} under {self._owner} later and delete it"), False
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
