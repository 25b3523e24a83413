"""The Kafka outbox: envelopes waiting for Kafka in capture order, and how far each run's
events were captured; in the configured database."""

from __future__ import annotations

import time

from sqlalchemy import func, select, update

from codegen_assets.core.envelope import OnexEnvelopeV1
from codegen_assets.storage.db import (
    Location,
    chunks,
    delete_where,
    insert_for,
    open_database,
    where,
)
from codegen_assets.storage.schema import outbox
from codegen_assets.storage.schema import outbox_cursors as cursors


class Outbox:
    """Envelopes waiting for Kafka; safe to share between threads and processes."""

    def __init__(self, location: Location) -> None:
        self.engine = open_database(location)
        self._insert = insert_for(self.engine)

    @property
    def where(self) -> str:
        """The database, for messages (a URL's password hidden)."""
        return where(self.engine)

    def add(self, topic_name: str, envelope: OnexEnvelopeV1) -> None:
        """Queue an envelope (a second add of the same envelope id is ignored)."""
        statement = (
            self._insert(outbox)
            .values(
                envelope_id=envelope.envelope_id,
                topic=topic_name,
                key=envelope.workflow_id,
                value=envelope.model_dump_json(),
                created_at=time.time(),
            )
            .on_conflict_do_nothing(index_elements=["envelope_id"])
        )
        with self.engine.begin() as db:
            db.execute(statement)

    def pending(self, limit: int = 500) -> list[tuple[int, str, str, str]]:
        """Unpublished (seq, topic, key, value), oldest first."""
        query = (
            select(outbox.c.seq, outbox.c.topic, outbox.c.key, outbox.c.value)
            .where(outbox.c.published_at.is_(None))
            .order_by(outbox.c.seq)
            .limit(limit)
        )
        with self.engine.connect() as db:
            return [(int(r[0]), str(r[1]), str(r[2]), str(r[3])) for r in db.execute(query)]

    def mark_published(self, seqs: list[int]) -> None:
        """Record that Kafka acknowledged these rows."""
        if not seqs:
            return
        with self.engine.begin() as db:
            db.execute(
                update(outbox).where(outbox.c.seq.in_(seqs)).values(published_at=time.time())
            )

    def cursor(self, run_id: str) -> int:
        """Last storage id captured for ``run_id``."""
        query = select(cursors.c.storage_id).where(cursors.c.run_id == run_id)
        with self.engine.connect() as db:
            found = db.execute(query).scalar_one_or_none()
        return int(found) if found is not None else 0

    def set_cursor(self, run_id: str, storage_id: int) -> None:
        """Remember how far ``run_id`` was captured."""
        statement = (
            self._insert(cursors)
            .values(run_id=run_id, storage_id=storage_id)
            .on_conflict_do_update(index_elements=["run_id"], set_={"storage_id": storage_id})
        )
        with self.engine.begin() as db:
            db.execute(statement)

    def depth(self) -> int:
        """How many envelopes wait for Kafka."""
        query = select(func.count()).select_from(outbox).where(outbox.c.published_at.is_(None))
        with self.engine.connect() as db:
            return int(db.execute(query).scalar_one())

    def delete_published(self, *, dry_run: bool = False) -> int:
        """Remove the envelopes Kafka acknowledged (the pending ones stay, whatever their age)."""
        return delete_where(
            self.engine, outbox, outbox.c.published_at.is_not(None), dry_run=dry_run
        )

    def cursor_runs(self) -> set[str]:
        """The runs whose capture position is kept."""
        with self.engine.connect() as db:
            return {str(r[0]) for r in db.execute(select(cursors.c.run_id))}

    def delete_cursors(self, run_ids: list[str], *, dry_run: bool = False) -> int:
        """Forget the capture position of these runs (runs that no longer exist)."""
        return sum(
            delete_where(self.engine, cursors, cursors.c.run_id.in_(batch), dry_run=dry_run)
            for batch in chunks(run_ids)
        )
