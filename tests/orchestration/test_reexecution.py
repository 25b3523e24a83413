"""Runs the CLI started are re-executed from the Dagster UI, through its GraphQL API."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from dagster import DagsterRunStatus
from dagster._core.workspace.context import WorkspaceProcessContext
from dagster._core.workspace.load_target import PythonFileTarget
from dagster_graphql.client.query import LAUNCH_PIPELINE_REEXECUTION_MUTATION
from dagster_graphql.test.utils import execute_dagster_graphql

from codegen_assets.core.models import GenerationOptions, NodeType
from codegen_assets.core.settings import DEFINITIONS, NodegenSettings
from codegen_assets.orchestration.embedded import EmbeddedRunner
from tests.support.local_stack import FINISHED

pytestmark = pytest.mark.e2e
PROMPT = "Compute node named digest_compute. Its digest operation takes document (string)."


def test_re_execute_all_works_on_a_run_the_cli_started(nodegen_home: Path, tmp_path: Path) -> None:
    runner = EmbeddedRunner(NodegenSettings())
    request = runner.submit(PROMPT, GenerationOptions(node_type=NodeType.COMPUTE), tmp_path / "n")
    parent = runner.run(request, timeout=600)
    assert parent.success
    instance = runner.instance
    # The code location as `dagster dev -f definitions.py` loads it (a gRPC server process).
    target = PythonFileTarget(
        python_file=str(DEFINITIONS),
        attribute=None,
        working_directory=str(DEFINITIONS.parent),
        location_name=None,
    )
    with WorkspaceProcessContext(instance, target) as process:
        result = execute_dagster_graphql(
            process.create_request_context(),
            LAUNCH_PIPELINE_REEXECUTION_MUTATION,
            {"reexecutionParams": {"parentRunId": parent.run_id, "strategy": "ALL_STEPS"}},
        )
        launched = (result.data or {}).get("launchPipelineReexecution") or {}
        assert launched.get("__typename") == "LaunchRunSuccess", result
        child_id = launched["run"]["runId"]
        deadline = time.monotonic() + 300
        while (child := instance.get_run_by_id(child_id)) is None or child.status not in FINISHED:
            assert time.monotonic() < deadline, "the re-executed run did not finish"
            time.sleep(0.5)
    assert child.status is DagsterRunStatus.SUCCESS
    assert child.parent_run_id == parent.run_id
    assert child.tags["dagster/partition"] == request.request_id
