"""The embedded instance's event log: Dagster's files, kept open for a few shards."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from dagster import DagsterInstance, job, op
from dagster._core.definitions.run_request import InstigatorType
from dagster._core.scheduler.instigation import TickStatus
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

from codegen_assets.core.settings import NodegenSettings
from codegen_assets.orchestration import event_log
from codegen_assets.orchestration.embedded import EmbeddedRunner, embedded_instance_yaml
from codegen_assets.orchestration.event_log import PooledSqliteEventLogStorage


@op
def noop() -> None:
    """Nothing: a run that stores a few events."""


@job
def small() -> None:
    noop()


def test_the_embedded_instance_stores_events_dagster_itself_reads(nodegen_home: Path) -> None:
    runner = EmbeddedRunner(NodegenSettings())
    storage = runner.instance.event_log_storage
    assert isinstance(storage, PooledSqliteEventLogStorage)
    run_ids = [small.execute_in_process(instance=runner.instance).run_id for _ in range(6)]
    shards = runner.settings.dagster_home / "history" / "runs"
    # each run's database was checkpointed and closed when it ended: no write-ahead log left
    assert not storage._engines and not list(shards.glob("*-wal"))
    for run_id in run_ids:
        storage.get_logs_for_run(run_id)
    assert len(storage._engines) == event_log.OPEN_SHARDS  # six shards read; the oldest closed
    plain = SqliteEventLogStorage(str(shards))
    for run_id in run_ids:
        types = [e.dagster_event_type for e in plain.get_logs_for_run(run_id) if e.dagster_event]
        assert types[-1] is not None and types[-1].value == "PIPELINE_SUCCESS"
    runner.instance.dispose()
    assert not storage._engines


def test_an_earlier_embedded_config_is_brought_up_to_date_and_a_hand_written_one_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the release before tick retention wrote (with the event log), and what the one
    before that wrote (without it), become today's configuration."""
    with_log, without_log, hand_written = (tmp_path / n for n in ("log", "nolog", "hand"))
    for home in (with_log, without_log, hand_written):
        (home / "dagster").mkdir(parents=True)
    for home in (with_log, without_log):
        today = embedded_instance_yaml(home / "dagster")
        before_retention = re.sub(r"retention:\n(  .*\n)+", "", today)
        assert before_retention != today
        if home == without_log:
            before_retention = before_retention.split("event_log_storage:")[0]
        (home / "dagster" / "dagster.yaml").write_text(before_retention, "utf-8")
    (hand_written / "dagster" / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")

    for home in (with_log, without_log, hand_written):
        monkeypatch.setenv("NODEGEN_HOME", str(home))
        EmbeddedRunner(NodegenSettings()).instance.dispose()

    for home in (with_log, without_log):
        config = (home / "dagster" / "dagster.yaml").read_text("utf-8")
        assert config == embedded_instance_yaml(home / "dagster")
        upgraded = DagsterInstance.from_config(str(home / "dagster"))
        assert isinstance(upgraded.event_log_storage, PooledSqliteEventLogStorage)
        assert upgraded.get_tick_retention_settings(InstigatorType.SENSOR)[TickStatus.SUCCESS] == 30
        upgraded.dispose()
    kept = (hand_written / "dagster" / "dagster.yaml").read_text("utf-8")
    assert kept == "telemetry:\n  enabled: false\n"


def test_a_table_found_in_the_index_is_remembered_and_a_missing_one_asked_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    storage = PooledSqliteEventLogStorage(str(tmp_path))
    assert not storage.has_table("added_later")
    with storage.index_connection() as conn:
        conn.exec_driver_sql("CREATE TABLE added_later (id INTEGER)")
    assert storage.has_table("added_later")
    assert storage.has_table("asset_check_executions")

    def no_more_questions(self: SqliteEventLogStorage, table_name: str) -> bool:
        raise AssertionError(f"asked again about {table_name}")

    monkeypatch.setattr(SqliteEventLogStorage, "has_table", no_more_questions)
    assert storage.has_table("added_later") and storage.has_table("asset_check_executions")
    storage.dispose()
