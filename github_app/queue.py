"""Durable queue between the webhook and Dagster: deliveries, then runs to launch.

A delivery is stored before the webhook answers, keyed by ``X-GitHub-Delivery`` so a redelivery is
a no-op. Triage turns deliveries into generation requests; a launcher (the served app's warm worker
or the Dagster sensor) claims each pending run exactly once. After a crash, unfinished deliveries
and claimed-but-unfinished runs are picked up again.

Storage is SQLite by default (a file beside the instance) or PostgreSQL when given a
``postgresql://`` URL (``NODEGEN_QUEUE_URL``), through SQLAlchemy Core, which Dagster already uses.
Tables are prefixed ``nodegen_`` so the queue can share a database with Dagster's storage.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Float,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    create_engine,
    event,
    func,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

_metadata = MetaData()
deliveries = Table(
    "nodegen_deliveries",
    _metadata,
    Column("delivery_id", String, primary_key=True),
    Column("event", String, nullable=False),
    Column("body", LargeBinary, nullable=False),
    Column("received_at", Float, nullable=False),
    Column("status", String, nullable=False, server_default="new"),
    Column("note", String, nullable=False, server_default=""),
)
thread_requests = Table(
    "nodegen_thread_requests",
    _metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("repository", String, nullable=False),
    Column("issue_number", Integer, nullable=False),
    Column("request_id", String, nullable=False),
)
runs = Table(
    "nodegen_runs",
    _metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("request_id", String, nullable=False, unique=True),
    Column("delivery_id", String, nullable=False),
    Column("status", String, nullable=False, server_default="pending"),
    Column("created_at", Float, nullable=False),
    Column("claimed_at", Float),
)


@dataclass(frozen=True)
class Delivery:
    """A stored webhook delivery."""

    delivery_id: str
    event: str
    body: bytes


def engine_for(location: Path | str) -> Engine:
    """A SQLAlchemy engine for a SQLite path or a PostgreSQL URL (WAL mode on SQLite)."""
    url = str(location)
    if not url.startswith(("postgresql://", "postgresql+", "sqlite:")):
        Path(url).parent.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{url}"
    if url.startswith("postgresql://"):
        url = url.replace("postgresql://", "postgresql+psycopg2://", 1)
    engine = create_engine(url, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _pragmas(connection: Any, _record: Any) -> None:
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode = WAL")  # readers never block the webhook
            cursor.execute("PRAGMA synchronous = NORMAL")  # durable against process crashes
            cursor.execute("PRAGMA busy_timeout = 30000")
            cursor.close()

    return engine


class RequestQueue:
    """The durable queue; safe to share between threads and processes."""

    def __init__(self, location: Path | str) -> None:
        self.location = location
        self.engine = engine_for(location)
        _metadata.create_all(self.engine)
        dialect = postgresql if self.engine.dialect.name == "postgresql" else sqlite
        self._insert = dialect.insert

    def record(self, delivery_id: str, event_name: str, body: bytes) -> bool:
        """Store a delivery; False when this delivery id was seen before."""
        statement = (
            self._insert(deliveries)
            .values(delivery_id=delivery_id, event=event_name, body=body, received_at=time.time())
            .on_conflict_do_nothing(index_elements=["delivery_id"])
        )
        with self.engine.begin() as db:
            return db.execute(statement).rowcount == 1

    def new_deliveries(self, limit: int = 50) -> list[Delivery]:
        """Deliveries not yet triaged, oldest first."""
        query = (
            select(deliveries.c.delivery_id, deliveries.c.event, deliveries.c.body)
            .where(deliveries.c.status == "new")
            .order_by(deliveries.c.received_at)
            .limit(limit)
        )
        with self.engine.connect() as db:
            return [Delivery(r[0], r[1], bytes(r[2])) for r in db.execute(query)]

    def finish_delivery(self, delivery_id: str, note: str) -> None:
        """Mark a delivery triaged, with what became of it."""
        with self.engine.begin() as db:
            db.execute(
                update(deliveries)
                .where(deliveries.c.delivery_id == delivery_id)
                .values(status="done", note=note)
            )

    def enqueue_run(self, request_id: str, delivery_id: str) -> None:
        """A generation request waiting for a launcher."""
        statement = (
            self._insert(runs)
            .values(request_id=request_id, delivery_id=delivery_id, created_at=time.time())
            .on_conflict_do_nothing(index_elements=["request_id"])
        )
        with self.engine.begin() as db:
            db.execute(statement)

    def remember(self, repository: str, issue_number: int, request_id: str) -> None:
        """Record a request against its issue or PR, for ``/generate-node retry``."""
        with self.engine.begin() as db:
            db.execute(
                thread_requests.insert().values(
                    repository=repository, issue_number=issue_number, request_id=request_id
                )
            )

    def last_request(self, repository: str, issue_number: int) -> str | None:
        """The newest request made on that issue or PR."""
        query = (
            select(thread_requests.c.request_id)
            .where(
                thread_requests.c.repository == repository,
                thread_requests.c.issue_number == issue_number,
            )
            .order_by(thread_requests.c.seq.desc())
            .limit(1)
        )
        with self.engine.connect() as db:
            row = db.execute(query).first()
        return None if row is None else str(row[0])

    def runs_after(self, position: int, limit: int) -> list[tuple[int, str]]:
        """Pending runs queued after ``position`` (a sequence number), for the sensor's cursor."""
        query = (
            select(runs.c.seq, runs.c.request_id)
            .where(runs.c.status == "pending", runs.c.seq > position)
            .order_by(runs.c.seq)
            .limit(limit)
        )
        with self.engine.connect() as db:
            return [(int(r[0]), str(r[1])) for r in db.execute(query)]

    def claim_runs(self, limit: int) -> list[str]:
        """Atomically claim up to ``limit`` pending runs, oldest first (SKIP LOCKED on PostgreSQL,
        so concurrent launchers never take the same run)."""
        oldest = (
            select(runs.c.seq)
            .where(runs.c.status == "pending")
            .order_by(runs.c.seq)
            .limit(limit)
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
        statement = (
            update(runs)
            .where(runs.c.seq.in_(oldest))
            .values(status="claimed", claimed_at=time.time())
            .returning(runs.c.seq, runs.c.request_id)
        )
        with self.engine.begin() as db:
            rows = db.execute(statement).all()
        return [str(r[1]) for r in sorted(rows)]

    def finish_run(self, request_id: str) -> None:
        """The run for ``request_id`` ended (whatever its outcome)."""
        with self.engine.begin() as db:
            db.execute(update(runs).where(runs.c.request_id == request_id).values(status="done"))

    def release_claims(self) -> int:
        """After a restart: runs claimed by a process that died go back to pending."""
        with self.engine.begin() as db:
            return db.execute(
                update(runs).where(runs.c.status == "claimed").values(status="pending")
            ).rowcount

    def counts(self) -> dict[str, int]:
        """Rows per table and status, for health and tests."""
        result = {}
        with self.engine.connect() as db:
            for label, table in (("deliveries", deliveries), ("runs", runs)):
                query = select(table.c.status, func.count()).group_by(table.c.status)
                for status, count in db.execute(query):
                    result[f"{label}.{status}"] = int(count)
        return result
