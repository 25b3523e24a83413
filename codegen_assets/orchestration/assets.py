"""The nine generation stages as Dagster assets, one partition per request.

Each asset is a thin wrapper: it loads its inputs, calls the stage function, and attaches metadata.
"""

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    DagsterRunStatus,
    DynamicPartitionsDefinition,
    Failure,
    MetadataValue,
    Output,
    asset,
)

from codegen_assets.core.layout import NodeLayout
from codegen_assets.core.models import (
    FileSet,
    GenerationRequest,
    Intelligence,
    NodeSpec,
    RefinedCode,
    Target,
    ValidatedCode,
    ValidationReport,
    WriteOutcome,
)
from codegen_assets.core.onex_oracle import ONEX_MISSING, omnibase_core_available
from codegen_assets.core.provenance import lock_path, with_lock
from codegen_assets.core.render import (
    build_node_contract,
    finish,
    render_event_bus,
    render_node_code,
)
from codegen_assets.core.stages.contract import ContractDocument
from codegen_assets.core.stages.generated_tests import render_tests
from codegen_assets.core.stages.intelligence import gather_intelligence
from codegen_assets.core.stages.parsed_prompt import parse_prompt
from codegen_assets.core.stages.validation_report import WEIGHTS, report_markdown, with_prompt_check
from codegen_assets.core.stages.written_files import deliver
from codegen_assets.orchestration.resources import (
    ArtifactStoreResource,
    GitHubResource,
    IntelligenceResource,
    RequestQueueResource,
    ValidatorResource,
)
from codegen_assets.storage.registry import DeliveredNode, node_key
from github_app.publishing import PublishOutcome
from github_app.repo_layout import RepoLayout

requests_partitions = DynamicPartitionsDefinition(name="generation_requests")
GROUP = "node_generation"


class RunCancelledError(RuntimeError):
    """The run was stopped (timeout, or terminated in the UI); later stages must not run."""


def _request(context: AssetExecutionContext, artifacts: ArtifactStoreResource) -> GenerationRequest:
    run = context.instance.get_run_by_id(context.run.run_id)
    if run is not None and run.status in (DagsterRunStatus.CANCELING, DagsterRunStatus.CANCELED):
        raise RunCancelledError(
            f"run {context.run.run_id} was stopped; not running {context.op_def.name}"
        )
    return artifacts.store().get_request(context.partition_key)


def _timed(started: float) -> MetadataValue:
    return MetadataValue.float(round(time.perf_counter() - started, 4))


def _check_specs(asset_name: str) -> list[AssetCheckSpec]:
    return [AssetCheckSpec(name, asset=asset_name) for name in WEIGHTS]


def _check_results(report: ValidationReport) -> Iterator[AssetCheckResult]:
    for check in report.checks:
        yield AssetCheckResult(
            check_name=check.name,
            passed=check.passed,
            severity=AssetCheckSeverity.WARN,
            metadata={
                "weight": check.weight,
                "duration_seconds": check.duration_seconds,
                "output": MetadataValue.md(f"```\n{check.output}\n```" if check.output else ""),
            },
        )


@asset(partitions_def=requests_partitions, group_name=GROUP)
def parsed_prompt(
    context: AssetExecutionContext, artifacts: ArtifactStoreResource
) -> Output[NodeSpec]:
    """Stage 1: requirements extracted from the prompt."""
    started = time.perf_counter()
    request = _request(context, artifacts)
    if request.options.target is Target.ONEX and not omnibase_core_available():
        raise Failure(description=ONEX_MISSING)
    spec = parse_prompt(request.prompt, request.options, request.style)
    return Output(
        spec,
        metadata={
            "duration_seconds": _timed(started),
            "node_name": spec.name,
            "node_type": spec.node_type.value,
            "operations": [op.name for op in spec.operations],
            "warnings": list(spec.warnings),
        },
    )


@asset(partitions_def=requests_partitions, group_name=GROUP)
def intelligence(
    context: AssetExecutionContext,
    artifacts: ArtifactStoreResource,
    intelligence_service: IntelligenceResource,
    parsed_prompt: NodeSpec,
) -> Output[Intelligence]:
    """Stage 2: design patterns ranked against the prompt (BM25; remote RAG when configured)."""
    started = time.perf_counter()
    request = _request(context, artifacts)
    result = gather_intelligence(
        request.prompt,
        parsed_prompt,
        enabled=request.options.enable_intelligence,
        rag=intelligence_service.client(),
    )
    return Output(
        result,
        metadata={
            "duration_seconds": _timed(started),
            "source": result.source,
            "needs_review": result.needs_review,
            "patterns": [p.name for p in result.patterns],
        },
    )


@asset(partitions_def=requests_partitions, group_name=GROUP)
def contract(parsed_prompt: NodeSpec, intelligence: Intelligence) -> Output[ContractDocument]:
    """Stage 3: the ONEX contract as the ecosystem's nodes write it (handler routing, event bus,
    published events, dependencies, error handling, metadata)."""
    started = time.perf_counter()
    document = build_node_contract(parsed_prompt, intelligence)
    return Output(
        document,
        metadata={
            "duration_seconds": _timed(started),
            "name": document.name,
            "operations": [h.operation for h in document.handler_routing.handlers],
            "published_events": [f"{e.event_type} -> {e.topic}" for e in document.published_events],
        },
    )


@asset(partitions_def=requests_partitions, group_name=GROUP)
def node_code(parsed_prompt: NodeSpec, contract: ContractDocument) -> Output[FileSet]:
    """Stage 4: contract.yaml, node.py and the models."""
    started = time.perf_counter()
    files = render_node_code(parsed_prompt, contract)
    return Output(
        files, metadata={"duration_seconds": _timed(started), "files": sorted(files.files)}
    )


@asset(partitions_def=requests_partitions, group_name=GROUP)
def event_bus(parsed_prompt: NodeSpec, node_code: FileSet) -> Output[FileSet]:
    """Stage 5: node code plus the event bus wiring (topics, event model, publisher protocol)."""
    started = time.perf_counter()
    wiring = render_event_bus(parsed_prompt)
    return Output(
        node_code.merged(wiring),
        metadata={"duration_seconds": _timed(started), "files_added": sorted(wiring.files)},
    )


@asset(
    partitions_def=requests_partitions,
    group_name=GROUP,
    check_specs=_check_specs("validation_report"),
)
def validation_report(
    parsed_prompt: NodeSpec,
    intelligence: Intelligence,
    event_bus: FileSet,
    validator: ValidatorResource,
) -> Iterator[Output[ValidatedCode] | AssetCheckResult]:
    """Stage 6: ruff, format, mypy --strict, pytest with coverage, complexity, the contract
    schema and omnibase-core's two judges, on a sandboxed copy.

    The test suite is rendered here so the checks can run it; stage 9 delivers it.
    """
    started = time.perf_counter()
    patterns = tuple(p.name for p in intelligence.patterns)
    files = finish(event_bus.merged(render_tests(parsed_prompt, patterns)), parsed_prompt)
    report = with_prompt_check(validator.check(files, parsed_prompt.style), parsed_prompt)
    yield Output(
        ValidatedCode(files=files, report=report),
        metadata={
            "duration_seconds": _timed(started),
            "quality_score": report.quality_score,
            "report": MetadataValue.md(
                report_markdown(report, list(patterns), list(parsed_prompt.warnings))
            ),
        },
    )
    yield from _check_results(report)


@asset(
    partitions_def=requests_partitions, group_name=GROUP, check_specs=_check_specs("refined_code")
)
def refined_code(
    context: AssetExecutionContext,
    artifacts: ArtifactStoreResource,
    parsed_prompt: NodeSpec,
    intelligence: Intelligence,
    validation_report: ValidatedCode,
    validator: ValidatorResource,
) -> Iterator[Output[RefinedCode] | AssetCheckResult]:
    """Stage 7: automatic fixes (ruff --fix, ruff format), one re-validation, the lock file."""
    started = time.perf_counter()
    refined = validator.refine(
        validation_report.files, validation_report.report, parsed_prompt.style
    )
    refined = refined.model_copy(
        update={"report": with_prompt_check(refined.report, parsed_prompt)}
    )
    request = _request(context, artifacts)
    locked = with_lock(request.prompt, request.options, parsed_prompt, intelligence, refined.files)
    refined = refined.model_copy(update={"files": locked})
    warnings = [*parsed_prompt.warnings, *intelligence.warnings]
    yield Output(
        refined,
        metadata={
            "duration_seconds": _timed(started),
            "fixed_files": list(refined.fixed_files),
            "quality_score": refined.report.quality_score,
            "report": MetadataValue.md(
                report_markdown(refined.report, [p.name for p in intelligence.patterns], warnings)
            ),
        },
    )
    yield from _check_results(refined.report)


def _split(files: FileSet) -> tuple[FileSet, FileSet]:
    tests = {k: v for k, v in files.files.items() if k.startswith("tests/")}
    code = {k: v for k, v in files.files.items() if not k.startswith("tests/")}
    return FileSet(files=code), FileSet(files=tests)


def _deliver(
    context: AssetExecutionContext,
    artifacts: ArtifactStoreResource,
    spec: NodeSpec,
    refined: RefinedCode,
    part: FileSet,
) -> WriteOutcome:
    request = _request(context, artifacts)
    if request.output_dir is None:
        raise ValueError(f"request {request.request_id} has no output directory")
    return deliver(
        Path(request.output_dir),
        part,
        keep=refined.files,
        store=artifacts.store(),
        workflow_id=request.request_id,
        node_name=spec.name,
    )


@asset(partitions_def=requests_partitions, group_name=GROUP)
def written_files(
    context: AssetExecutionContext,
    artifacts: ArtifactStoreResource,
    parsed_prompt: NodeSpec,
    refined_code: RefinedCode,
) -> Output[WriteOutcome]:
    """Stage 8: the node's code written atomically; kept in the artifact store if that fails."""
    started = time.perf_counter()
    code, _ = _split(refined_code.files)
    outcome = _deliver(context, artifacts, parsed_prompt, refined_code, code)
    return Output(
        outcome,
        metadata={
            "duration_seconds": _timed(started),
            "files": list(outcome.written),
            "stored_in_artifact_store": outcome.stored_in_artifact_store,
        },
    )


@asset(partitions_def=requests_partitions, group_name=GROUP)
def generated_tests(
    context: AssetExecutionContext,
    artifacts: ArtifactStoreResource,
    parsed_prompt: NodeSpec,
    refined_code: RefinedCode,
    written_files: WriteOutcome,
) -> Output[WriteOutcome]:
    """Stage 9: the validated test suite delivered beside the code."""
    started = time.perf_counter()
    _, tests = _split(refined_code.files)
    if written_files.stored_in_artifact_store:
        outcome = WriteOutcome(stored_in_artifact_store=True, error=written_files.error)
    else:
        outcome = _deliver(context, artifacts, parsed_prompt, refined_code, tests)
    return Output(
        outcome,
        metadata={
            "duration_seconds": _timed(started),
            "files": list(outcome.written),
            "test_file_count": len(tests.files),
        },
    )


@asset(partitions_def=requests_partitions, group_name=GROUP)
def pull_request(
    context: AssetExecutionContext,
    artifacts: ArtifactStoreResource,
    github: GitHubResource,
    queue: RequestQueueResource,
    parsed_prompt: NodeSpec,
    intelligence: Intelligence,
    refined_code: RefinedCode,
    generated_tests: WriteOutcome,
) -> Output[PublishOutcome]:
    """Bot mode: one commit with the node, its tests and the report, as a new or updated PR;
    the delivered node is recorded in the registry that template-drift regeneration reads."""
    started = time.perf_counter()
    request = _request(context, artifacts)
    if request.github is None:
        raise ValueError(f"request {request.request_id} did not come from GitHub")
    publisher = github.publisher(artifacts.store(), request.github.installation_id)
    outcome = publisher.publish(
        request, parsed_prompt, intelligence, refined_code, github.run_url(context.run.run_id)
    )
    metadata: dict[str, Any] = {"duration_seconds": _timed(started), "branch": outcome.branch}
    if outcome.pr_url:
        metadata["pull_request"] = MetadataValue.url(outcome.pr_url)
    if outcome.commit_sha and outcome.pr_number is not None:
        layout = NodeLayout.of(parsed_prompt, parsed_prompt.options.package)
        path = RepoLayout(request.github.source_root).repo_path(layout.node_dir)
        key = node_key(request.github.repository, path)
        queue.registry().record(
            DeliveredNode(
                key=key,
                repository=request.github.repository,
                installation_id=request.github.installation_id,
                path=path,
                node_name=layout.name,
                branch=outcome.branch,
                pr_number=outcome.pr_number,
                commit_sha=outcome.commit_sha,
                lock=refined_code.files.files[lock_path(parsed_prompt)],
            )
        )
        metadata["registry_key"] = key
    if outcome.stored_in_artifact_store:
        metadata["error"] = outcome.error or ""
        metadata["kept_files"] = MetadataValue.json(refined_code.files.files)
    return Output(outcome, metadata=metadata)


generation_assets = [
    parsed_prompt,
    intelligence,
    contract,
    node_code,
    event_bus,
    validation_report,
    refined_code,
    written_files,
    generated_tests,
]
