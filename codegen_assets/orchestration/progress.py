"""Progress of bot-mode runs, reported by the run itself in every launch mode (in-process or
launched by the daemon): a hook on every step ticks the stage on the request's check run (at most
one update per write interval); a failed step concludes the check run, says on the issue where
the run stopped, lists the run on the repository's dashboard and finishes the queue row; the
``pull_request`` asset concludes on success."""

from __future__ import annotations

import time

from dagster import (
    DagsterEventType,
    DagsterInstance,
    Failure,
    HookContext,
    failure_hook,
    success_hook,
)

from codegen_assets.core.models import GenerationRequest
from codegen_assets.core.pipeline import STAGES
from codegen_assets.orchestration.assets import RunCancelledError
from codegen_assets.orchestration.dashboard import refresh_dashboard
from codegen_assets.orchestration.run_history import failure_tags
from codegen_assets.storage.artifacts import UnknownArtifactError

_last_update: dict[str, float] = {}  # run id -> when its check run was last updated
_RESOURCES = {"artifacts", "github", "queue"}


def stages_done(instance: DagsterInstance, run_id: str, also: str | None = None) -> list[str]:
    """The stages ``run_id`` materialized (plus ``also``), in pipeline order."""
    records = instance.get_records_for_run(
        run_id, of_type=DagsterEventType.ASSET_MATERIALIZATION
    ).records
    ok = {record.asset_key.path[-1] for record in records if record.asset_key is not None}
    return [stage for stage in STAGES if stage in ok or stage == also]


def _request(context: HookContext) -> GenerationRequest | None:
    run = context.instance.get_run_by_id(context.run_id)
    partition = run.tags.get("dagster/partition") if run is not None else None
    if partition is None:
        return None
    try:
        request = context.resources.artifacts.store().get_request(partition)
    except UnknownArtifactError:
        return None
    return request if isinstance(request, GenerationRequest) else None


@success_hook(required_resource_keys=_RESOURCES)
def stage_done(context: HookContext) -> None:
    """Tick the finished stage on the check run."""
    stage = context.op.name
    if stage not in STAGES or (request := _request(context)) is None or request.github is None:
        return
    github = context.resources.github
    now = time.monotonic()
    if now - _last_update.get(context.run_id, float("-inf")) < github.write_interval():
        return
    _last_update[context.run_id] = now
    done = stages_done(context.instance, context.run_id, also=stage)
    github.progress(request.github).stages_done(done)


@failure_hook(required_resource_keys=_RESOURCES)
def stage_failed(context: HookContext) -> None:
    """Conclude the check run, tell the issue where the run stopped, list the run on the
    dashboard, finish the queue row."""
    request = _request(context)
    if request is None or request.github is None:
        return
    stage = context.op.name
    github = context.resources.github
    progress = github.progress(request.github)
    # our own stages' Failure descriptions and a stopped run's reason are ours to post
    reason = progress.reason(context.op_exception, (Failure, RunCancelledError))
    done = stages_done(context.instance, context.run_id)
    progress.finish(done, False, f"Stopped at `{stage}`: {reason}")
    comment = None
    if stage != "pull_request":  # publishing says itself what it kept and why
        comment = progress.tell_stopped(stage, reason, github.run_url(context.run_id))
    target = request.github
    tags = failure_tags(target, f"stopped at `{stage}`: {reason}", comment)
    context.instance.add_run_tags(context.run_id, tags)
    queue = context.resources.queue
    refresh_dashboard(context.instance, queue, target.repository, target.installation_id)
    queue.queue().finish_run(request.request_id)
    _last_update.pop(context.run_id, None)
