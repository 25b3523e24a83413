"""The request and the ten generation stages as Dagster assets, one partition per request.

Each asset is a thin wrapper: it receives its inputs through lineage, calls the stage function,
and attaches metadata. The stages and their inputs are those of core.pipeline.PIPELINE.
"""

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from dagster import (
    AssetCheckResult,
    AssetExecutionContext,
    DagsterRunStatus,
    DynamicPartitionsDefinition,
    Failure,
    MetadataValue,
    Output,
    asset,
)

from codegen_assets.core import pipeline
from codegen_assets.core.contract_document import ContractDocument
from codegen_assets.core.layout import NodeLayout
from codegen_assets.core.models import (
    FileSet,
    GenerationRequest,
    Intelligence,
    NodeSpec,
    RefinedCode,
    Target,
    ValidationReport,
    WriteOutcome,
)
from codegen_assets.core.pipeline import STAGES
from codegen_assets.core.rendering.provenance import lock_path
from codegen_assets.core.stages.contract import build_node_contract
from codegen_assets.core.stages.event_bus import with_event_bus
from codegen_assets.core.stages.generated_tests import with_tests
from codegen_assets.core.stages.intelligence import gather_intelligence
from codegen_assets.core.stages.node_code import render_node_code
from codegen_assets.core.stages.read_prompt import read_prompt
from codegen_assets.core.stages.written_files import deliver
from codegen_assets.core.stages.written_logic import WrittenLogic
from codegen_assets.core.validation.markdown import report_markdown
from codegen_assets.core.validation.onex_oracle import ONEX_MISSING, omnibase_core_available
from codegen_assets.core.validation.public_output import failure_reason
from codegen_assets.orchestration.asset_metadata import (
    check_results,
    check_specs,
    model_metadata,
    outcome_tags,
    timed,
)
from codegen_assets.orchestration.dashboard import refresh_dashboard
from codegen_assets.orchestration.resources import (
    ArtifactStoreResource,
    GitHubResource,
    IntelligenceResource,
    ModelResource,
    RequestQueueResource,
    ValidatorResource,
)
from codegen_assets.orchestration.run_history import failure_tags
from codegen_assets.storage.artifacts import UnknownArtifactError
from codegen_assets.storage.registry import DeliveredNode, node_key
from github_app.outcomes import PublishOutcome
from github_app.repo_layout import RepoLayout

requests_partitions = DynamicPartitionsDefinition(name="generation_requests")
GROUP = "node_generation"
# The node a run delivered (its directory, or the registry key of its pull request): retention
# keeps the newest successful run of each, so the UI can re-execute it.
DELIVERED_TAG = "nodegen/delivered"


class RunCancelledError(RuntimeError):
    """The run was stopped (timeout, or terminated in the UI); later stages must not run."""


def _stop_if_cancelled(context: AssetExecutionContext) -> None:
    run = context.instance.get_run_by_id(context.run.run_id)
    if run is not None and run.status in (DagsterRunStatus.CANCELING, DagsterRunStatus.CANCELED):
        raise RunCancelledError(
            f"run {context.run.run_id} was stopped; not running {context.op_def.name}"
        )


@asset(partitions_def=requests_partitions, group_name=GROUP)
def generation_request(
    context: AssetExecutionContext, artifacts: ArtifactStoreResource
) -> Output[GenerationRequest]:
    """The request as the CLI or the webhook stored it: the root every stage reads."""
    _stop_if_cancelled(context)
    try:
        request = artifacts.store().get_request(context.partition_key)
    except UnknownArtifactError as exc:
        raise Failure(
            description=f"No request is stored for partition {context.partition_key!r}. "
            "Partitions are created by requests, not by hand: run omninode-generate "
            '"<prompt>" --output-dir DIR, or comment /generate-node <prompt> on GitHub; then '
            "rerun or materialize that request's partition here."
        ) from exc
    return Output(
        request,
        metadata={
            "prompt": MetadataValue.md(request.prompt),
            "source": "github" if request.github else "cli",
            "output_dir": request.output_dir or "",
        },
    )


@asset(partitions_def=requests_partitions, group_name=GROUP)
def parsed_prompt(
    context: AssetExecutionContext, generation_request: GenerationRequest, model: ModelResource
) -> Output[NodeSpec]:
    """Stage 1: requirements extracted from the prompt (by the rules, or by the model when one
    is configured and its reading is at least as good)."""
    started = time.perf_counter()
    request = generation_request
    if request.options.target is Target.ONEX and not omnibase_core_available():
        raise Failure(description=ONEX_MISSING)
    reader = f"installation:{request.github.installation_id}" if request.github else "cli"
    with model.reader(reader, choice=request.llm) as (gateway, note):
        spec = read_prompt(
            request.prompt, request.options, request.style, gateway=gateway, note=note
        )
    context.instance.add_run_tags(context.run.run_id, {"nodegen/node": spec.name})
    return Output(
        spec,
        metadata={
            "duration_seconds": timed(started),
            "node_name": spec.name,
            "node_type": spec.node_type.value,
            "operations": [op.name for op in spec.operations],
            "warnings": list(spec.warnings),
            "read_by": spec.reading.summary,
        },
    )


@asset(partitions_def=requests_partitions, group_name=GROUP)
def intelligence(
    context: AssetExecutionContext,
    intelligence_service: IntelligenceResource,
    generation_request: GenerationRequest,
    parsed_prompt: NodeSpec,
) -> Output[Intelligence]:
    """Stage 2: design patterns ranked against the prompt (BM25; remote RAG when configured)."""
    started = time.perf_counter()
    _stop_if_cancelled(context)
    result = gather_intelligence(
        generation_request.prompt,
        parsed_prompt,
        enabled=generation_request.options.enable_intelligence,
        rag=intelligence_service.client(),
    )
    return Output(
        result,
        metadata={
            "duration_seconds": timed(started),
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
            "duration_seconds": timed(started),
            "name": document.name,
            "operations": [h.operation for h in document.handler_routing.handlers],
            "published_events": [f"{e.event_type} -> {e.topic}" for e in document.published_events],
        },
    )


@asset(partitions_def=requests_partitions, group_name=GROUP)
def node_code(parsed_prompt: NodeSpec, contract: ContractDocument) -> Output[FileSet]:
    """Stage 4: contract.yaml, node.py, the handlers and the models."""
    started = time.perf_counter()
    files = render_node_code(parsed_prompt, contract)
    return Output(
        files, metadata={"duration_seconds": timed(started), "files": sorted(files.files)}
    )


@asset(partitions_def=requests_partitions, group_name=GROUP)
def event_bus(parsed_prompt: NodeSpec, node_code: FileSet) -> Output[FileSet]:
    """Stage 5: node code plus the event models the handlers return and the runtime publishes."""
    started = time.perf_counter()
    files = with_event_bus(parsed_prompt, node_code)
    added = sorted(set(files.files) - set(node_code.files))
    return Output(files, metadata={"duration_seconds": timed(started), "files_added": added})


@asset(partitions_def=requests_partitions, group_name=GROUP)
def generated_tests(
    parsed_prompt: NodeSpec, contract: ContractDocument, event_bus: FileSet
) -> Output[FileSet]:
    """Stage 6: the node's own tests added, every file formatted as the repository formats."""
    started = time.perf_counter()
    files = with_tests(parsed_prompt, contract, event_bus)
    tests = sorted(set(files.files) - set(event_bus.files))
    return Output(
        files,
        metadata={
            "duration_seconds": timed(started),
            "test_files": tests,
            "test_file_count": len(tests),
        },
    )


def account(request: GenerationRequest) -> str:
    """Whose budget a request's model use counts against."""
    return f"installation:{request.github.installation_id}" if request.github else "cli"


@asset(partitions_def=requests_partitions, group_name=GROUP)
def written_logic(
    context: AssetExecutionContext,
    generation_request: GenerationRequest,
    parsed_prompt: NodeSpec,
    intelligence: Intelligence,
    generated_tests: FileSet,
    model: ModelResource,
    validator: ValidatorResource,
) -> Output[WrittenLogic]:
    """Stage 7: the compute handlers left to write, written by a model when one is configured
    (off by default), each answer checked before it runs and kept only if the node then passes
    its validation; replayed from nodegen.lock in mode replay."""
    started = time.perf_counter()
    _stop_if_cancelled(context)
    request = generation_request
    with model.writer(
        account(request),
        choice=request.llm,
        lock=request.model_lock,
        sandboxed=validator.sandboxed(),
    ) as (gateway, note):
        logic = pipeline.written_logic(
            request,
            parsed_prompt,
            intelligence,
            generated_tests,
            validator,
            gateway,
            note=note,
            mode=model.mode_for(request.llm),
        )
    return Output(
        logic,
        metadata={
            "duration_seconds": timed(started),
            "written_by_model": sorted(logic.written_by_model),
            **model_metadata(logic.usage),
        },
    )


@asset(
    partitions_def=requests_partitions,
    group_name=GROUP,
    check_specs=check_specs("validation_report"),
)
def validation_report(
    context: AssetExecutionContext,
    parsed_prompt: NodeSpec,
    written_logic: WrittenLogic,
    validator: ValidatorResource,
) -> Iterator[Output[ValidationReport] | AssetCheckResult]:
    """Stage 8: ruff, format, mypy --strict, pytest with coverage, complexity, the contract
    schema and the ONEX ecosystem's gates, on a sandboxed copy of the node."""
    started = time.perf_counter()
    _stop_if_cancelled(context)
    report = pipeline.validation_report(
        parsed_prompt, written_logic.files, validator, written_logic.usage
    )
    yield Output(
        report,
        metadata={
            "duration_seconds": timed(started),
            "quality_score": report.quality_score,
            "report": MetadataValue.md(report_markdown(report, [], list(parsed_prompt.warnings))),
            **model_metadata(report.model_usage),
        },
    )
    yield from check_results(report)


@asset(
    partitions_def=requests_partitions, group_name=GROUP, check_specs=check_specs("refined_code")
)
def refined_code(
    context: AssetExecutionContext,
    generation_request: GenerationRequest,
    parsed_prompt: NodeSpec,
    intelligence: Intelligence,
    written_logic: WrittenLogic,
    validation_report: ValidationReport,
    validator: ValidatorResource,
) -> Iterator[Output[RefinedCode] | AssetCheckResult]:
    """Stage 9: automatic fixes (ruff --fix, ruff format), one re-validation, the lock file."""
    started = time.perf_counter()
    _stop_if_cancelled(context)
    refined = pipeline.refined_code(
        generation_request,
        parsed_prompt,
        intelligence,
        written_logic.files,
        validation_report,
        validator,
        written_logic.lock,
    )
    warnings = [*parsed_prompt.warnings, *intelligence.warnings]
    context.instance.add_run_tags(context.run.run_id, outcome_tags(refined.report))
    yield Output(
        refined,
        metadata={
            "duration_seconds": timed(started),
            "fixed_files": list(refined.fixed_files),
            "quality_score": refined.report.quality_score,
            "report": MetadataValue.md(
                report_markdown(refined.report, [p.name for p in intelligence.patterns], warnings)
            ),
            **model_metadata(refined.report.model_usage),
        },
    )
    yield from check_results(refined.report)


@asset(partitions_def=requests_partitions, group_name=GROUP)
def written_files(
    context: AssetExecutionContext,
    artifacts: ArtifactStoreResource,
    generation_request: GenerationRequest,
    parsed_prompt: NodeSpec,
    refined_code: RefinedCode,
) -> Output[WriteOutcome]:
    """Stage 10: the node and its tests written atomically; kept in the artifact store if that
    fails."""
    started = time.perf_counter()
    _stop_if_cancelled(context)
    request = generation_request
    outcome = deliver(
        artifacts.destination(request),
        refined_code.files,
        keep=refined_code.files,
        store=artifacts.store(),
        workflow_id=request.request_id,
        node_name=parsed_prompt.name,
    )
    if request.github is None and outcome.written:  # bot mode delivers with its pull request
        node_dir = (
            Path(request.output_dir or ".")
            / NodeLayout.of(parsed_prompt, parsed_prompt.options.package).node_dir
        )
        context.instance.add_run_tags(context.run.run_id, {DELIVERED_TAG: str(node_dir)})
    return Output(
        outcome,
        metadata={
            "duration_seconds": timed(started),
            "files": list(outcome.written),
            "stored_in_artifact_store": outcome.stored_in_artifact_store,
        },
    )


@asset(partitions_def=requests_partitions, group_name=GROUP)
def pull_request(
    context: AssetExecutionContext,
    artifacts: ArtifactStoreResource,
    github: GitHubResource,
    queue: RequestQueueResource,
    generation_request: GenerationRequest,
    parsed_prompt: NodeSpec,
    intelligence: Intelligence,
    refined_code: RefinedCode,
    written_files: WriteOutcome,
) -> Output[PublishOutcome]:
    """Bot mode: one commit with the node, its tests and the report, as a new or updated PR;
    the delivered node is recorded in the registry that template-drift regeneration reads, and
    the repository's dashboard is brought up to date."""
    started = time.perf_counter()
    _stop_if_cancelled(context)
    request = generation_request
    if request.github is None:
        raise ValueError(f"request {request.request_id} did not come from GitHub")
    publisher = github.publisher(artifacts.store(), request.github.installation_id)
    outcome = publisher.publish(
        request, parsed_prompt, intelligence, refined_code, github.run_url(context.run.run_id)
    )
    metadata: dict[str, Any] = {"duration_seconds": timed(started), "branch": outcome.branch}
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
        context.instance.add_run_tags(context.run.run_id, {DELIVERED_TAG: key})
    if outcome.stored_in_artifact_store:
        metadata["error"] = outcome.error or ""
        metadata["kept_files"] = MetadataValue.json(refined_code.files.files)
        reason = f"the pull request could not be written: {outcome.error}"
        tags = failure_tags(request.github, reason, outcome.comment_url)
        context.instance.add_run_tags(context.run.run_id, tags)
    failed = refined_code.report.failed
    error = outcome.error if outcome.stored_in_artifact_store else None
    if failed and error is None:
        error = failure_reason(refined_code.report, refined_code.files)
    success = not failed and not outcome.stored_in_artifact_store
    github.progress(request.github).finish(list(STAGES), success, error)
    target = request.github
    refresh_dashboard(context.instance, queue, target.repository, target.installation_id)
    queue.queue().finish_run(request.request_id)
    return Output(outcome, metadata=metadata)


generation_assets = [
    generation_request,
    parsed_prompt,
    intelligence,
    contract,
    node_code,
    event_bus,
    generated_tests,
    written_logic,
    validation_report,
    refined_code,
    written_files,
]
