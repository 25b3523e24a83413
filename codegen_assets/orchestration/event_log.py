"""The embedded instance's event log: Dagster's SQLite event log, without its per-event set-up.

Dagster's ``SqliteEventLogStorage`` builds a new SQLAlchemy engine, opens a new connection and
syncs the file to disk for every event it stores. A generation stores a few hundred events (each
stage's, and every asset check result twice), and that took about 4.5 s of a 7 s warm run
(py-spy). This subclass keeps an engine per recently used shard (a run's database, the
index) and lets SQLite sync at WAL checkpoints (``synchronous=NORMAL``): a crashed process
loses nothing, a power cut may lose the last events. Files, schema and readers are Dagster's,
so a plain Dagster webserver reads the same home.

When a run ends, its database and the index are checkpointed and their write-ahead logs
truncated (SQLite would only do that when the last connection closes, and the CLI ends with
``os._exit``: each run left a 4 MB log beside its 0.6 MB database). Deleting a run's events
(``DagsterInstance.delete_run``) removes its database file, which Dagster's class leaves empty.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from dagster import DagsterEventType, EventLogEntry
from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    INDEX_SHARD_NAME,
    SqliteEventLogStorage,
)
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from dagster._serdes import ConfigurableClassData
from sqlalchemy import Connection, Engine, create_engine, event

OPEN_SHARDS = 4  # engines kept: the index and the few runs a process writes at once
RUN_END = {
    DagsterEventType.RUN_SUCCESS,
    DagsterEventType.RUN_FAILURE,
    DagsterEventType.RUN_CANCELED,
}


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    """``SqliteEventLogStorage`` keeping one engine per recently used shard."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None) -> None:
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        self._tables_found: set[str] = set()
        super().__init__(base_dir, inst_data)

    @classmethod
    def from_config_value(
        cls, inst_data: ConfigurableClassData | None, config_value: Mapping[str, Any]
    ) -> PooledSqliteEventLogStorage:
        return cls(inst_data=inst_data, **config_value)

    def _engine(self, shard: str) -> Engine:
        """The shard's engine, created (and its database initialised) on first use."""
        engine = self._engines.pop(shard, None)
        if engine is None:
            engine = create_engine(
                self.conn_string_for_shard(shard),
                connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
            )
            event.listen(engine, "connect", _sync_at_checkpoints)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
        self._engines[shard] = engine
        while len(self._engines) > OPEN_SHARDS:
            _, oldest = self._engines.popitem(last=False)
            oldest.dispose()
        return engine

    def has_table(self, table_name: str) -> bool:
        """Whether the index has ``table_name``. Dagster asks before storing each asset check
        result and each partition lookup, with a new engine each time; a table once there stays,
        so only a found one is remembered."""
        if table_name not in self._tables_found:
            if not super().has_table(table_name):
                return False
            self._tables_found.add(table_name)
        return True

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock, self._engine(shard).connect() as conn, conn.begin():
            yield conn

    def store_event(self, event: EventLogEntry) -> None:
        """Store ``event``; at the end of its run, checkpoint the run's database and the index."""
        super().store_event(event)
        if event.dagster_event_type in RUN_END:
            self.checkpoint(event.run_id)
            self.checkpoint(INDEX_SHARD_NAME)

    def checkpoint(self, shard: str) -> None:
        """Copy the shard's write-ahead log into its database and truncate the log to nothing,
        then close the shard's engine (it is opened again when next used)."""
        with self._db_lock:
            engine = self._engines.pop(shard, None)
            if engine is None:
                return
            with engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            engine.dispose()

    def delete_events(self, run_id: str) -> None:
        """Dagster's deletion of a run's events from the index (asset events and their tags)
        and of its concurrency slots; the run's own database is removed whole rather than
        opened and emptied (opening it checks Dagster's schema revision: 0.3 s)."""
        with self.index_connection() as conn:
            self.delete_events_for_run(conn, run_id)
        if self.supports_global_concurrency_limits:
            self.free_concurrency_slots_for_run(run_id)
        with self._db_lock:
            engine = self._engines.pop(run_id, None)
            if engine is not None:
                engine.dispose()
            self._initialized_dbs.discard(run_id)
            for suffix in ("", "-wal", "-shm"):
                Path(self.path_for_shard(run_id) + suffix).unlink(missing_ok=True)

    def dispose(self) -> None:
        with self._db_lock:
            while self._engines:
                self._engines.popitem()[1].dispose()
        super().dispose()


def _sync_at_checkpoints(dbapi_connection: Any, _record: object) -> None:
    dbapi_connection.execute("PRAGMA synchronous=NORMAL")
