"""The deployed path as on separate machines: the webhook server, the Dagster daemon and its
runs in separate processes with private home directories, sharing only PostgreSQL and the Kafka
broker; the daemon crashes mid-run and is restarted."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest
from dagster import DagsterInstance, DagsterRunStatus, RunsFilter

from codegen_assets.core.pipeline import STAGES
from codegen_assets.orchestration.jobs import GENERATE_PR_JOB
from codegen_assets.storage.queue import RequestQueue
from github_app.demo.fake_github import FakeGitHub
from github_app.demo.local import REPO, comment_payload, serve_process, signed, wait_for
from tests.support.kafka import Collector, assert_lifecycle
from tests.support.local_stack import (
    FINISHED,
    Daemon,
    TansuBroker,
    start_sensor,
    write_instance,
)
from tests.support.prompts import LEDGER_CHECKSUM

pytestmark = pytest.mark.e2e
REQUESTS = 8
CONCURRENCY = 2
# The same request on eight issues: eight runs and PRs (validated once: the daemon's cache).
PROMPT = f"/generate-node --type compute {LEDGER_CHECKSUM}"


def _count(instance: DagsterInstance, statuses: list[DagsterRunStatus]) -> int:
    return instance.get_runs_count(RunsFilter(job_name=GENERATE_PR_JOB, statuses=statuses))


def _peak_concurrency(instance: DagsterInstance) -> int:
    records = instance.get_run_records(RunsFilter(job_name=GENERATE_PR_JOB))
    spans = [(r.start_time, r.end_time) for r in records if r.start_time and r.end_time]
    return max(sum(1 for s, e in spans if s <= start < e) for start, _ in spans)


def test_eight_requests_across_hosts_that_share_only_postgresql_and_kafka(
    github_env: FakeGitHub,
    postgres_db: str,
    kafka_broker: TansuBroker,
    tmp_path: Path,
    shared_mypy_cache: Path,
) -> None:
    instance_dir = tmp_path / "dagster"  # dagster.yaml and workspace.yaml; storage: PostgreSQL
    workspace = write_instance(instance_dir, postgres_db, CONCURRENCY)
    homes = {role: tmp_path / role for role in ("webhook", "daemon")}
    shared = {
        **os.environ,
        "DAGSTER_HOME": str(instance_dir),
        "NODEGEN_DATABASE_URL": postgres_db,
        "NODEGEN_KAFKA_BOOTSTRAP_SERVERS": kafka_broker.bootstrap,
        "NODEGEN_MYPY_CACHE_DIR": str(shared_mypy_cache),  # built at install time
    }
    env = {role: {**shared, "NODEGEN_HOME": str(home)} for role, home in homes.items()}
    instance = DagsterInstance.from_config(str(instance_dir))
    daemon = Daemon(workspace, env["daemon"])
    with (
        serve_process(env["webhook"], "--launcher", "dagster") as url,
        Collector(kafka_broker.bootstrap) as kafka,
    ):
        for issue in range(1, REQUESTS + 1):
            body, headers = signed(comment_payload(PROMPT, issue=issue), "issue_comment")
            assert httpx.post(f"{url}/webhook", content=body, headers=headers).status_code == 202
        queue = RequestQueue(postgres_db)
        wait_for(lambda: queue.counts().get("runs.pending", 0) == REQUESTS, 60, "triage")
        for sensor in ("github_requests_sensor", "kafka_mirror_sensor"):
            start_sensor(workspace, sensor, env["daemon"])
        try:
            daemon.start()
            wait_for(
                lambda: (
                    _count(instance, FINISHED) >= 1
                    and _count(instance, [DagsterRunStatus.STARTED]) >= 1
                ),
                300,
                "one run done while another runs",
            )
            daemon.crash()
            daemon.start()
            wait_for(lambda: _count(instance, FINISHED) >= REQUESTS, 600, "eight finished runs")
            runs = instance.get_runs(RunsFilter(job_name=GENERATE_PR_JOB))
            partitions = {run.tags["dagster/partition"] for run in runs}
            wait_for(
                lambda: all(len(kafka.workflow(p)) >= len(STAGES) + 2 for p in partitions),
                120,
                "every run's events on Kafka",
            )
        finally:
            daemon.stop()
    assert len(runs) == REQUESTS and len(partitions) == REQUESTS  # none ran twice
    assert all(run.status is DagsterRunStatus.SUCCESS for run in runs), [r.status for r in runs]
    assert 1 <= _peak_concurrency(instance) <= CONCURRENCY
    assert queue.counts().get("runs.done") == REQUESTS
    repo = github_env.repos[REPO]
    assert len(repo.pulls) == REQUESTS
    assert len({pull["head"]["ref"] for pull in repo.pulls.values()}) == REQUESTS
    assert len(repo.check_runs) == REQUESTS
    for check in repo.check_runs.values():
        assert check["status"] == "completed" and check["conclusion"] == "success"
        assert all(f"- [x] {stage}" in check["output"]["summary"] for stage in STAGES)
    assert any(u.get("status") == "in_progress" for u in repo.check_run_updates)
    for partition in partitions:  # each event once, after dedupe by envelope id
        assert_lifecycle(kafka.workflow(partition), partition, arrival_order=False)
    for role, home in homes.items():  # every piece of state was in PostgreSQL
        assert not list(home.rglob("*.sqlite3")), role
    assert not (homes["webhook"] / "workspace").exists()  # runs wrote in their own home
