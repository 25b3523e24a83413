"""Retention on a real embedded instance and real databases: what goes beyond the window, and
each thing that is never pruned (not yet delivered, the registry, the newest run of each
delivered node). Runs here are of a one-asset job on the requests' partitions, so each test
takes seconds; test_retention_ui.py prunes real generations."""

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from dagster import DagsterInstance, DagsterRunStatus
from dagster._core.storage.tags import PARTITION_NAME_TAG

from codegen_assets.core.envelope import OnexEnvelopeV1
from codegen_assets.core.models import FileSet, GenerationRequest, ValidationReport
from codegen_assets.core.settings import NodegenSettings
from codegen_assets.orchestration.deployments import local_resources
from codegen_assets.orchestration.drift import DELIVERED_NODES
from codegen_assets.orchestration.retention import REQUESTS
from codegen_assets.orchestration.retention_job import RetentionResource, prune_history_job
from codegen_assets.storage.artifacts import UnknownArtifactError
from codegen_assets.storage.registry import DeliveredNode
from codegen_assets.storage.retention import (
    DAY,
    UsedValidationCache,
    prune_cache,
    size_of,
)
from tests.support.local_stack import write_instance
from tests.support.retention import Home

LATER = 40 * DAY  # past the default 30 days


@pytest.fixture
def home(nodegen_home: Path) -> Iterator[Home]:
    made = Home(NodegenSettings())
    yield made
    made.instance.dispose()


def test_prune_removes_runs_beyond_the_newest_keep_runs_with_their_logs_and_requests(
    home: Home,
) -> None:
    requests = [home.request() for _ in range(6)]
    runs = [home.run(r) for r in requests]
    shards = home.settings.dagster_home / "history" / "runs"
    outputs = Path(home.instance.storage_directory()) / "stage"
    assert all((shards / f"{run}.db").is_file() for run in runs)
    assert not list(shards.glob("*.db-wal"))  # checkpointed when each run ended
    before = size_of(home.settings.home)

    assert home.checked_runs() == set(runs)
    home.prune(keep_runs=3)

    assert set(home.runs()) == set(runs[3:])
    assert home.checked_runs() == set(runs[3:])
    assert home.partitions() == set(requests[3:])
    assert [home.stored(r) for r in requests] == [False] * 3 + [True] * 3
    assert sorted(p.name for p in shards.glob("*.db")) == sorted(
        [f"{run}.db" for run in runs[3:]] + ["index.db"]
    )
    assert sorted(p.name for p in outputs.iterdir()) == sorted(requests[3:])
    assert size_of(home.settings.home) < before


def test_prune_removes_runs_older_than_keep_days_even_inside_the_window(home: Home) -> None:
    runs = [home.run(home.request()) for _ in range(2)]
    home.prune(keep_runs=10)
    assert set(home.runs()) == set(runs)
    home.prune(keep_runs=10, later=LATER)
    assert home.runs() == [] and home.partitions() == set()


def test_prune_removes_an_old_request_that_never_ran_but_not_a_partition_of_unknown_age(
    home: Home,
) -> None:
    never_ran = home.request()
    home.instance.add_dynamic_partitions(REQUESTS, ["added-by-hand"])  # no stored request
    home.prune(later=LATER)
    assert home.partitions() == {"added-by-hand"} and not home.stored(never_ran)


def test_prune_dry_run_reports_what_would_go_and_removes_nothing(home: Home) -> None:
    runs = [home.run(home.request()) for _ in range(3)]
    report = home.prune(keep_runs=1, dry_run=True)
    assert report.removed["runs and their event logs"] == 2
    assert report.removed["request partitions and stage outputs"] == 2
    lines = list(report.lines())
    assert lines[0] == "would remove (NODEGEN_KEEP_RUNS=1, NODEGEN_KEEP_DAYS=30):"
    assert lines[1].split()[-4:-1] == ["2", f"({runs[0]},", f"{runs[1]})"] or runs[0] in lines[1]
    assert set(home.runs()) == set(runs)
    assert len(home.partitions()) == 3


def test_prune_never_removes_an_unfinished_run_or_its_request(home: Home) -> None:
    request_id = home.request()
    # a run that was created and has not finished (the CLI's, mid-run)
    run = home.instance.create_run_for_job(
        job_def=prune_history_job,
        run_id=str(uuid.uuid4()),
        tags={PARTITION_NAME_TAG: request_id},
    )
    assert run.status is DagsterRunStatus.NOT_STARTED
    home.prune(keep_runs=0, later=LATER)
    assert home.runs() == [run.run_id]
    assert home.partitions() == {request_id} and home.stored(request_id)


def test_prune_never_removes_a_request_still_queued_or_dead_lettered(home: Home) -> None:
    waiting, dead, done = home.request(), home.request(), home.request()
    for request_id in (waiting, dead, done):
        home.queue.record(f"delivery-{request_id}", "issue_comment", b"{}")
        home.queue.enqueue_run(request_id, f"delivery-{request_id}")
        home.run(request_id)  # a run that failed and waits for its retry, say
    home.queue.dead_letter("runs", dead, "permanent: GitHub refused the branch")
    home.queue.finish_run(done)
    home.queue.finish_delivery(f"delivery-{done}", "queued")

    home.prune(keep_runs=0, later=LATER)

    assert home.partitions() == {waiting, dead}
    assert home.stored(waiting) and home.stored(dead) and not home.stored(done)
    assert home.queue.counts() == {"deliveries.new": 2, "runs.pending": 1, "runs.dead": 1}
    assert home.runs() == []  # the runs themselves went: a retry makes a new one


def test_prune_never_removes_envelopes_kafka_has_not_acknowledged(home: Home) -> None:
    run = home.run(home.request())
    envelopes = [
        OnexEnvelopeV1(
            envelope_id=str(uuid.uuid4()),
            event_type="NODE_GENERATION_STARTED",
            timestamp=datetime.now(UTC).isoformat(),
            correlation_id="c",
            workflow_id="w",
        )
        for _ in range(3)
    ]
    for envelope in envelopes:
        home.outbox.add("dev.topic", envelope)
    home.outbox.mark_published([1])
    home.outbox.set_cursor(run, 5)
    home.outbox.set_cursor("a-run-deleted-long-ago", 9)

    home.prune(keep_runs=10, later=LATER)

    assert [seq for seq, *_ in home.outbox.pending()] == [2, 3]
    assert home.outbox.cursor_runs() == set()  # the run is gone too


def test_prune_never_removes_kept_code_nobody_was_told_about(home: Home) -> None:
    untold, told_expired, told_fresh = home.request(), home.request(), home.request()
    for request_id in (untold, told_expired, told_fresh):
        home.run(request_id)
        home.store.put_files(request_id, "node", FileSet(files={"n.py": "x = 1\n"}), "disk full")
    home.store.mark_told(told_expired, keep_days=1)
    home.store.mark_told(told_fresh, keep_days=60)

    home.prune(keep_runs=0, later=LATER)

    assert home.store.get_files(untold)[0] == "node"
    assert home.store.get_files(told_fresh)[0] == "node"
    with pytest.raises(UnknownArtifactError):
        home.store.get_files(told_expired)
    assert home.partitions() == {untold, told_fresh}
    assert home.stored(untold) and home.stored(told_fresh) and not home.stored(told_expired)


def test_prune_never_removes_the_registry_of_delivered_nodes(home: Home) -> None:
    node = DeliveredNode(
        key="octo-org/hello:nodes/node_ledger_effect",
        repository="octo-org/hello",
        installation_id=7,
        path="nodes/node_ledger_effect",
        node_name="node_ledger_effect",
        branch="nodegen/ledger_effect",
        pr_number=3,
        commit_sha="a" * 40,
        lock="{}",
    )
    home.registry.record(node)
    home.instance.add_dynamic_partitions(DELIVERED_NODES, [node.key])
    home.run(home.request())

    home.prune(keep_runs=0, later=LATER)

    assert home.registry.all() == [node]
    assert home.instance.get_dynamic_partitions(DELIVERED_NODES) == [node.key]
    assert home.runs() == []


def test_prune_never_removes_the_newest_run_of_each_delivered_node(home: Home) -> None:
    first = [home.request("ledger") for _ in range(3)]
    ledger = [home.run(r, delivered="/work/out/node_ledger") for r in first]
    other = home.request("digest")
    digest = home.run(other, delivered="/work/out/node_digest")
    failed = home.request("ledger")
    home.run(failed)  # no node delivered (validation failed before writing, say)
    home.store.put_request(
        GenerationRequest(request_id="ledger-old", prompt="p", correlation_id="c")
    )

    home.prune(keep_runs=0, later=LATER)

    assert set(home.runs()) == {ledger[-1], digest}
    assert home.partitions() == {first[-1], other}
    assert all(home.stored(r) for r in (first[-1], other))
    assert not any(home.stored(r) for r in (*first[:-1], failed, "ledger-old"))


def test_prune_keeps_the_newest_request_of_each_issue_for_retry(home: Home) -> None:
    older, newest = home.request(), home.request()
    for n, request_id in enumerate((older, newest)):
        home.queue.remember("octo-org/hello", 3, request_id)
        home.queue.enqueue_run(request_id, f"d-{n}")
        home.run(request_id)
        home.queue.finish_run(request_id)

    home.prune(keep_runs=0, later=LATER)

    assert home.partitions() == set()  # both finished and delivered
    assert home.stored(newest) and not home.stored(older)
    assert home.queue.last_request("octo-org/hello", 3) == newest


def test_prune_bounds_the_validation_cache_least_recently_used_first(tmp_path: Path) -> None:
    cache = UsedValidationCache(tmp_path)
    report = ValidationReport(checks=(), quality_score=1.0)
    keys = [f"{n:064x}" for n in range(4)]
    for n, key in enumerate(keys):
        cache.put(key, report)
        os.utime(tmp_path / f"{key}.json", (1000.0 + n, 1000.0 + n))
    size = (tmp_path / f"{keys[0]}.json").stat().st_size
    assert cache.get(keys[0]) is not None  # used now: the most recent
    (tmp_path / "interrupted.tmp").write_text("{")
    os.utime(tmp_path / "interrupted.tmp", (1000.0, 1000.0))

    removed = prune_cache(tmp_path, max_bytes=2 * size)

    assert removed.files == 3  # keys 1 and 2, and the stale temporary file
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        f"{k}.json" for k in (keys[0], keys[3])
    )


def test_prune_history_job_runs_in_dagster_with_a_dry_run(home: Home) -> None:
    runs = [home.run(home.request()) for _ in range(3)]
    resources = local_resources(home.settings)
    resources["retention"] = RetentionResource(keep_runs=1, home=str(home.settings.home))
    config = {"ops": {"prune_history_op": {"config": {"dry_run": True}}}}

    dry = prune_history_job.execute_in_process(
        instance=home.instance, resources=resources, run_config=config
    )
    assert dry.success  # the newest run is its own, still running: the three would go
    assert dry.output_for_node("prune_history_op")["runs and their event logs"] == 3
    assert set(runs) <= set(home.runs())

    real = prune_history_job.execute_in_process(instance=home.instance, resources=resources)
    assert real.output_for_node("prune_history_op")["runs and their event logs"] == 4
    assert set(home.runs()) == {real.run_id}  # the dry run's went too


def test_prune_on_a_deployments_postgresql_keeps_what_is_not_delivered(
    postgres_db: str, tmp_path: Path
) -> None:
    """Dagster's storage and onex-nodegen's tables in one PostgreSQL, as deployed."""
    write_instance(tmp_path / "dagster", postgres_db, concurrency=1)
    settings = NodegenSettings(home=tmp_path / "home", database_url=postgres_db)
    home = Home(settings, DagsterInstance.from_config(str(tmp_path / "dagster")))
    try:
        old, waiting, newest = home.request(), home.request(), home.request()
        home.queue.enqueue_run(waiting, "d-1")
        runs = [home.run(old), home.run(waiting), home.run(newest, delivered="o/r:nodes/n")]
        home.queue.enqueue_run(old, "d-0")
        home.queue.finish_run(old)

        report = home.prune(keep_runs=0)

        assert report.removed["runs and their event logs"] == 2
        assert home.runs() == [runs[2]]
        assert home.partitions() == {waiting, newest}
        assert not home.stored(old) and home.stored(waiting) and home.stored(newest)
        assert home.checked_runs() == {runs[2]}
    finally:
        home.instance.dispose()
