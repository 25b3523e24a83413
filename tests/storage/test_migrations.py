"""Schema migrations: a database of the release before them is upgraded with every row kept, an
empty one gets the whole schema, on SQLite and on a real PostgreSQL alike."""

from __future__ import annotations

import multiprocessing
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg2
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, select, text

from codegen_assets.core.models import FileSet, GenerationRequest
from codegen_assets.core.settings import NodegenSettings
from codegen_assets.storage import migrate
from codegen_assets.storage.artifacts import ArtifactStore
from codegen_assets.storage.db import engine_for
from codegen_assets.storage.outbox import Outbox
from codegen_assets.storage.queue import RequestQueue
from codegen_assets.storage.registry import NodeRegistry
from codegen_assets.storage.schema import metadata
from tests.support.previous_schema import DUMPS, ROWS, SQLITE_FILES

Rows = dict[str, list[dict[str, Any]]]


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def settings(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> NodegenSettings:
    """Settings whose databases are SQLite files in a new home, or a new PostgreSQL database."""
    url = request.getfixturevalue("postgres_db") if backend == "postgresql" else ""
    return NodegenSettings(home=tmp_path / "home", database_url=url)


def locations(settings: NodegenSettings) -> list[Path | str]:
    """Each database of these settings once (three SQLite files, or one PostgreSQL)."""
    return list(dict.fromkeys([settings.artifact_db, settings.queue_db, settings.outbox_db]))


def load_previous_release(settings: NodegenSettings) -> None:
    """The dumps of the databases the release before migrations wrote (a70c0f9)."""
    if settings.database_url:
        with psycopg2.connect(settings.database_url) as db, db.cursor() as cursor:
            cursor.execute((DUMPS / "postgresql.sql").read_text("utf-8"))
        return
    for name in SQLITE_FILES:
        path = settings.home / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with sqlite3.connect(path) as lite:
            lite.executescript((DUMPS / "sqlite" / f"{Path(name).name}.sql").read_text("utf-8"))


def all_rows(engine: Engine, columns: dict[str, list[str]] | None = None) -> Rows:
    """Every row of every nodegen table (only ``columns`` of each, when given), in key order."""
    found: Rows = {}
    inspector = inspect(engine)
    names = [n for n in inspector.get_table_names() if n in metadata.tables]
    with engine.connect() as db:
        for name in names if columns is None else [n for n in names if n in columns]:
            table = metadata.tables[name]
            present = [c["name"] for c in inspector.get_columns(name)]
            keep = columns[name] if columns else present
            query = select(*(table.c[c] for c in keep)).order_by(*table.primary_key.columns)
            found[name] = [dict(row._mapping) for row in db.execute(query)]
    return found


def schema_differences(engine: Engine) -> list[Any]:
    """What autogenerate would change to make the database match ``schema.py``."""
    with engine.connect() as db:
        context = MigrationContext.configure(db, opts={"version_table": migrate.VERSION_TABLE})
        return list(compare_metadata(context, metadata))


def test_migration_head_is_the_newest_revision_and_the_only_one() -> None:
    scripts = ScriptDirectory.from_config(migrate.alembic_config())
    assert scripts.get_heads() == [migrate.HEAD]
    assert [s.revision for s in scripts.walk_revisions()] == ["0002", "0001"]


def test_migration_from_an_empty_database_gives_the_whole_schema(
    settings: NodegenSettings,
) -> None:
    for location in locations(settings):
        engine = engine_for(location)
        done = migrate.upgrade(engine)
        assert (done.before, done.after, done.changed) == (None, migrate.HEAD, True)
        assert schema_differences(engine) == []
        again = migrate.upgrade(engine)
        assert (again.before, again.changed) == (migrate.HEAD, False)
    store = ArtifactStore(settings.artifact_db)
    request = GenerationRequest(request_id="r-1", prompt="p", correlation_id="c")
    store.put_request(request)
    assert store.get_request("r-1") == request


def test_migration_of_the_previous_release_keeps_every_row(settings: NodegenSettings) -> None:
    load_previous_release(settings)
    before: Rows = {}
    for location in locations(settings):
        engine = engine_for(location)
        with engine.connect() as db:
            assert migrate.revision(db) is None  # that release had no version table
        before |= {name: rows for name, rows in all_rows(engine).items() if rows}
    assert {name: len(rows) for name, rows in before.items()} == ROWS

    old_columns = {name: list(rows[0]) for name, rows in before.items()}
    after: Rows = {}
    for location in locations(settings):
        engine = engine_for(location)
        done = migrate.upgrade(engine)
        assert (done.before, done.after) == (None, migrate.HEAD)
        assert schema_differences(engine) == []
        after |= {name: rows for name, rows in all_rows(engine, old_columns).items() if rows}
        with engine.connect() as db:
            untold = db.execute(text("SELECT told_at, expires_at FROM nodegen_artifacts"))
            assert all(row == (None, None) for row in untold)
    assert after == before

    # and the stores read them
    store = ArtifactStore(settings.artifact_db)
    assert store.get_request("ledger_effect-000000000000").github is not None
    assert store.get_files("ledger_effect-000000000001") == (
        "ledger_effect",
        FileSet(files={"node_ledger_effect/node.py": "VALUE = 1\n"}),
    )
    assert Outbox(settings.outbox_db).depth() == 2
    assert Outbox(settings.outbox_db).cursor("11111111-1111-1111-1111-111111111111") == 42
    queue = RequestQueue(settings.queue_db)
    assert queue.counts() == {
        "deliveries.done": 1,
        "deliveries.new": 1,
        "deliveries.dead": 1,
        "runs.done": 1,
        "runs.pending": 2,
    }
    assert queue.last_request("octo-org/hello", 3) == "ledger_effect-000000000001"
    assert [d.key for d in queue.dead_letters()] == ["delivery-2"]
    nodes = NodeRegistry(settings.queue_db).all()
    assert [(n.node_name, n.regenerated_for) for n in nodes] == [
        ("node_digest_compute", ""),
        ("node_ledger_effect", "4"),
    ]


def inspect_tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def test_migration_adopts_an_earlier_homes_unprefixed_tables(tmp_path: Path) -> None:
    """SQLite files written before the tables were prefixed keep their requests and kept code
    (what the hand-written adoption did before the migrations)."""
    request = GenerationRequest(request_id="r-1", prompt="p", correlation_id="c-1")
    path = tmp_path / "artifacts.sqlite3"
    with sqlite3.connect(path) as db:
        db.executescript(
            "CREATE TABLE requests (request_id TEXT PRIMARY KEY, body TEXT NOT NULL,"
            " created_at REAL NOT NULL);"
            "CREATE TABLE artifacts (workflow_id TEXT PRIMARY KEY, node_name TEXT NOT NULL,"
            " files TEXT NOT NULL, reason TEXT NOT NULL, created_at REAL NOT NULL);"
        )
        db.execute("INSERT INTO requests VALUES (?, ?, 1.0)", ("r-1", request.model_dump_json()))
        db.execute(
            "INSERT INTO artifacts VALUES ('r-1', 'demo', ?, 'disk full', 1.0)",
            ('{"node.py": "x = 1\\n"}',),
        )
    store = ArtifactStore(path)
    assert store.get_request("r-1") == request
    assert store.get_files("r-1") == ("demo", FileSet(files={"node.py": "x = 1\n"}))
    assert not {"requests", "artifacts"} & inspect_tables(store.engine)
    assert schema_differences(store.engine) == []


def test_migration_adds_the_queue_columns_an_early_queue_lacks(tmp_path: Path) -> None:
    path = tmp_path / "webhooks.sqlite3"
    with sqlite3.connect(path) as db:
        db.executescript(
            "CREATE TABLE nodegen_deliveries (delivery_id VARCHAR PRIMARY KEY, event VARCHAR NOT"
            " NULL, body BLOB NOT NULL, received_at FLOAT NOT NULL);"
            "INSERT INTO nodegen_deliveries VALUES ('d-1', 'issue_comment', x'7b7d', 1.0);"
        )
    queue = RequestQueue(path)
    assert queue.counts() == {"deliveries.new": 1}
    assert [d.delivery_id for d in queue.new_deliveries()] == ["d-1"]


def _upgrade_in_a_process(location: str, start: Any, results: Any) -> None:
    engine = engine_for(location)
    start.wait()  # all at once
    try:
        results.put(migrate.upgrade(engine).before)
    except Exception as exc:
        results.put(f"failed: {exc}")
        raise


def test_migration_runs_once_when_processes_start_together(settings: NodegenSettings) -> None:
    location = str(settings.queue_db)
    Path(settings.home).mkdir(parents=True, exist_ok=True)
    spawn = multiprocessing.get_context("spawn")
    start, results = spawn.Barrier(4), spawn.Queue()
    workers = [
        spawn.Process(target=_upgrade_in_a_process, args=(location, start, results))
        for _ in range(4)
    ]
    for worker in workers:
        worker.start()
    found = [results.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(30)
        assert worker.exitcode == 0
    assert found.count(None) == 1 and found.count(migrate.HEAD) == 3  # one upgraded
    assert schema_differences(engine_for(location)) == []


def test_migration_leaves_dagsters_own_version_table_alone(postgres_db: str) -> None:
    engine = engine_for(postgres_db)
    with engine.begin() as db:
        db.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)"))
        db.execute(text("INSERT INTO alembic_version VALUES ('dagster-rev')"))
    migrate.upgrade(engine)
    with engine.connect() as db:
        assert db.execute(text("SELECT version_num FROM alembic_version")).all() == [
            ("dagster-rev",)
        ]
        assert migrate.revision(db) == migrate.HEAD


@pytest.fixture(autouse=True)
def _forget_databases_seen() -> Iterator[None]:
    """Each test opens its databases as a new process would."""
    migrate._current.clear()
    yield
    migrate._current.clear()
