"""The embedded instance's event log: Dagster's files, kept open for a few shards."""

from __future__ import annotations

from pathlib import Path

import pytest
from dagster import DagsterInstance, job, op
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

    assert len(storage._engines) == event_log.OPEN_SHARDS  # seven shards; the oldest closed
    plain = SqliteEventLogStorage(str(runner.settings.dagster_home / "history" / "runs"))
    for run_id in run_ids:
        types = [e.dagster_event_type for e in plain.get_logs_for_run(run_id) if e.dagster_event]
        assert types[-1] is not None and types[-1].value == "PIPELINE_SUCCESS"
    runner.instance.dispose()
    assert not storage._engines


def test_an_earlier_embedded_config_is_brought_up_to_date_and_a_hand_written_one_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    earlier, hand_written = tmp_path / "earlier", tmp_path / "hand"
    for home in (earlier, hand_written):
        (home / "dagster").mkdir(parents=True)
    (earlier / "dagster" / "dagster.yaml").write_text(
        embedded_instance_yaml(earlier / "dagster").split("event_log_storage:")[0], "utf-8"
    )
    (hand_written / "dagster" / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")

    for home in (earlier, hand_written):
        monkeypatch.setenv("NODEGEN_HOME", str(home))
        EmbeddedRunner(NodegenSettings()).instance.dispose()

    upgraded = DagsterInstance.from_config(str(earlier / "dagster"))
    assert isinstance(upgraded.event_log_storage, PooledSqliteEventLogStorage)
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
