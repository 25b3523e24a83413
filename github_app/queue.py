"""Durable queue between the webhook and Dagster (SQLite): deliveries, then runs to launch.

A delivery is stored before the webhook answers, keyed by ``X-GitHub-Delivery`` so a redelivery is
a no-op. Triage turns deliveries into generation requests; a launcher (the served app's warm worker
or the Dagster sensor) claims each pending run exactly once. After a crash, unfinished deliveries
and claimed-but-unfinished runs are picked up again.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

_SCHEMA = """
PRAGMA journal_mode = WAL;
CREATE TABLE IF NOT EXISTS deliveries (
    delivery_id TEXT PRIMARY KEY,
    event TEXT NOT NULL,
    body BLOB NOT NULL,
    received_at REAL NOT NULL,
    status TEXT NOT NULL DEFAULT 'new',
    note TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS thread_requests (
    repository TEXT NOT NULL,
    issue_number INTEGER NOT NULL,
    request_id TEXT NOT NULL,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
    request_id TEXT PRIMARY KEY,
    delivery_id TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    created_at REAL NOT NULL,
    claimed_at REAL
);
"""


@dataclass(frozen=True)
class Delivery:
    """A stored webhook delivery."""

    delivery_id: str
    event: str
    body: bytes


class RequestQueue:
    """The durable queue; safe to share between threads and processes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._local = threading.local()
        with self._connect() as db:
            db.executescript(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """This thread's connection (opened once; WAL, autocommit, durable against crashes)."""
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(
                self.path, timeout=30, isolation_level=None, check_same_thread=True
            )
            db.execute("PRAGMA synchronous = NORMAL")
            self._local.db = db
        yield db

    def record(self, delivery_id: str, event: str, body: bytes) -> bool:
        """Store a delivery; False when this delivery id was seen before."""
        with self._lock, self._connect() as db:
            cursor = db.execute(
                "INSERT OR IGNORE INTO deliveries (delivery_id, event, body, received_at) "
                "VALUES (?, ?, ?, ?)",
                (delivery_id, event, body, time.time()),
            )
            return cursor.rowcount == 1

    def new_deliveries(self, limit: int = 50) -> list[Delivery]:
        """Deliveries not yet triaged, oldest first."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT delivery_id, event, body FROM deliveries WHERE status = 'new' "
                "ORDER BY received_at LIMIT ?",
                (limit,),
            ).fetchall()
        return [Delivery(r[0], r[1], bytes(r[2])) for r in rows]

    def finish_delivery(self, delivery_id: str, note: str) -> None:
        """Mark a delivery triaged, with what became of it."""
        with self._lock, self._connect() as db:
            db.execute(
                "UPDATE deliveries SET status = 'done', note = ? WHERE delivery_id = ?",
                (note, delivery_id),
            )

    def enqueue_run(self, request_id: str, delivery_id: str) -> None:
        """A generation request waiting for a launcher."""
        with self._lock, self._connect() as db:
            db.execute(
                "INSERT OR IGNORE INTO runs (request_id, delivery_id, created_at) VALUES (?, ?, ?)",
                (request_id, delivery_id, time.time()),
            )

    def remember(self, repository: str, issue_number: int, request_id: str) -> None:
        """Record a request against its issue or PR, for ``/generate-node retry``."""
        with self._lock, self._connect() as db:
            db.execute(
                "INSERT INTO thread_requests VALUES (?, ?, ?, ?)",
                (repository, issue_number, request_id, time.time()),
            )

    def last_request(self, repository: str, issue_number: int) -> str | None:
        """The newest request made on that issue or PR."""
        with self._connect() as db:
            row = db.execute(
                "SELECT request_id FROM thread_requests WHERE repository = ? AND issue_number = ? "
                "ORDER BY created_at DESC LIMIT 1",
                (repository, issue_number),
            ).fetchone()
        return None if row is None else str(row[0])

    def runs_after(self, position: int, limit: int) -> list[tuple[int, str]]:
        """Pending runs queued after ``position`` (a row id), for a cursor-driven sensor."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT rowid, request_id FROM runs WHERE status = 'pending' AND rowid > ? "
                "ORDER BY rowid LIMIT ?",
                (position, limit),
            ).fetchall()
        return [(int(r[0]), str(r[1])) for r in rows]

    def claim_runs(self, limit: int) -> list[str]:
        """Atomically claim up to ``limit`` pending runs, oldest first."""
        with self._lock, self._connect() as db:
            rows = db.execute(
                "UPDATE runs SET status = 'claimed', claimed_at = ? WHERE request_id IN "
                "(SELECT request_id FROM runs WHERE status = 'pending' "
                "ORDER BY created_at LIMIT ?) "
                "RETURNING request_id, created_at",
                (time.time(), limit),
            ).fetchall()
        return [r[0] for r in sorted(rows, key=lambda r: r[1])]

    def finish_run(self, request_id: str) -> None:
        """The run for ``request_id`` ended (whatever its outcome)."""
        with self._lock, self._connect() as db:
            db.execute("UPDATE runs SET status = 'done' WHERE request_id = ?", (request_id,))

    def release_claims(self) -> int:
        """After a restart: runs claimed by a process that died go back to pending."""
        with self._lock, self._connect() as db:
            return db.execute(
                "UPDATE runs SET status = 'pending' WHERE status = 'claimed'"
            ).rowcount

    def counts(self) -> dict[str, int]:
        """Rows per table and status, for health and tests."""
        with self._connect() as db:
            result = {}
            for table in ("deliveries", "runs"):
                for status, count in db.execute(
                    f"SELECT status, COUNT(*) FROM {table} GROUP BY status"
                ):
                    result[f"{table}.{status}"] = count
        return result
