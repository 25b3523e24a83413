"""The Dagster side: lineage, asset checks, one-stage reruns, and the timeout that stops a run."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from dagster import AssetKey, DagsterRunStatus, DefaultScheduleStatus

from codegen_assets.core.models import GenerationOptions, NodeType
from codegen_assets.core.pipeline import PIPELINE, REQUEST
from codegen_assets.core.settings import NodegenSettings
from codegen_assets.core.validation.checks import ADVISORY_GATES, WEIGHTS
from codegen_assets.orchestration import resources
from codegen_assets.orchestration.assets import generation_assets
from codegen_assets.orchestration.embedded import EmbeddedRunner
from definitions import defs
from tests.support.prompts import CHECKSUM

pytestmark = pytest.mark.e2e
OPTIONS = GenerationOptions(node_type=NodeType.COMPUTE)
PROMPT = CHECKSUM


def test_the_asset_graph_is_the_pipeline() -> None:
    graph = defs.resolve_asset_graph()
    assert graph.get(AssetKey(REQUEST)).parent_keys == set()
    for stage in PIPELINE:
        parents = {key.path[-1] for key in graph.get(AssetKey(stage.name)).parent_keys}
        assert parents == set(stage.inputs), stage.name


def test_validation_checks_are_asset_checks_that_say_what_they_check() -> None:
    graph = defs.resolve_asset_graph()
    for asset in ("validation_report", "refined_code"):
        checks = {key.name for key in graph.get(AssetKey(asset)).check_keys}
        assert checks == set(WEIGHTS)
    specs = [spec for asset in generation_assets for spec in asset.check_specs]
    assert len(specs) == 2 * len(WEIGHTS)
    for spec in specs:
        assert spec.description and "latest request's result" in spec.description, spec.name
    assert len({spec.description for spec in specs}) == len(WEIGHTS)  # each its own sentence


def test_sensors_and_schedules_say_whether_they_are_on_and_what_they_need() -> None:
    for sensor in defs.sensors or []:
        assert "Off by default" in (sensor.description or ""), sensor.name
    for schedule in defs.schedules or []:
        on = schedule.default_status is DefaultScheduleStatus.RUNNING
        said = "On by default" if on else "Off by default"
        assert said in (schedule.description or ""), schedule.name
    assert {s.name for s in defs.schedules or [] if s.default_status.value == "RUNNING"} == {
        "retention_schedule"  # retention is on unless turned off
    }


def test_a_partition_added_by_hand_fails_with_a_sentence_saying_how_requests_start(
    nodegen_home: Path,
) -> None:
    runner = EmbeddedRunner(NodegenSettings())
    runner.add_partition("made-by-hand")
    result = runner.job.execute_in_process(
        instance=runner.instance, partition_key="made-by-hand", raise_on_error=False
    )
    assert not result.success
    (failure,) = result.get_step_failure_events()
    assert failure.step_key == "generation_request"
    message = str(failure.step_failure_data.user_failure_data or failure.message)
    assert "Partitions are created by requests" in message, message


def test_one_stage_can_be_rerun_for_one_request(nodegen_home: Path, tmp_path: Path) -> None:
    runner = EmbeddedRunner(NodegenSettings())
    request = runner.submit(PROMPT, OPTIONS, tmp_path / "node", name="invoice_checksum")
    first = runner.run(request, timeout=600)
    assert first.success
    # A person finds the node by name: in the partition key (the request id) and a run tag.
    assert request.request_id.startswith("invoice_checksum-")
    run = runner.instance.get_run_by_id(first.run_id)
    assert run is not None and run.tags["nodegen/node"].endswith("compute")
    rerun = runner.job.execute_in_process(
        instance=runner.instance,
        partition_key=request.request_id,
        asset_selection=[AssetKey("validation_report")],
        raise_on_error=False,
    )
    assert rerun.success
    materialized = [e.asset_key for e in rerun.get_asset_materialization_events()]
    assert materialized == [AssetKey("validation_report")]
    checks = rerun.get_asset_check_evaluations()
    assert {c.check_name for c in checks} == set(WEIGHTS)
    assert all(c.passed for c in checks if c.check_name not in ADVISORY_GATES)


def test_timeout_stops_the_run_and_names_the_stage(
    nodegen_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()

    def stuck_validator(*_args: object, **_kwargs: object) -> None:
        release.wait(60)
        raise RuntimeError("released")

    monkeypatch.setattr(resources, "validate_files", stuck_validator)
    runner = EmbeddedRunner(NodegenSettings())
    out = tmp_path / "node"
    request = runner.submit(PROMPT, OPTIONS, out)
    seen: list[tuple[str, str]] = []
    result = runner.run(request, timeout=8, on_stage=lambda s, st, _t: seen.append((s, st)))
    assert result.error_code == "TIMEOUT"
    assert "while running stage 'validation_report'" in (result.error_message or "")
    assert ("event_bus", "completed") in seen
    run = runner.instance.get_run_by_id(result.run_id)
    assert run is not None and run.status in (DagsterRunStatus.CANCELING, DagsterRunStatus.CANCELED)
    release.set()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not _finished(runner, result.run_id):
        time.sleep(0.1)
    assert not out.exists()  # the stopped run never writes


def _finished(runner: EmbeddedRunner, run_id: str) -> bool:
    run = runner.instance.get_run_by_id(run_id)
    return run is not None and run.is_finished
