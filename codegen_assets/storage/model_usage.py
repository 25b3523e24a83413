"""Tokens and cost the model used, per account (an installation, or the CLI) per UTC day, in the
configured database; days older than ``KEEP_DAYS`` are dropped as new ones are written."""

from __future__ import annotations

import datetime

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, delete, select

from codegen_assets.core.logic.cache import Spent
from codegen_assets.core.logic.wire import Usage
from codegen_assets.storage.db import Location, engine_for, insert_for

KEEP_DAYS = 62
_metadata = MetaData()
usage = Table(
    "nodegen_model_usage",
    _metadata,
    Column("account", String, primary_key=True),
    Column("day", String(10), primary_key=True),
    Column("requests", Integer, nullable=False),
    Column("input_tokens", Integer, nullable=False),
    Column("output_tokens", Integer, nullable=False),
    Column("cost", Float, nullable=False),
)


class UsageStore:
    """``UsageLedger`` in SQLite (the home) or PostgreSQL."""

    def __init__(self, location: Location) -> None:
        self.engine = engine_for(location)
        _metadata.create_all(self.engine)
        self._insert = insert_for(self.engine)

    def spent(self, account: str, day: str) -> Spent:
        """What ``account`` used on ``day``."""
        query = select(
            usage.c.requests, usage.c.input_tokens, usage.c.output_tokens, usage.c.cost
        ).where(usage.c.account == account, usage.c.day == day)
        with self.engine.connect() as db:
            row = db.execute(query).first()
        if row is None:
            return Spent()
        return Spent(requests=row[0], input_tokens=row[1], output_tokens=row[2], cost=row[3])

    def add(self, account: str, day: str, used: Usage, cost: float) -> None:
        """Count one answered request (atomically: concurrent runs add up)."""
        statement = self._insert(usage).values(
            account=account,
            day=day,
            requests=1,
            input_tokens=used.input_tokens,
            output_tokens=used.output_tokens,
            cost=cost,
        )
        statement = statement.on_conflict_do_update(
            index_elements=["account", "day"],
            set_={
                "requests": usage.c.requests + 1,
                "input_tokens": usage.c.input_tokens + used.input_tokens,
                "output_tokens": usage.c.output_tokens + used.output_tokens,
                "cost": usage.c.cost + cost,
            },
        )
        oldest = datetime.date.fromisoformat(day) - datetime.timedelta(days=KEEP_DAYS)
        with self.engine.begin() as db:
            db.execute(statement)
            db.execute(delete(usage).where(usage.c.day < oldest.isoformat()))
