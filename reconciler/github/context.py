"""What GitHub Actions tells a step through its environment: the repository, the API, the run,
the token and the event (GITHUB_EVENT_PATH's JSON, read by the caller)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from reconciler.errors import UsageError


@dataclass(frozen=True, kw_only=True)
class Context:
    repository: str  # owner/name
    token: str = field(repr=False)
    api_url: str = "https://api.github.com"
    server_url: str = "https://github.com"
    run_id: str = ""
    sha: str = ""
    ref_name: str = ""  # GITHUB_REF_NAME: on a schedule run, the default branch
    event: Mapping[str, Any] = field(default_factory=dict)

    @property
    def run_url(self) -> str:
        base = f"{self.server_url.rstrip('/')}/{self.repository}"
        return f"{base}/actions/runs/{self.run_id}" if self.run_id else base

    @property
    def pull_request(self) -> int | None:
        number = (self.event.get("pull_request") or {}).get("number")
        return int(number) if isinstance(number, int) else None

    @property
    def head_sha(self) -> str:
        """The pull request's head commit (GITHUB_SHA of a pull_request event is a merge commit)."""
        head = ((self.event.get("pull_request") or {}).get("head") or {}).get("sha")
        return str(head) if head else self.sha

    @property
    def default_branch(self) -> str:
        """The event's repository.default_branch; a schedule event has no repository object, but
        runs on the default branch (GITHUB_REF_NAME)."""
        repository = self.event.get("repository")
        named = repository.get("default_branch") if isinstance(repository, dict) else None
        return str(named or self.ref_name or "main")


def from_environment(environ: Mapping[str, str], event_text: str | None) -> Context:
    """The context, or a UsageError naming what is missing (the token's value is never shown)."""
    missing = [name for name in ("GITHUB_TOKEN", "GITHUB_REPOSITORY") if not environ.get(name)]
    if missing:
        raise UsageError(f"{' and '.join(missing)} not set: run this in GitHub Actions, with "
                         "`env: GITHUB_TOKEN: ${{ github.token }}` on the step")
    try:
        event = json.loads(event_text) if event_text else {}
    except ValueError as e:
        raise UsageError(f"GITHUB_EVENT_PATH: not JSON ({e})") from None
    return Context(repository=environ["GITHUB_REPOSITORY"], token=environ["GITHUB_TOKEN"],
                   api_url=environ.get("GITHUB_API_URL") or "https://api.github.com",
                   server_url=environ.get("GITHUB_SERVER_URL") or "https://github.com",
                   run_id=environ.get("GITHUB_RUN_ID", ""), sha=environ.get("GITHUB_SHA", ""),
                   ref_name=environ.get("GITHUB_REF_NAME", ""),
                   event=event if isinstance(event, dict) else {})
