"""Schema upgrades: onex-nodegen's tables under Alembic, on SQLite and PostgreSQL.

Every process brings a database to the current revision the first time it opens it (a single
query when it is there already); deployed, the Helm pre-upgrade hook runs ``omninode-generate
migrate`` before new pods start (``deploy/helm/templates/migrate-hook.yaml``). Concurrent
upgraders wait for each other: PostgreSQL under an advisory lock, SQLite in an exclusive
transaction, and each reads the revision again once it holds it. An upgrade is one transaction
on PostgreSQL, so a failed one leaves the database as it was.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, inspect, text
from sqlalchemy.engine import Engine

VERSION_TABLE = "nodegen_alembic_version"
HEAD = "0002"  # the newest revision in migrations/versions (a test checks it)
SCRIPTS = Path(__file__).parent / "migrations"
_LOCK_KEY = 0x6E6F6465_67656E  # "nodegen": pg_advisory_xact_lock's key
_current: set[tuple[str, int]] = set()  # databases this process saw at HEAD
_guard = threading.Lock()


@dataclass(frozen=True)
class Upgrade:
    """What an upgrade did: the revision found (None: no version table) and the one left."""

    database: str
    before: str | None
    after: str

    @property
    def changed(self) -> bool:
        """Whether any migration ran."""
        return self.before != self.after


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration for these migrations (on ``connection`` when given)."""
    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    config.set_main_option("path_separator", "os")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def revision(connection: Connection) -> str | None:
    """The database's revision; None when it has no version table (new, or written by the
    release before migrations). Read directly: Alembic's context would log its set-up at INFO
    each time a process opens a database."""
    if not inspect(connection).has_table(VERSION_TABLE):
        return None
    found = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
    return str(found[0]) if found else None


def upgrade(engine: Engine) -> Upgrade:
    """Bring the database to HEAD, holding the upgrade lock; returns what was done."""
    database = engine.url.render_as_string(hide_password=True)
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN EXCLUSIVE")
        else:
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
        before = revision(connection)
        if before != HEAD:
            command.upgrade(alembic_config(connection), "head")
        after = revision(connection)
        connection.commit()
    return Upgrade(database, before, after or "")


def ensure_current(engine: Engine) -> None:
    """Upgrade the database unless this process already saw it at HEAD."""
    key = _identity(engine)
    if key in _current:
        return
    with _guard:
        if key in _current:
            return
        with engine.connect() as connection:
            at_head = revision(connection) == HEAD
        if not at_head:
            upgrade(engine)
        _current.add(_identity(engine))


def _identity(engine: Engine) -> tuple[str, int]:
    """The database's URL, and for a SQLite file its inode (a file removed and made again is
    another database)."""
    url = engine.url.render_as_string(hide_password=False)
    path = engine.url.database if engine.dialect.name == "sqlite" else None
    try:
        inode = os.stat(path).st_ino if path else 0
    except OSError:
        inode = -1
    return url, inode
