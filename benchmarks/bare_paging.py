"""The baseline: sign in and page through the publisher's task listing, nothing else. What a plan
with no changes cannot beat (it must read every task), so its time is the physical floor.

    python benchmarks/bare_paging.py <sharing URL>     (RECONCILER_PASSWORD: publisher's)
"""

from __future__ import annotations

import os
import sys

import requests


def main(sharing: str) -> int:
    session = requests.Session()
    token = session.post(f"{sharing}/generateToken", data={
        "username": "publisher", "password": os.environ["RECONCILER_PASSWORD"], "referer": sharing,
        "expiration": "60", "f": "json"}, timeout=60).json()["token"]
    start, seen = 1, 0
    while start > 0:
        page = session.get(f"{sharing}/community/users/publisher/tasks",
                           params={"start": str(start), "num": "100", "f": "json", "token": token}, timeout=60).json()
        seen += len(page.get("tasks") or ())
        start = page.get("nextStart", -1)
    print(f"{seen} tasks")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
