"""The model's answers by content address, in the configured database, bounded in count and
bytes: the least recently used answers go first."""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, delete, func, select

from codegen_assets.core.logic.cache import CachedAnswer
from codegen_assets.core.logic.wire import Usage
from codegen_assets.storage.db import Location, engine_for, insert_for, where

_metadata = MetaData()
answers = Table(
    "nodegen_model_answers",
    _metadata,
    Column("key", String(64), primary_key=True),
    Column("provider", String, nullable=False),
    Column("model", String, nullable=False),
    Column("answer_hash", String(64), nullable=False, index=True),
    Column("text", Text, nullable=False),
    Column("input_tokens", Integer, nullable=False),
    Column("output_tokens", Integer, nullable=False),
    Column("size", Integer, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("used_at", Float, nullable=False, index=True),
)


class AnswerStore:
    """``AnswerCache`` in SQLite (the home) or PostgreSQL; safe across threads and processes."""

    def __init__(
        self,
        location: Location,
        *,
        max_entries: int = 5_000,
        max_bytes: int = 50_000_000,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.engine = engine_for(location)
        _metadata.create_all(self.engine)
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._insert = insert_for(self.engine)
        self._clock = clock

    @property
    def where(self) -> str:
        """The database, for messages (a URL's password hidden)."""
        return where(self.engine)

    def get(self, key: str) -> CachedAnswer | None:
        """The answer under ``key``, marked as used now."""
        return self._one(answers.c.key == key)

    def by_answer_hash(self, digest: str) -> CachedAnswer | None:
        """An answer whose text hashes to ``digest``, marked as used now."""
        return self._one(answers.c.answer_hash == digest)

    def _one(self, condition: object) -> CachedAnswer | None:
        query = select(answers).where(condition).limit(1)  # type: ignore[arg-type]
        with self.engine.begin() as db:
            row = db.execute(query).mappings().first()
            if row is None:
                return None
            db.execute(
                answers.update().where(answers.c.key == row["key"]).values(used_at=self._clock())
            )
        return CachedAnswer(
            key=row["key"],
            provider=row["provider"],
            model=row["model"],
            text=row["text"],
            answer_hash=row["answer_hash"],
            usage=Usage(input_tokens=row["input_tokens"], output_tokens=row["output_tokens"]),
        )

    def put(self, answer: CachedAnswer) -> None:
        """Store ``answer`` (the same key twice keeps the first), then evict beyond the bounds."""
        now = self._clock()
        statement = (
            self._insert(answers)
            .values(
                key=answer.key,
                provider=answer.provider,
                model=answer.model,
                answer_hash=answer.answer_hash,
                text=answer.text,
                input_tokens=answer.usage.input_tokens,
                output_tokens=answer.usage.output_tokens,
                size=len(answer.text.encode("utf-8")),
                created_at=now,
                used_at=now,
            )
            .on_conflict_do_nothing(index_elements=["key"])
        )
        with self.engine.begin() as db:
            db.execute(statement)
        self.evict()

    def evict(self) -> int:
        """Drop the least recently used answers until both bounds hold; returns how many."""
        with self.engine.begin() as db:
            count, size = db.execute(
                select(func.count(), func.coalesce(func.sum(answers.c.size), 0))
            ).one()
            if count <= self.max_entries and size <= self.max_bytes:
                return 0
            newest_first = db.execute(
                select(answers.c.key, answers.c.size).order_by(answers.c.used_at.desc())
            ).all()
            kept, total, doomed = 0, 0, []
            for key, row_size in newest_first:
                if kept < self.max_entries and total + row_size <= self.max_bytes:
                    kept, total = kept + 1, total + row_size
                else:
                    doomed.append(key)
            for start in range(0, len(doomed), 500):
                db.execute(delete(answers).where(answers.c.key.in_(doomed[start : start + 500])))
        return len(doomed)

    def count(self) -> int:
        """How many answers are kept."""
        with self.engine.connect() as db:
            return int(db.execute(select(func.count()).select_from(answers)).scalar_one())
