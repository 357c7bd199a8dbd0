"""SQLite state of the emulator: users, tokens, items, tasks, runs and GP jobs.

Tasks, runs and jobs are stored as JSON documents next to the few columns queries need, so the
wire shape can grow without migrations. One connection, one re-entrant lock: the HTTP threads and
the scheduler thread share it, and `lock` is also held around whole operations by callers.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterable
from typing import Any

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users (
    username TEXT PRIMARY KEY, password TEXT NOT NULL, role TEXT NOT NULL,
    privileges TEXT NOT NULL, full_name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tokens (
    token TEXT PRIMARY KEY, username TEXT NOT NULL, expires INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS items (
    id TEXT PRIMARY KEY, owner TEXT NOT NULL, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tasks (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE NOT NULL, user_id TEXT NOT NULL,
    type TEXT NOT NULL, item_id TEXT, active INTEGER NOT NULL, next_start INTEGER, doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS tasks_due ON tasks (active, next_start);
CREATE INDEX IF NOT EXISTS tasks_user ON tasks (user_id, seq);
CREATE INDEX IF NOT EXISTS tasks_quota ON tasks (type, user_id, active);
CREATE TABLE IF NOT EXISTS runs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, run_id TEXT UNIQUE NOT NULL, task_id TEXT NOT NULL,
    status TEXT NOT NULL, finish_at INTEGER, doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS runs_task ON runs (task_id);
CREATE TABLE IF NOT EXISTS jobs (job_id TEXT PRIMARY KEY, doc TEXT NOT NULL);
"""


class Store:
    """All persistence. `path=None` keeps everything in memory."""

    def __init__(self, path: str | None = None) -> None:
        if path and os.path.dirname(path):
            os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)  # e.g. .reconciler/emulator.sqlite
        if path:
            # Tokens and the users' password hashes live here: readable by its owner only, and
            # so are SQLite's -wal and -shm files (they take the database file's mode).
            os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
            os.chmod(path, 0o600)
        self.lock = threading.RLock()
        self._db = sqlite3.connect(path or ":memory:", check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        if path:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        with self.lock:
            self._db.close()

    def _exec(self, sql: str, args: Iterable[Any] = ()) -> sqlite3.Cursor:
        with self.lock:
            return self._db.execute(sql, tuple(args))

    # meta ---------------------------------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        row = self._exec("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row["value"])

    def set_meta(self, key: str, value: str) -> None:
        self._exec("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    # users and tokens ---------------------------------------------------------------------------

    def put_user(self, username: str, password: str, role: str, privileges: list[str], full_name: str) -> None:
        self._exec(
            "INSERT OR REPLACE INTO users VALUES (?, ?, ?, ?, ?)",
            (username, password, role, json.dumps(privileges), full_name),
        )

    def user(self, username: str) -> dict[str, Any] | None:
        row = self._exec("SELECT * FROM users WHERE username = ?", (username,)).fetchone()
        if row is None:
            return None
        return {**dict(row), "privileges": json.loads(row["privileges"])}

    def usernames(self) -> list[str]:
        return [row[0] for row in self._exec("SELECT username FROM users ORDER BY username")]

    def user_count(self) -> int:
        return int(self._exec("SELECT COUNT(*) FROM users").fetchone()[0])

    def delete_users(self) -> None:
        self._exec("DELETE FROM users")

    def put_token(self, token: str, username: str, expires: int) -> None:
        self._exec("INSERT INTO tokens VALUES (?, ?, ?)", (token, username, expires))

    def token(self, token: str) -> tuple[str, int] | None:
        row = self._exec("SELECT username, expires FROM tokens WHERE token = ?", (token,)).fetchone()
        return None if row is None else (str(row["username"]), int(row["expires"]))

    def delete_tokens(self) -> int:
        return self._exec("DELETE FROM tokens").rowcount

    # items ------------------------------------------------------------------------------------

    def put_item(self, doc: dict[str, Any]) -> None:
        self._exec("INSERT OR REPLACE INTO items VALUES (?, ?, ?)", (doc["id"], doc["owner"], json.dumps(doc)))

    def item(self, item_id: str) -> dict[str, Any] | None:
        row = self._exec("SELECT doc FROM items WHERE id = ?", (item_id,)).fetchone()
        return None if row is None else dict(json.loads(row["doc"]))

    def items_of(self, owner: str, *, offset: int, limit: int) -> tuple[int, list[dict[str, Any]]]:
        """(how many items `owner` has, one page of them in creation order)."""
        total = self._exec("SELECT COUNT(*) FROM items WHERE owner = ?", (owner,)).fetchone()[0]
        rows = self._exec("SELECT doc FROM items WHERE owner = ? ORDER BY rowid LIMIT ? OFFSET ?",
                          (owner, limit, offset)).fetchall()
        return total, [dict(json.loads(r["doc"])) for r in rows]

    def delete_item(self, item_id: str) -> None:
        self._exec("DELETE FROM items WHERE id = ?", (item_id,))

    # tasks ------------------------------------------------------------------------------------

    def put_task(self, doc: dict[str, Any]) -> None:
        """Insert or update by id; the insertion order (`seq`) is kept on update. The `active`
        column is what the wire's `active` means: taskState "active"."""
        self._exec(
            "INSERT INTO tasks (id, user_id, type, item_id, active, next_start, doc) VALUES (?,?,?,?,?,?,?) "
            "ON CONFLICT(id) DO UPDATE SET user_id=excluded.user_id, type=excluded.type, item_id=excluded.item_id, "
            "active=excluded.active, next_start=excluded.next_start, doc=excluded.doc",
            (doc["id"], doc["userId"], doc["type"], doc.get("itemId"), int(doc["taskState"] == "active"), doc.get("nextStart"),
             json.dumps(doc)),
        )

    def task(self, task_id: str) -> dict[str, Any] | None:
        row = self._exec("SELECT doc FROM tasks WHERE id = ?", (task_id,)).fetchone()
        return None if row is None else dict(json.loads(row["doc"]))

    def tasks(
        self,
        *,
        user_id: str | None = None,
        active: bool | None = None,
        types: list[str] | None = None,
        item_id: str | None = None,
        states: list[str] | None = None,
        order: tuple[str, bool] | None = None,
        offset: int = 0,
        limit: int = -1,
    ) -> tuple[int, list[dict[str, Any]]]:
        """(total matching, one page of documents): in creation order, or by `order` = (task field,
        descending), ties by creation order (reversed too when descending), so pages never overlap
        or skip."""
        where, args = _task_filter(user_id=user_id, active=active, types=types, item_id=item_id, states=states)
        total = int(self._exec(f"SELECT COUNT(*) FROM tasks {where}", args).fetchone()[0])
        direction = "DESC" if order and order[1] else "ASC"
        key = f"{_sort_key(order[0])} {direction}, " if order and order[0] else ""
        rows = self._exec(f"SELECT doc FROM tasks {where} ORDER BY {key}seq {direction} LIMIT ? OFFSET ?",
                          [*args, limit, offset])
        return total, [json.loads(r["doc"]) for r in rows.fetchall()]

    def count_tasks(self, *, task_type: str, user_id: str | None = None, active: bool | None = None) -> int:
        where, args = _task_filter(user_id=user_id, active=active, types=[task_type], item_id=None, states=None)
        return int(self._exec(f"SELECT COUNT(*) FROM tasks {where}", args).fetchone()[0])

    def next_due_task(self, until: int) -> dict[str, Any] | None:
        row = self._exec(
            "SELECT doc FROM tasks WHERE active = 1 AND next_start IS NOT NULL AND next_start <= ? "
            "ORDER BY next_start, seq LIMIT 1",
            (until,),
        ).fetchone()
        return None if row is None else dict(json.loads(row["doc"]))

    def delete_task(self, task_id: str) -> None:
        with self.lock:
            self._db.execute("DELETE FROM runs WHERE task_id = ?", (task_id,))
            self._db.execute("DELETE FROM tasks WHERE id = ?", (task_id,))

    # runs -------------------------------------------------------------------------------------

    def put_run(self, doc: dict[str, Any]) -> None:
        """Insert or update by runId, keeping `seq`; `_finishAt` in the document is when its GP job ends."""
        self._exec(
            "INSERT INTO runs (run_id, task_id, status, finish_at, doc) VALUES (?,?,?,?,?) "
            "ON CONFLICT(run_id) DO UPDATE SET status=excluded.status, finish_at=excluded.finish_at, doc=excluded.doc",
            (doc["runId"], doc["taskId"], doc["status"], doc.get("_finishAt"), json.dumps(doc)),
        )

    def run(self, task_id: str, run_id: str) -> dict[str, Any] | None:
        row = self._exec("SELECT doc FROM runs WHERE task_id = ? AND run_id = ?", (task_id, run_id)).fetchone()
        return None if row is None else dict(json.loads(row["doc"]))

    def runs(self, task_id: str) -> list[dict[str, Any]]:
        """Newest first."""
        rows = self._exec("SELECT doc FROM runs WHERE task_id = ? ORDER BY seq DESC", (task_id,)).fetchall()
        return [json.loads(r["doc"]) for r in rows]

    def all_runs(self) -> list[dict[str, Any]]:
        rows = self._exec("SELECT doc FROM runs ORDER BY seq").fetchall()
        return [json.loads(r["doc"]) for r in rows]

    def delete_run(self, run_id: str) -> None:
        self._exec("DELETE FROM runs WHERE run_id = ?", (run_id,))

    def trim_runs(self, task_id: str, keep: int) -> None:
        self._exec(
            "DELETE FROM runs WHERE task_id = ? AND seq NOT IN "
            "(SELECT seq FROM runs WHERE task_id = ? ORDER BY seq DESC LIMIT ?)",
            (task_id, task_id, keep),
        )

    def has_running_run(self, task_id: str) -> bool:
        """Whether a run of the task is `scheduled` or `executing`."""
        row = self._exec(
            "SELECT 1 FROM runs WHERE task_id = ? AND status IN ('scheduled', 'executing') LIMIT 1", (task_id,)
        )
        return row.fetchone() is not None

    def next_run_event(self, until: int) -> dict[str, Any] | None:
        """The scheduled run to submit, or executing run whose job ends, first at or before `until`."""
        row = self._exec(
            "SELECT doc FROM runs WHERE status IN ('scheduled', 'executing') AND finish_at IS NOT NULL "
            "AND finish_at <= ? ORDER BY finish_at, seq LIMIT 1",
            (until,),
        ).fetchone()
        return None if row is None else dict(json.loads(row["doc"]))

    # jobs -------------------------------------------------------------------------------------

    def put_job(self, doc: dict[str, Any]) -> None:
        self._exec("INSERT OR REPLACE INTO jobs VALUES (?, ?)", (doc["jobId"], json.dumps(doc)))

    def job(self, job_id: str) -> dict[str, Any] | None:
        row = self._exec("SELECT doc FROM jobs WHERE job_id = ?", (job_id,)).fetchone()
        return None if row is None else dict(json.loads(row["doc"]))


SORT_FIELDS = ("created", "updated", "title", "type", "nextStart", "lastStart")


def _sort_key(name: str) -> str:
    """SQL for one of SORT_FIELDS (never user text): titles case-insensitively, unset times first [I]."""
    if name not in SORT_FIELDS:
        raise ValueError(f"cannot sort tasks by {name!r}")
    return f"json_extract(doc, '$.{name}')" + (" COLLATE NOCASE" if name in ("title", "type") else "")


def _task_filter(
    *, user_id: str | None, active: bool | None, types: list[str] | None, item_id: str | None,
    states: list[str] | None,
) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    args: list[Any] = []
    if user_id is not None:
        clauses.append("user_id = ?")
        args.append(user_id)
    if active is not None:
        clauses.append("active = ?")
        args.append(int(active))
    if types:
        clauses.append(f"type IN ({','.join('?' * len(types))})")
        args.extend(types)
    if item_id is not None:
        clauses.append("item_id = ?")
        args.append(item_id)
    if states:
        clauses.append(f"json_extract(doc, '$.taskState') IN ({','.join('?' * len(states))})")
        args.extend(states)
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", args
