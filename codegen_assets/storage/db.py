"""The database every piece of state lives in: a SQLite file in the home directory (embedded)
or PostgreSQL (deployed: ``NODEGEN_DATABASE_URL``), through SQLAlchemy Core, which Dagster
already uses. Tables are prefixed ``nodegen_`` so they can share a database with Dagster's; their
definitions are in ``schema.py``, their upgrades in ``migrate.py``."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Table, create_engine, event, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from codegen_assets.storage.migrate import ensure_current

Location = Path | str  # a SQLite file, or a database URL


def engine_for(location: Location) -> Engine:
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
            cursor.execute("PRAGMA busy_timeout = 30000")
            _wal(cursor)  # readers never block the webhook
            cursor.execute("PRAGMA synchronous = NORMAL")  # durable against process crashes
            cursor.close()

    return engine


_WAL_WAIT_SECONDS = 30.0


def _wal(cursor: Any) -> None:
    """Put the file in WAL mode. SQLite answers "database is locked" at once, without waiting
    the busy timeout, while another process holds its lock to do the same or to migrate (four
    processes starting together): wait and try again, as the busy timeout would."""
    deadline = time.monotonic() + _WAL_WAIT_SECONDS
    pause = 0.01
    while True:
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.5)


def open_database(location: Location) -> Engine:
    """An engine for ``location``, its schema brought to the current revision (``migrate``)."""
    engine = engine_for(location)
    ensure_current(engine)
    return engine


def where(engine: Engine) -> str:
    """The database, for messages (a URL's password hidden)."""
    return engine.url.render_as_string(hide_password=True)


def insert_for(engine: Engine) -> Callable[[Table], Any]:
    """The dialect's INSERT, which has ``on_conflict_do_nothing`` and ``on_conflict_do_update``."""
    return postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert


def chunks(items: Iterable[str], size: int = 500) -> Iterator[list[str]]:
    """``items`` in lists of at most ``size``: an IN clause per list stays far below SQLite's
    limit on bound variables."""
    batch: list[str] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def delete_where(engine: Engine, table: Table, condition: Any, *, dry_run: bool) -> int:
    """Delete ``table``'s rows matching ``condition`` (only count them when ``dry_run``)."""
    with engine.begin() as db:
        if dry_run:
            return int(
                db.execute(select(func.count()).select_from(table).where(condition)).scalar_one()
            )
        return int(db.execute(table.delete().where(condition)).rowcount)
