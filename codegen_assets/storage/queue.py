"""Durable queue between the webhook and Dagster: deliveries, then runs to launch.

A delivery is stored before the webhook answers, keyed by ``X-GitHub-Delivery`` so a redelivery is
a no-op. Triage turns deliveries into generation requests; a launcher (the served app's warm worker
or the Dagster sensor) claims each pending run exactly once. After a crash, unfinished deliveries
and claimed-but-unfinished runs are picked up again.

A delivery or run that fails transiently waits (bounded exponential backoff) while the others go
on; one that fails permanently, or exhausts its attempts, is dead-lettered with its reason and
kept until ``omninode-github dead-letters redrive`` puts it back.

Storage is the configured database (``storage.db``): a SQLite file in the home, or PostgreSQL
when ``NODEGEN_DATABASE_URL`` is set.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Column, Table, and_, func, select, update

from codegen_assets.storage.db import Location, chunks, delete_where, insert_for, open_database
from codegen_assets.storage.schema import deliveries, runs, thread_requests

Kind = Literal["deliveries", "runs"]
_TABLES: dict[Kind, Table] = {"deliveries": deliveries, "runs": runs}
_KEYS: dict[Kind, Column[str]] = {"deliveries": deliveries.c.delivery_id, "runs": runs.c.request_id}


@dataclass(frozen=True)
class Backoff:
    """Bounded exponential backoff for transient failures."""

    max_attempts: int = 6
    base_seconds: float = 2.0
    cap_seconds: float = 60.0

    def delay(self, attempts: int) -> float:
        """The wait after failed attempt number ``attempts`` (1-based)."""
        return float(min(self.base_seconds * 2 ** (attempts - 1), self.cap_seconds))


@dataclass(frozen=True)
class DeadLetter:
    """A delivery or run that will not be retried until re-driven."""

    kind: Kind
    key: str
    attempts: int
    reason: str


@dataclass(frozen=True)
class Delivery:
    """A stored webhook delivery."""

    delivery_id: str
    event: str
    body: bytes


class RequestQueue:
    """The durable queue; safe to share between threads and processes."""

    def __init__(self, location: Location, backoff: Backoff | None = None) -> None:
        self.location = location
        self.backoff = backoff or Backoff()
        self.engine = open_database(location)
        self._insert = insert_for(self.engine)

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
        """Deliveries due for triage (not waiting out a backoff), oldest first."""
        query = (
            select(deliveries.c.delivery_id, deliveries.c.event, deliveries.c.body)
            .where(deliveries.c.status == "new", deliveries.c.next_attempt_at <= time.time())
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

    def retry_later(self, kind: Kind, key: str, error: str) -> bool:
        """A transient failure: try again after the backoff; dead-letter it once attempts run
        out. Returns True while it will be retried."""
        table, column = _TABLES[kind], _KEYS[kind]
        with self.engine.begin() as db:
            row = db.execute(select(table.c.attempts).where(column == key)).first()
            attempts = (int(row[0]) if row else 0) + 1
            if attempts >= self.backoff.max_attempts:
                reason = f"gave up after {attempts} attempts: {error}"
                self._dead(db, kind, key, attempts, reason)
                return False
            values: dict[str, Any] = {
                "attempts": attempts,
                "next_attempt_at": time.time() + self.backoff.delay(attempts),
                "status": "new" if kind == "deliveries" else "pending",
            }
            values["note" if kind == "deliveries" else "error"] = f"retrying: {error}"
            db.execute(update(table).where(column == key).values(**values))
        return True

    def dead_letter(self, kind: Kind, key: str, reason: str) -> None:
        """A permanent failure: keep it, with its reason, out of the way of the others."""
        with self.engine.begin() as db:
            row = db.execute(select(_TABLES[kind].c.attempts).where(_KEYS[kind] == key)).first()
            self._dead(db, kind, key, (int(row[0]) if row else 0) + 1, reason)

    @staticmethod
    def _dead(db: Any, kind: Kind, key: str, attempts: int, reason: str) -> None:
        values: dict[str, Any] = {"status": "dead", "attempts": attempts}
        values["note" if kind == "deliveries" else "error"] = reason
        db.execute(update(_TABLES[kind]).where(_KEYS[kind] == key).values(**values))

    def dead_letters(self) -> list[DeadLetter]:
        """Every dead-lettered delivery and run."""
        found: list[DeadLetter] = []
        with self.engine.connect() as db:
            for kind, table in _TABLES.items():
                reason = table.c.note if kind == "deliveries" else table.c.error
                query = select(_KEYS[kind], table.c.attempts, reason).where(
                    table.c.status == "dead"
                )
                found += [
                    DeadLetter(kind, str(r[0]), int(r[1]), str(r[2]))
                    for r in db.execute(query.order_by(_KEYS[kind]))
                ]
        return found

    def redrive(self, keys: list[str] | None = None) -> list[str]:
        """Put dead-lettered deliveries and runs (all, or those named) back in the queue."""
        moved: list[str] = []
        with self.engine.begin() as db:
            for kind, table in _TABLES.items():
                column = _KEYS[kind]
                where = [table.c.status == "dead"]
                if keys is not None:
                    where.append(column.in_(keys))
                found = [str(r[0]) for r in db.execute(select(column).where(*where))]
                if found:
                    db.execute(
                        update(table)
                        .where(column.in_(found))
                        .values(
                            status="new" if kind == "deliveries" else "pending",
                            attempts=0,
                            next_attempt_at=0.0,
                        )
                    )
                moved += found
        return sorted(moved)

    def oldest_waiting_delivery_age(self) -> float | None:
        """Seconds since the oldest delivery still waiting for triage arrived, if any."""
        query = select(func.min(deliveries.c.received_at)).where(deliveries.c.status == "new")
        with self.engine.connect() as db:
            oldest = db.execute(query).scalar()
        return None if oldest is None else time.time() - float(oldest)

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
            .where(runs.c.status == "pending", runs.c.next_attempt_at <= time.time())
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

    def undelivered_requests(self) -> set[str]:
        """Requests whose run the queue has not finished: waiting, claimed or dead-lettered."""
        query = select(runs.c.request_id).where(runs.c.status != "done")
        with self.engine.connect() as db:
            return {str(r[0]) for r in db.execute(query)}

    def newest_thread_requests(self) -> set[str]:
        """The newest request of each issue or pull request (what ``/generate-node retry``
        repeats)."""
        newest = (
            select(func.max(thread_requests.c.seq))
            .group_by(thread_requests.c.repository, thread_requests.c.issue_number)
            .scalar_subquery()
        )
        query = select(thread_requests.c.request_id).where(thread_requests.c.seq.in_(newest))
        with self.engine.connect() as db:
            return {str(r[0]) for r in db.execute(query)}

    def delete_finished(
        self, before: float, gone: list[str], *, dry_run: bool = False
    ) -> dict[str, int]:
        """Remove triaged deliveries received before ``before`` (GitHub redelivers for 3 days;
        until then their id keeps a redelivery a no-op), finished runs queued before ``before``
        or whose request is ``gone``, and the thread records of ``gone`` requests. New,
        waiting, claimed and dead-lettered rows stay."""
        counts = {
            "deliveries": delete_where(
                self.engine,
                deliveries,
                and_(deliveries.c.status == "done", deliveries.c.received_at < before),
                dry_run=dry_run,
            ),
            "queued runs": delete_where(
                self.engine,
                runs,
                and_(runs.c.status == "done", runs.c.created_at < before),
                dry_run=dry_run,
            ),
            "thread records": 0,
        }
        for batch in chunks(gone):
            counts["queued runs"] += delete_where(
                self.engine,
                runs,
                and_(
                    runs.c.status == "done",
                    runs.c.request_id.in_(batch),
                    runs.c.created_at >= before,
                ),
                dry_run=dry_run,
            )
            counts["thread records"] += delete_where(
                self.engine,
                thread_requests,
                thread_requests.c.request_id.in_(batch),
                dry_run=dry_run,
            )
        return counts
