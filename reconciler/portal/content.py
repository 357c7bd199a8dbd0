"""The signed-in user's own content items (docs/portal-api.md §16): what the apply lock is made of.

Only the user's own content is read, never the org-wide search, whose index may lag [I].
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from reconciler.errors import PortalError
from reconciler.portal import paging
from reconciler.portal.http import Http


@dataclass(frozen=True, kw_only=True)
class Item:
    id: str
    title: str
    created: int | None
    snippet: str


class UserContent:
    """Items of `username`, the signed-in user, over the client's one choke-point."""

    def __init__(self, http: Http, username: str, *, max_workers: int = 4) -> None:
        self._http, self._path, self._workers = http, f"content/users/{quote(username, safe='')}", max_workers

    def add(self, *, title: str, item_type: str, snippet: str) -> str:
        """A new private URL item (the portal's own URL) and its id; never resent when its outcome
        is unknown (WriteOutcomeUnknown: the caller looks for it)."""
        form = {"title": title, "type": item_type, "url": self._http.settings.portal_url, "snippet": snippet}
        body = self._http.call("POST", f"{self._path}/addItem", data=form, write=True, operation="add the lock item")
        if not body.get("id"):
            raise PortalError("addItem answered without an id", operation="add the lock item")
        return str(body["id"])

    def titled(self, title: str) -> list[Item]:
        """Every item of the user with exactly this title, as the portal lists them."""
        found: list[Item] = []
        fetch = lambda start: self._page(start)  # noqa: E731
        for page in paging.iter_pages(fetch, max_workers=self._workers, operation="list the user's items",
                                      key="items"):
            found += [Item(id=str(i.get("id")), title=str(i.get("title")), created=_ms(i.get("created")),
                           snippet=str(i.get("snippet") or "")) for i in page["items"]
                      if isinstance(i, dict) and i.get("title") == title and i.get("id")]
        return found

    def delete(self, item_id: str) -> None:
        self._http.call("POST", f"{self._path}/items/{quote(item_id, safe='')}/delete", data={}, write=True,
                        operation=f"delete item {item_id}")

    def _page(self, start: int) -> dict[str, object]:
        return self._http.call("GET", self._path, params={"start": str(start), "num": "100"},
                               operation="list the user's items")


def _ms(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
