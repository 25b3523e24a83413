"""Embedded mode: one request materialized in-process on a local Dagster instance, no servers."""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import time
import uuid
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dagster import (
    DagsterEventType,
    DagsterInstance,
    ExecuteInProcessResult,
    JobDefinition,
)

from codegen_assets.core.layout import NodeLayout
from codegen_assets.core.model_settings import ModelChoice
from codegen_assets.core.models import (
    GenerationOptions,
    GenerationRequest,
    GenerationResult,
    Intelligence,
    NodeSpec,
    RefinedCode,
    StageCallback,
    StyleConfig,
    WriteOutcome,
)
from codegen_assets.core.naming import request_id
from codegen_assets.core.pipeline import STAGES
from codegen_assets.core.settings import NodegenSettings
from codegen_assets.core.stages.parsed_prompt import parse_prompt
from codegen_assets.core.understanding.line_reader.text import PromptError
from codegen_assets.core.validation.markdown import handler_lines
from codegen_assets.core.validation.runner import terminate_running
from codegen_assets.orchestration.assets import requests_partitions
from codegen_assets.orchestration.deployments import build_definitions
from codegen_assets.orchestration.drift import DELIVERED_NODES, REGENERATE_JOB
from codegen_assets.orchestration.jobs import GENERATE_JOB
from codegen_assets.orchestration.kafka_mirror import RunMirror
from codegen_assets.orchestration.origin import execute_with_origin
from codegen_assets.storage.artifacts import ArtifactStore
from codegen_assets.storage.outbox import Outbox
from codegen_assets.storage.retention import RetentionSettings

log = logging.getLogger(__name__)
_RUN_IDS = uuid.UUID("0b5c9a52-3f0e-4c1e-9a8e-6d2f4b7c1a90")
_STEP_EVENTS = {
    DagsterEventType.STEP_START: "started",
    DagsterEventType.STEP_SUCCESS: "completed",
    DagsterEventType.STEP_FAILURE: "failed",
}
_ERROR_CODES = {"PromptError": "INVALID_PROMPT", "NameError_": "INVALID_PROMPT"}
_QUIET = {"loggers": {"console": {"config": {"log_level": "ERROR"}}}}
POLL_SECONDS = 0.1
STOP_GRACE_SECONDS = 15.0
# Written into a new embedded instance. Stages print nothing, and capturing each step's
# stdout/stderr (Dagster's default) redirects the terminal's file descriptors mid-run. The event
# log is Dagster's own SQLite layout, written without per-event set-up (event_log.py). Ticks of
# sensors and schedules (recorded when `dagster dev` runs the daemon on a home) are pruned by
# Dagster; runs by retention.py.
_PREVIOUS_YAML = """\
telemetry:
  enabled: false
# Runs launched from the UI (Materialize, Re-execute) start at once, with or without a daemon.
run_coordinator:
  module: dagster._core.run_coordinator
  class: DefaultRunCoordinator
compute_logs:
  module: dagster._core.storage.noop_compute_log_manager
  class: NoOpComputeLogManager
"""
_INSTANCE_YAML = (
    _PREVIOUS_YAML
    + """\
retention:
  schedule:
    purge_after_days: 30
  sensor:
    purge_after_days: {skipped: 7, failure: 30, success: 30}
"""
)
_EVENT_LOG_YAML = """\
event_log_storage:
  module: codegen_assets.orchestration.event_log
  class: PooledSqliteEventLogStorage
  config:
    base_dir: {base_dir}
"""


def _earlier_yaml(dagster_home: Path) -> tuple[str, ...]:
    """What earlier versions wrote at ``dagster_home``: brought up to date when found."""
    base_dir = json.dumps(str(dagster_home.resolve() / "history" / "runs"))
    return (
        _PREVIOUS_YAML + _EVENT_LOG_YAML.format(base_dir=base_dir),
        _PREVIOUS_YAML,
        "telemetry:\n  enabled: false\ncompute_logs:\n"
        "  module: dagster._core.storage.noop_compute_log_manager\n"
        "  class: NoOpComputeLogManager\n",
    )


def embedded_instance_yaml(dagster_home: Path) -> str:
    """``dagster.yaml`` of an embedded instance at ``dagster_home``."""
    base_dir = json.dumps(str(dagster_home.resolve() / "history" / "runs"))
    return _INSTANCE_YAML + _EVENT_LOG_YAML.format(base_dir=base_dir)


def _write_instance_yaml(dagster_home: Path) -> None:
    """Write the instance's configuration, or bring one an earlier version wrote up to date
    (a configuration someone wrote by hand is left as it is)."""
    config = dagster_home / "dagster.yaml"
    if not config.exists() or config.read_text("utf-8") in _earlier_yaml(dagster_home):
        config.write_text(embedded_instance_yaml(dagster_home), encoding="utf-8")


def open_instance(settings: NodegenSettings) -> DagsterInstance:
    """The embedded instance under ``settings.home`` (its configuration written or updated)."""
    settings.dagster_home.mkdir(parents=True, exist_ok=True)
    _write_instance_yaml(settings.dagster_home)
    return DagsterInstance.from_config(str(settings.dagster_home))


@dataclass
class _Execution:
    result: ExecuteInProcessResult | None = None
    error: BaseException | None = None


class EmbeddedRunner:
    """Runs the generation job in this process against an instance under ``settings.home``."""

    def __init__(self, settings: NodegenSettings, job_name: str = GENERATE_JOB) -> None:
        self.settings = settings
        self.instance = open_instance(settings)
        self.store = ArtifactStore(settings.artifact_db)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.job: JobDefinition = build_definitions(settings).resolve_job_def(job_name)

    def submit(
        self,
        prompt: str,
        options: GenerationOptions,
        output_dir: Path,
        correlation_id: str | None = None,
        style: StyleConfig | None = None,
        name: str | None = None,
        *,
        llm: ModelChoice | None = None,
        model_lock: dict[str, Any] | None = None,
    ) -> GenerationRequest:
        """Store a request and add its partition; returns it. Its id, the workflow id, is named
        after the node: ``name``, or the one the prompt gives (a prompt that does not parse fails
        in the run, under a generic name). ``llm``: the command's choice of model mode;
        ``model_lock``: the answers a replay gives."""
        if name is None:
            with contextlib.suppress(PromptError):
                name = parse_prompt(prompt, options, style).name
        request = GenerationRequest(
            request_id=request_id(name or "node"),
            prompt=prompt,
            options=options,
            output_dir=str(output_dir.absolute()),
            correlation_id=correlation_id or str(uuid.uuid4()),
            style=style,
            llm=llm,
            model_lock=model_lock,
        )
        self.store.put_request(request)
        self.add_partition(request.request_id)
        return request

    def add_partition(self, request_id: str) -> None:
        """Register the request's partition (idempotent)."""
        self.instance.add_dynamic_partitions(requests_partitions.name or "", [request_id])

    def regenerate(self, node_key: str, *, timeout: float) -> None:
        """Run ``regenerate_nodes`` for one delivered node in this process (a regeneration
        approved on a dashboard); past ``timeout`` seconds the run is stopped."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            job = build_definitions(self.settings).resolve_job_def(REGENERATE_JOB)
        self.instance.add_dynamic_partitions(DELIVERED_NODES, [node_key])
        run_id = str(uuid.uuid4())
        execution = _Execution()

        def execute() -> None:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    execution.result = execute_with_origin(
                        job,
                        self.instance,
                        run_config=_QUIET,
                        partition_key=node_key,
                        run_id=run_id,
                        tags={"nodegen/mode": "embedded"},
                    )
            except Exception as exc:
                execution.error = exc

        worker = threading.Thread(target=execute, daemon=True)
        worker.start()
        worker.join(timeout)
        if worker.is_alive():
            terminate_running()
            run = self.instance.get_run_by_id(run_id)
            if run is not None:
                self.instance.report_run_canceled(
                    run, message=f"stopped after the {timeout:g} s timeout"
                )
            worker.join(STOP_GRACE_SECONDS)
            raise TimeoutError(f"the regeneration of {node_key} timed out after {timeout:g} s")
        if execution.error is not None:
            raise execution.error
        if execution.result is not None and not execution.result.success:
            raise RuntimeError(f"the regeneration run of {node_key} failed (run {run_id})")

    def run(
        self,
        request: GenerationRequest,
        *,
        timeout: float,
        on_stage: StageCallback | None = None,
    ) -> GenerationResult:
        """Materialize every stage for ``request``; past ``timeout`` seconds the run is stopped."""
        run_id = first_run_id(request.request_id)
        if self.instance.get_run_by_id(run_id) is not None:  # a retry of the same request
            run_id = str(uuid.uuid4())
        result = self._run(request, run_id, timeout, on_stage)
        return result.model_copy(update={"run_id": run_id})

    def _run(
        self,
        request: GenerationRequest,
        run_id: str,
        timeout: float,
        on_stage: StageCallback | None,
    ) -> GenerationResult:
        started = time.perf_counter()
        self._workflow_id, self._correlation_id = request.request_id, request.correlation_id
        self._stage_started: dict[str, float] = {}
        execution = _Execution()
        worker = threading.Thread(
            target=self._execute, args=(request, run_id, execution), daemon=True
        )
        mirror = self._mirror()
        worker.start()
        if mirror is not None:
            mirror.start(run_id)
        cursor: str | None = None
        running: str | None = None
        while worker.is_alive() and time.perf_counter() - started < timeout:
            worker.join(POLL_SECONDS)
            cursor, running = self._report(run_id, cursor, running, on_stage)
        cursor, running = self._report(run_id, cursor, running, on_stage)
        if mirror is not None:
            mirror.finish()
        elapsed = round(time.perf_counter() - started, 3)
        if worker.is_alive():
            stopped = self._timed_out(request, run_id, running, timeout, elapsed)
            # The stopped run ends its current step (its validators are killed) and writes its
            # last events; wait for that, within bounds, so nothing writes after this returns.
            worker.join(STOP_GRACE_SECONDS)
            return stopped
        if execution.result is None:
            return _failure(
                request, elapsed, "INTERNAL_ERROR", f"run did not start: {execution.error}"
            )
        result = self._result(request, execution.result, elapsed)
        log.info(
            "generation finished",
            extra={
                "workflow_id": request.request_id,
                "correlation_id": request.correlation_id,
                "duration_seconds": elapsed,
                "error_type": result.error_code,
            },
        )
        if mirror is not None and mirror.publisher.error:
            depth = mirror.outbox.depth()
            note = (
                f"Kafka unreachable ({mirror.publisher.error}): {depth} events kept in "
                f"{mirror.outbox.where}; they are published in order once Kafka is back"
            )
            result = result.model_copy(update={"warnings": [*result.warnings, note]})
        return result

    def _mirror(self) -> RunMirror | None:
        settings = self.settings
        if not settings.kafka_bootstrap_servers:
            return None
        return RunMirror(
            self.instance,
            Outbox(settings.outbox_db),
            settings.kafka_bootstrap_servers,
            settings.kafka_env,
            settings.kafka_flush_seconds,
        )

    def _execute(self, request: GenerationRequest, run_id: str, execution: _Execution) -> None:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                execution.result = execute_with_origin(
                    self.job,
                    self.instance,
                    run_config=_QUIET,
                    partition_key=request.request_id,
                    run_id=run_id,
                    tags={
                        "nodegen/correlation_id": request.correlation_id,
                        "nodegen/mode": "embedded",
                    },
                )
        except Exception as exc:  # reported to the caller as INTERNAL_ERROR
            execution.error = exc

    def _report(
        self, run_id: str, cursor: str | None, running: str | None, on_stage: StageCallback | None
    ) -> tuple[str | None, str | None]:
        """Report the step events stored after ``cursor``; returns the new cursor and the stage
        running now."""
        found = self.instance.get_records_for_run(run_id, cursor, of_type=set(_STEP_EVENTS))
        for record in found.records:
            entry = record.event_log_entry
            event = entry.dagster_event
            if event is None or event.step_key not in STAGES:
                continue
            status = _STEP_EVENTS[event.event_type]
            self._log_stage(run_id, event.step_key, status, entry.timestamp)
            running = event.step_key if status == "started" else None
            if on_stage is not None:
                on_stage(event.step_key, status, entry.timestamp)
        return (found.cursor if found.records else cursor), running

    def _log_stage(self, run_id: str, stage: str, status: str, timestamp: float) -> None:
        fields: dict[str, object] = {
            "workflow_id": self._workflow_id,
            "stage": stage,
            "correlation_id": self._correlation_id,
        }
        if status == "started":
            self._stage_started[stage] = timestamp
            return
        fields["duration_seconds"] = round(timestamp - self._stage_started.get(stage, timestamp), 4)
        if status == "failed":
            log.error("stage %s failed", stage, extra={**fields, "error_type": "STAGE_FAILED"})
        else:
            log.info("stage %s completed", stage, extra=fields)

    def _timed_out(
        self,
        request: GenerationRequest,
        run_id: str,
        stage: str | None,
        timeout: float,
        elapsed: float,
    ) -> GenerationResult:
        terminate_running()
        run = self.instance.get_run_by_id(run_id)
        if run is not None:
            self.instance.report_run_canceled(
                run, message=f"stopped after the {timeout:g} s timeout"
            )
        where = f"while running stage '{stage}'" if stage else "before any stage started"
        return _failure(
            request,
            elapsed,
            "TIMEOUT",
            f"generation timed out after {timeout:g} s {where}; the run was stopped",
        )

    def _result(
        self, request: GenerationRequest, result: ExecuteInProcessResult, elapsed: float
    ) -> GenerationResult:
        if not result.success:
            return self._failed_run(request, result, elapsed)
        spec: NodeSpec = result.output_for_node("parsed_prompt")
        intel: Intelligence = result.output_for_node("intelligence")
        refined: RefinedCode = result.output_for_node("refined_code", "result")
        written: WriteOutcome = result.output_for_node("written_files")
        report = refined.report
        failed = report.failed
        warnings_ = [
            *spec.warnings,
            *intel.warnings,
            *(f"validation check '{name}' failed" for name in failed),
        ]
        out = Path(request.output_dir or ".")
        tests_dir = NodeLayout.of(spec, spec.options.package).tests_dir
        test_names = sorted(k for k in refined.files.files if k.startswith(f"{tests_dir}/"))
        base = GenerationResult(
            success=not failed and not written.stored_in_artifact_store,
            workflow_id=request.request_id,
            correlation_id=request.correlation_id,
            total_duration_seconds=elapsed,
            generated_files=[str(out / name) for name in written.written],
            test_files=[str(out / name) for name in written.written if name in test_names],
            test_file_count=len(test_names),
            quality_score=report.quality_score,
            node_type=spec.node_type.value,
            service_name=NodeLayout.of(spec, spec.options.package).name,
            needs_review=bool(warnings_) or intel.needs_review,
            warnings=warnings_,
            handlers=handler_lines(report),
            model_usage=report.model_usage,
        )
        if written.stored_in_artifact_store:
            return base.model_copy(
                update={
                    "partial_success": True,
                    "generated_code_in_database": True,
                    "error_code": "WRITE_FAILED",
                    "error_message": f"{written.error}. The generated code is kept in "
                    f"{self.store.where} for {RetentionSettings().keep_days:g} days "
                    "(NODEGEN_KEEP_DAYS); restore it with: omninode-generate recover "
                    f"{request.request_id} --output-dir DIR",
                }
            )
        if failed:
            return base.model_copy(
                update={
                    "error_code": "VALIDATION_FAILED",
                    "error_message": "generated node failed: " + ", ".join(failed),
                }
            )
        return base

    def _failed_run(
        self, request: GenerationRequest, result: ExecuteInProcessResult, elapsed: float
    ) -> GenerationResult:
        for event in result.all_events:
            if event.event_type is DagsterEventType.STEP_FAILURE and event.step_failure_data:
                error = event.step_failure_data.error
                cause = error.cause if error is not None and error.cause is not None else error
                if cause is None:
                    continue
                code = _ERROR_CODES.get(cause.cls_name or "", "STAGE_FAILED")
                message = cause.message.strip()
                return _failure(
                    request, elapsed, code, f"stage '{event.step_key}' failed: {message}"
                )
        return _failure(request, elapsed, "STAGE_FAILED", "the run failed without a step failure")


def first_run_id(request_id: str) -> str:
    """The Dagster run id of a request's first run: the request id when it is a UUID, otherwise
    one derived from it (Dagster run ids are UUIDs; request ids carry the node's name)."""
    try:
        return str(uuid.UUID(request_id))
    except ValueError:
        return str(uuid.uuid5(_RUN_IDS, request_id))


def _failure(
    request: GenerationRequest, elapsed: float, code: str, message: str
) -> GenerationResult:
    return GenerationResult(
        success=False,
        workflow_id=request.request_id,
        correlation_id=request.correlation_id,
        total_duration_seconds=elapsed,
        needs_review=True,
        error_code=code,
        error_message=message,
    )
