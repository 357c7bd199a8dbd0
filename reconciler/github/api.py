"""The few GitHub REST calls reconciler makes: comments on a pull request, the pull requests of a
commit, issues and labels. The token goes only to the API's own host, in the Authorization
header, and never into a message: a failure says the call, the HTTP status and GitHub's words.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import requests

from reconciler.errors import ReconcilerError

ACTIONS_BOT = "github-actions[bot]"  # who GITHUB_TOKEN writes as
_HINTS = {
    401: "the token was refused: pass GITHUB_TOKEN (or a token of your own) to the step",
    403: "the token may not do this: give the job `pull-requests: write` (comments) or `issues: write` "
         "(the drift issue) in its `permissions:`",
    404: "not found: check GITHUB_REPOSITORY, or the token cannot see this repository",
}


class GitHubError(ReconcilerError):
    """A GitHub API call failed (the message is safe to print: no token in it)."""


@dataclass(frozen=True)
class Note:
    """A comment or an issue: what reconciler reads of one."""

    number: int  # a comment's id, an issue's number
    author: str
    body: str
    url: str
    state: str = "open"


def _note(data: Mapping[str, Any], key: str) -> Note:
    user = data.get("user") or {}
    return Note(number=int(data[key]), author=str(user.get("login", "")), body=str(data.get("body") or ""),
                url=str(data.get("html_url", "")), state=str(data.get("state", "open")))


class GitHub:
    """One repository's API, signed in with `token`."""

    def __init__(self, api_url: str, repository: str, token: str, *, timeout: float = 30.0) -> None:
        self.api_url = api_url.rstrip("/")
        self.repository = repository
        self._timeout = timeout
        self._session = requests.Session()
        self._session.headers.update({"Authorization": f"Bearer {token}", "Accept": "application/vnd.github+json",
                                      "X-GitHub-Api-Version": "2022-11-28", "User-Agent": "reconciler"})

    def __enter__(self) -> GitHub:
        return self

    def __exit__(self, *exc: object) -> None:
        self._session.close()

    def _call(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
              body: Mapping[str, Any] | None = None, allow: tuple[int, ...] = ()) -> requests.Response:
        url = path if "://" in path else f"{self.api_url}{path}"  # a full URL: a Link header's next page
        shown = urlsplit(url).path
        if urlsplit(url).netloc != urlsplit(self.api_url).netloc:  # a Link header elsewhere gets no token
            raise GitHubError(f"GitHub API {method} {shown}: the answer pointed to another host")
        try:
            answer = self._session.request(method, url, params=params, json=body, timeout=self._timeout)
        except requests.RequestException as e:
            raise GitHubError(f"GitHub API {method} {shown}: cannot reach {self.api_url} ({type(e).__name__})") from None
        if answer.status_code >= 400 and answer.status_code not in allow:
            try:
                said = str(answer.json().get("message", ""))
            except ValueError:
                said = ""
            hint = _HINTS.get(answer.status_code, "")
            raise GitHubError(f"GitHub API {method} {shown}: HTTP {answer.status_code}"
                              + (f": {said}" if said else "") + (f" ({hint})" if hint else ""))
        return answer

    def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        answer = self._call(method, path, **kwargs)
        try:
            return answer.json() if answer.content else None
        except ValueError:
            raise GitHubError(f"GitHub API {method} {urlsplit(answer.url).path}: the answer is not JSON") from None

    def _pages(self, path: str, params: Mapping[str, Any] | None = None) -> Iterator[dict[str, Any]]:
        url: str | None = path
        query: Mapping[str, Any] | None = {"per_page": 100, **(params or {})}
        while url:
            answer = self._call("GET", url, params=query)
            items = answer.json()
            if not isinstance(items, list):
                raise GitHubError(f"GitHub API GET {urlsplit(answer.url).path}: expected a list")
            yield from items
            url, query = answer.links.get("next", {}).get("url"), None  # the next link carries the query

    def login(self) -> str:
        """Who the token writes as: GITHUB_TOKEN (an app's installation token) may not read /user."""
        answer = self._call("GET", "/user", allow=(403, 404))
        if answer.status_code >= 400:
            return ACTIONS_BOT
        return str(answer.json().get("login") or ACTIONS_BOT)

    def _repo(self, rest: str) -> str:
        return f"/repos/{self.repository}{rest}"

    def comments(self, issue: int) -> list[Note]:
        return [_note(c, "id") for c in self._pages(self._repo(f"/issues/{issue}/comments"))]

    def create_comment(self, issue: int, body: str) -> Note:
        return _note(self._json("POST", self._repo(f"/issues/{issue}/comments"), body={"body": body}), "id")

    def update_comment(self, comment: int, body: str) -> Note:
        return _note(self._json("PATCH", self._repo(f"/issues/comments/{comment}"), body={"body": body}), "id")

    def merged_pulls(self, sha: str) -> list[int]:
        """The merged pull requests whose merge commit is `sha` (else any merged one that holds it)."""
        pulls = [p for p in self._pages(self._repo(f"/commits/{sha}/pulls")) if p.get("merged_at")]
        exact = [p for p in pulls if p.get("merge_commit_sha") == sha]
        return [int(p["number"]) for p in (exact or pulls)]

    def issues(self, creator: str) -> list[Note]:
        """The open issues (not pull requests) that `creator` opened."""
        found = self._pages(self._repo("/issues"), {"state": "open", "creator": creator})
        return [_note(i, "number") for i in found if "pull_request" not in i]

    def create_issue(self, title: str, body: str, labels: tuple[str, ...] = ()) -> Note:
        fields: dict[str, Any] = {"title": title, "body": body, **({"labels": list(labels)} if labels else {})}
        return _note(self._json("POST", self._repo("/issues"), body=fields), "number")

    def update_issue(self, number: int, **fields: Any) -> Note:
        return _note(self._json("PATCH", self._repo(f"/issues/{number}"), body=fields), "number")

    def set_label(self, issue: int, label: str, on: bool) -> None:
        """Add or remove one label (removing one that is not there is no error)."""
        if on:
            self._call("POST", self._repo(f"/issues/{issue}/labels"), body={"labels": [label]})
        else:
            self._call("DELETE", self._repo(f"/issues/{issue}/labels/{quote(label, safe='')}"),
                       allow=(404,))
