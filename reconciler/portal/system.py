"""What the portal says about itself: its version, its scheduled-task limits, how it pages, and
(doctor --write-probe, opt-in) what it does with the write forms the client relies on.

- Version: the Sharing API root (`GET <portal>/sharing/rest?f=json`) states `currentVersion`
  always and, from Enterprise 11.3, `enterpriseVersion` (https://developers.arcgis.com/rest/
  users-groups-and-items/root); for an administrator, `portaladmin/info` states it from 11.1
  (https://developers.arcgis.com/rest/enterprise-administration/portal/portal-info.htm).
  `currentVersion` alone is not mapped to a release: the mapping is not documented, so what we
  do not know stays None and nothing is refused on a guess.
- Limits: `GET <portal>/portaladmin/system/limits` (administrators, 11.2+), category
  `ScheduleTask`, a list of `{"limitName", "numLimit"}` (https://developers.arcgis.com/rest/
  enterprise-administration/portal/limits-system.htm).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote

from reconciler.errors import NotFoundError, PortalError
from reconciler.model import PortalVersion, TaskFields
from reconciler.portal.http import Http
from reconciler.portal.probe import WriteProbe
from reconciler.portal.settings import SHARING_SUFFIX


class PortalSystem:
    """The portal's own description, over the client's one choke-point."""

    def __init__(self, http: Http) -> None:
        self._http = http
        root = http.settings.portal_url
        self._admin = (root[: -len(SHARING_SUFFIX)] if root.endswith(SHARING_SUFFIX) else root) + "/portaladmin"

    def version(self, *, admin: bool) -> PortalVersion:
        """The portal's version; `admin`: the signed-in user may read portaladmin/info, asked
        when the root does not state the release (before 11.3).

        Raises: PortalError when the root cannot be read.
        """
        body = self._http.call("GET", "", operation="read the portal's version")
        current = _text(body.get("currentVersion"))
        enterprise = _text(body.get("enterpriseVersion"))
        if enterprise is not None or not admin:
            return PortalVersion(current=current, enterprise=enterprise, source="sharing/rest")
        try:
            info = self._http.call("GET", f"{self._admin}/info", operation="read the portal's release")
        except PortalError:  # not there before 11.1, or refused: the release stays unknown
            return PortalVersion(current=current, enterprise=None, source="sharing/rest")
        return PortalVersion(current=current, enterprise=_text(info.get("currentversion") or info.get("fullVersion")),
                             source="portaladmin/info")

    def limits(self) -> dict[str, int] | None:
        """The ScheduleTask limits by name; None when the portal has none (404: before 11.2).
        Limits that are not whole numbers are left out.

        Raises: PortalError when they could not be read (not an administrator, an outage, a web
        adaptor that blocks portaladmin).
        """
        try:
            body = self._http.call("GET", f"{self._admin}/system/limits", operation="read the task limits")
        except NotFoundError:
            return None
        entries = body.get("ScheduleTask")
        if not isinstance(entries, list):
            return None
        found: dict[str, int] = {}
        for entry in entries:
            if isinstance(entry, dict) and isinstance(entry.get("limitName"), str) \
                    and isinstance(entry.get("numLimit"), int) and not isinstance(entry.get("numLimit"), bool):
                found[entry["limitName"]] = entry["numLimit"]
        return found

    def clock(self) -> datetime | None:
        """Now by the portal's `Date` header; None when no answer carried one (doctor must not
        report this machine's clock as the portal's)."""
        return self._http.portal_time() if self._http.date_seen else None

    def first_page(self, owner: str, *, num: int) -> dict[str, Any]:
        """The first page of `owner`'s task listing, as the portal sends it: how many tasks it
        holds against `num` asked shows the page size the portal honours (doctor)."""
        return self._http.call("GET", f"community/users/{quote(owner, safe='')}/tasks",
                               params={"start": "1", "num": str(num)}, operation="read a page of the task listing")

    def write_probe(self, owner: str, fields: TaskFields) -> WriteProbe:
        """`doctor --write-probe`'s scratch task for `owner` on the GP task `fields` name."""
        return WriteProbe(self._http, owner, fields)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None

