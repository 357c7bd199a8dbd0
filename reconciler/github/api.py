"""The few GitHub REST calls reconciler makes: comments on a pull request, the pull requests of a
commit, issues and labels. The token goes only to the API's own host, in the Authorization
header, and never into a message: a failure says the call, the HTTP status and GitHub's words.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import requests

from reconciler.github.answers import BACKOFF, Answer, GitHubError, MaybeLanded, expect, failure, may_retry, not_json

ACTIONS_BOT = "github-actions[bot]"  # who GITHUB_TOKEN writes as
__all__ = ["ACTIONS_BOT", "GitHub", "GitHubError", "MaybeLanded", "Note"]


@dataclass(frozen=True)
class Note:
    """A comment or an issue: what reconciler reads of one."""

    number: int  # a comment's id, an issue's number
    author: str
    body: str
    url: str
    state: str = "open"
    title: str = ""  # an issue's


def _note(call: str, data: Any, key: str) -> Note:
    data = expect(call, data, dict)
    number = data.get(key)
    if not isinstance(number, int) or isinstance(number, bool):
        raise GitHubError(f"{call}: the answer has no {key}")
    user = data.get("user") if isinstance(data.get("user"), dict) else {}
    return Note(number=number, author=str(user.get("login") or ""), body=str(data.get("body") or ""),
                url=str(data.get("html_url") or ""), state=str(data.get("state") or "open"),
                title=str(data.get("title") or ""))


def _answer(response: requests.Response) -> Answer:
    try:
        data = response.json() if response.content else None
    except ValueError:  # HTML from a proxy or a sign-in page, or a truncated body
        data = None
    return Answer(status=response.status_code, headers=response.headers, data=data,
                  content_type=response.headers.get("content-type", ""), empty=not response.content,
                  next=response.links.get("next", {}).get("url"))


def _pause(seconds: float) -> None:
    time.sleep(seconds)


class GitHub:
    """One repository's API, signed in with `token`. Reads, and writes whose repeat changes nothing,
    are tried again after a 5xx or a lost connection; any call refused by a rate limit is tried again
    when the limit resets within a minute (reconciler.github.answers)."""

    def __init__(self, api_url: str, repository: str, token: str, *, timeout: float = 30.0,
                 warn: Callable[[str], None] = lambda text: None) -> None:
        self.api_url = api_url.rstrip("/")
        self.repository = repository
        self._timeout = timeout
        self._warn = warn
        self._session = requests.Session()
        self._session.headers.update({"Authorization": f"Bearer {token}", "Accept": "application/vnd.github+json",
                                      "X-GitHub-Api-Version": "2022-11-28", "User-Agent": "reconciler"})

    def __enter__(self) -> GitHub:
        return self

    def __exit__(self, *exc: object) -> None:
        self._session.close()

    def _call(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
              body: Mapping[str, Any] | None = None, allow: tuple[int, ...] = ()) -> tuple[str, Answer]:
        """The call's name (for messages) and GitHub's answer: a status below 400, or one in `allow`."""
        url = path if "://" in path else f"{self.api_url}{path}"  # a full URL: a Link header's next page
        call = f"GitHub API {method} {urlsplit(url).path}"
        if urlsplit(url).netloc != urlsplit(self.api_url).netloc:  # a Link header elsewhere gets no token
            raise GitHubError(f"{call}: the answer pointed to another host")
        safe = method != "POST" or path.endswith("/labels")  # [I] adding a label twice adds it once
        for attempt in range(len(BACKOFF) + 1):
            try:
                response = self._session.request(method, url, params=params, json=body, timeout=self._timeout)
            except requests.RequestException as e:
                problem = f"{call}: cannot reach {self.api_url} ({type(e).__name__})"
                if not safe:
                    raise MaybeLanded(problem) from None
                if attempt == len(BACKOFF):
                    raise GitHubError(problem) from None
                self._again(problem, BACKOFF[attempt])
                continue
            answer = _answer(response)
            if answer.status < 400 or answer.status in allow:
                return call, answer
            wait = may_retry(answer, attempt=attempt, safe=safe, now=time.time())
            if wait is None:
                raise failure(call, answer)
            self._again(f"{call}: HTTP {answer.status}", wait)
        raise AssertionError("unreachable")  # pragma: no cover

    def _again(self, problem: str, wait: float) -> None:
        self._warn(f"{problem}: trying again in {wait:.0f} s")
        _pause(wait)

    def _json(self, method: str, path: str, **kwargs: Any) -> tuple[str, Any]:
        call, answer = self._call(method, path, **kwargs)
        if answer.data is None and not answer.empty:
            raise not_json(call, answer)
        return call, answer.data

    def _pages(self, path: str, params: Mapping[str, Any] | None = None) -> Iterator[dict[str, Any]]:
        url: str | None = path
        query: Mapping[str, Any] | None = {"per_page": 100, **(params or {})}
        while url:
            call, answer = self._call("GET", url, params=query)
            if answer.data is None:
                raise not_json(call, answer)
            for item in expect(call, answer.data, list):
                yield expect(call, item, dict)
            url, query = answer.next, None  # the next link carries the query

    def login(self) -> str | None:
        """Who the token writes as; None when it may not read /user (GITHUB_TOKEN, an app's token)."""
        call, answer = self._call("GET", "/user", allow=(403, 404))
        if answer.status >= 400:
            return None
        login = expect(call, answer.data, dict).get("login") if answer.data is not None else None
        if not isinstance(login, str) or not login:
            raise not_json(call, answer) if answer.data is None else GitHubError(f"{call}: the answer has no login")
        return login

    def _repo(self, rest: str) -> str:
        return f"/repos/{self.repository}{rest}"

    def _write(self, method: str, path: str, key: str, body: Mapping[str, Any]) -> Note:
        return _note(*self._json(method, self._repo(path), body=body), key)

    def _create(self, create: Callable[[], Note], landed: Callable[[], Note | None]) -> Note:
        """A POST that may have landed although it failed is looked for (`landed`) before it is sent
        again: never two comments or issues for one."""
        for attempt in range(len(BACKOFF) + 1):
            try:
                return create()
            except MaybeLanded as e:
                if attempt == len(BACKOFF):
                    raise
                self._again(f"{e}; looking whether it was made", BACKOFF[attempt])
                found = landed()
                if found is not None:
                    return found
        raise AssertionError("unreachable")  # pragma: no cover

    def comments(self, issue: int) -> list[Note]:
        call = f"GitHub API GET {self._repo(f'/issues/{issue}/comments')}"
        return [_note(call, c, "id") for c in self._pages(self._repo(f"/issues/{issue}/comments"))]

    def create_comment(self, issue: int, body: str, *, landed: Callable[[], Note | None]) -> Note:
        return self._create(lambda: self._write("POST", f"/issues/{issue}/comments", "id", {"body": body}), landed)

    def update_comment(self, comment: int, body: str) -> Note:
        return self._write("PATCH", f"/issues/comments/{comment}", "id", {"body": body})

    def merged_pulls(self, sha: str) -> list[int]:
        """The merged pull requests whose merge commit is `sha` (else any merged one that holds it)."""
        pulls = [p for p in self._pages(self._repo(f"/commits/{sha}/pulls")) if p.get("merged_at")]
        exact = [p for p in pulls if p.get("merge_commit_sha") == sha]
        return [p["number"] for p in (exact or pulls) if isinstance(p.get("number"), int)]

    def issues(self, creator: str) -> list[Note]:
        """The open issues (not pull requests) that `creator` opened."""
        found = self._pages(self._repo("/issues"), {"state": "open", "creator": creator})
        call = f"GitHub API GET {self._repo('/issues')}"
        return [_note(call, i, "number") for i in found if "pull_request" not in i]

    def create_issue(self, title: str, body: str, labels: tuple[str, ...] = (), *,
                     landed: Callable[[], Note | None]) -> Note:
        fields: dict[str, Any] = {"title": title, "body": body, **({"labels": list(labels)} if labels else {})}
        return self._create(lambda: self._write("POST", "/issues", "number", fields), landed)

    def update_issue(self, number: int, **fields: Any) -> Note:
        return self._write("PATCH", f"/issues/{number}", "number", fields)

    def set_label(self, issue: int, label: str, on: bool) -> None:
        """Add or remove one label (removing one that is not there is no error)."""
        if on:
            self._call("POST", self._repo(f"/issues/{issue}/labels"), body={"labels": [label]})
        else:
            self._call("DELETE", self._repo(f"/issues/{issue}/labels/{quote(label, safe='')}"),
                       allow=(404,))
