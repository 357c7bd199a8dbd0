"""A small fake of the GitHub REST API over real HTTP on 127.0.0.1: issue comments, issues,
labels, the pull requests of a commit and /user, with GitHub's paging (Link headers, pages of 2
here so paging is exercised), its 65,536-character body limit and its token check."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

REPO = "org/gp-tasks"
BOT = "github-actions[bot]"
ACTIONS_TOKEN = "ghs_actions-token-0123456789"  # writes as github-actions[bot]; /user refuses it
PAGE = 2


@dataclass
class Fault:
    """The next `count` calls of `method` to a path matching `pattern` get this answer instead
    (after the call is carried out when `land`: a write that landed although GitHub failed)."""

    method: str
    pattern: str
    status: int
    body: Any = None  # JSON, or bytes sent as they are
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    count: int = 1
    land: bool = False


@dataclass
class FakeGitHub:
    url: str = ""
    tokens: dict[str, str] = field(default_factory=lambda: {ACTIONS_TOKEN: BOT, "ghp_someone": "someone"})
    comments: list[dict[str, Any]] = field(default_factory=list)
    issues: dict[int, dict[str, Any]] = field(default_factory=dict)
    pulls: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # commit sha -> its pull requests
    log: list[tuple[str, str]] = field(default_factory=list)  # (method, path)
    headers: list[str] = field(default_factory=list)  # every Authorization header seen
    faults: list[Fault] = field(default_factory=list)
    _next: int = 100

    def fail(self, method: str, pattern: str, status: int, body: Any = None, **kwargs: Any) -> None:
        self.faults.append(Fault(method, pattern, status, body, **kwargs))

    def fault_for(self, method: str, path: str) -> Fault | None:
        for fault in self.faults:
            if fault.count > 0 and fault.method == method and re.fullmatch(fault.pattern, path):
                fault.count -= 1
                return fault
        return None

    def new_id(self) -> int:
        self._next += 1
        return self._next

    def add_pull(self, number: int, *, merge_sha: str = "", merged: bool = True) -> None:
        self.issues[number] = {"number": number, "title": f"PR {number}", "body": "", "state": "open",
                               "user": {"login": "dev"}, "labels": [], "pull_request": {}}
        if merge_sha:
            self.pulls.setdefault(merge_sha, []).append(
                {"number": number, "merge_commit_sha": merge_sha, "merged_at": "2026-01-01T00:00:00Z" if merged else None})

    def add_comment(self, issue: int, body: str, author: str) -> dict[str, Any]:
        comment = {"id": self.new_id(), "issue": issue, "body": body, "user": {"login": author}}
        comment["html_url"] = f"https://github.test/{REPO}/pull/{issue}#issuecomment-{comment['id']}"
        self.comments.append(comment)
        return comment

    def comments_on(self, issue: int) -> list[dict[str, Any]]:
        return [c for c in self.comments if c["issue"] == issue]

    def writes(self) -> list[tuple[str, str]]:
        return [(m, p) for m, p in self.log if m != "GET"]


def _routes(fake: FakeGitHub, who: str, method: str, path: str, query: dict[str, str],
            body: dict[str, Any]) -> tuple[int, Any]:
    base = f"/repos/{REPO}"
    if path == "/user":
        return (403, {"message": "Resource not accessible by integration"}) if who == BOT else (200, {"login": who})
    if not path.startswith(base + "/"):
        return 404, {"message": "Not Found"}
    rest = path[len(base):]
    if m := re.fullmatch(r"/issues/(\d+)/comments", rest):
        issue = int(m.group(1))
        if issue not in fake.issues:
            return 404, {"message": "Not Found"}
        if method == "GET":
            return 200, fake.comments_on(issue)
        if len(body["body"]) > 65_536:
            return 422, {"message": "Validation Failed: body is too long (maximum is 65536 characters)"}
        return 201, fake.add_comment(issue, body["body"], who)
    if (m := re.fullmatch(r"/issues/comments/(\d+)", rest)) and method == "PATCH":
        comment = next((c for c in fake.comments if c["id"] == int(m.group(1))), None)
        if comment is None:
            return 404, {"message": "Not Found"}
        if comment["user"]["login"] != who:
            return 403, {"message": "Must have admin rights to Repository."}
        if len(body["body"]) > 65_536:
            return 422, {"message": "body is too long"}
        comment["body"] = body["body"]
        return 200, comment
    if m := re.fullmatch(r"/commits/([0-9a-f]+)/pulls", rest):
        return 200, fake.pulls.get(m.group(1), [])
    if rest == "/issues" and method == "GET":
        found = [i for i in fake.issues.values() if i["state"] == query.get("state", "open")
                 and ("creator" not in query or i["user"]["login"] == query["creator"])]
        return 200, found
    if rest == "/issues" and method == "POST":
        number = fake.new_id()
        fake.issues[number] = {"number": number, "title": body["title"], "body": body["body"], "state": "open",
                               "user": {"login": who}, "labels": [{"name": n} for n in body.get("labels", [])],
                               "html_url": f"https://github.test/{REPO}/issues/{number}"}
        return 201, fake.issues[number]
    if (m := re.fullmatch(r"/issues/(\d+)", rest)) and method == "PATCH":
        edited = fake.issues.get(int(m.group(1)))
        if edited is None:
            return 404, {"message": "Not Found"}
        if any(len(str(v)) > 65_536 for v in body.values()):
            return 422, {"message": "body is too long"}
        edited.update(body)
        return 200, edited
    if (m := re.fullmatch(r"/issues/(\d+)/labels", rest)) and method == "POST":
        labels = fake.issues[int(m.group(1))]["labels"]
        labels += [{"name": n} for n in body["labels"] if {"name": n} not in labels]
        return 200, labels
    if (m := re.fullmatch(r"/issues/(\d+)/labels/(.+)", rest)) and method == "DELETE":
        labels = fake.issues[int(m.group(1))]["labels"]
        if {"name": unquote(m.group(2))} not in labels:
            return 404, {"message": "Label does not exist"}
        labels.remove({"name": unquote(m.group(2))})
        return 200, labels
    return 404, {"message": "Not Found"}


def _handler(fake: FakeGitHub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def _serve(self) -> None:
            parts = urlsplit(self.path)
            fake.log.append((self.command, parts.path))
            auth = self.headers.get("Authorization", "")
            fake.headers.append(auth)
            who = fake.tokens.get(auth.removeprefix("Bearer "))
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length)) if length else {}
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            fault = fake.fault_for(self.command, parts.path)
            if fault is not None:
                if fault.land and who is not None:
                    _routes(fake, who, self.command, parts.path, query, body)
                raw = fault.body if isinstance(fault.body, bytes) else (
                    b"" if fault.body is None else json.dumps(fault.body).encode())
                self.send_response(fault.status)
                self.send_header("Content-Type", fault.content_type)
                self.send_header("Content-Length", str(len(raw)))
                for name, value in fault.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(raw)
                return
            if who is None:
                status, data = 401, {"message": "Bad credentials"}
            else:
                status, data = _routes(fake, who, self.command, parts.path, query, body)
            headers: dict[str, str] = {}
            if isinstance(data, list) and status == 200 and self.command == "GET":
                page = int(query.get("page", "1"))
                rest = {k: v for k, v in query.items() if k not in ("page", "per_page")}
                extra = "".join(f"&{k}={v}" for k, v in rest.items())
                if page * PAGE < len(data):
                    headers["Link"] = f'<{fake.url}{parts.path}?page={page + 1}{extra}>; rel="next"'
                data = data[(page - 1) * PAGE: page * PAGE]
            raw = json.dumps(data).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(raw)

        do_GET = do_POST = do_PATCH = do_DELETE = _serve

    return Handler


def serve() -> Iterator[FakeGitHub]:
    """The fake on a free port for the length of a test."""
    fake = FakeGitHub()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
