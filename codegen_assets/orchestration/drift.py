"""Template drift: delivered nodes regenerated when the template set changes.

Every node the app delivered is a partition of regenerated_node (listed in the Dagster UI).
The sensor adds new nodes as partitions and, per repository as its ``.github/nodegen.yml`` says
(``regeneration``): ``auto`` — one run per node generated with an older template set (run key =
node + template set, so a node is regenerated once per release), no more than
``max_open_pulls`` allows; ``approve`` (the default) — a refresh of the repository's dashboard,
which lists the stale nodes with a box each; ``off`` — nothing. It also launches the
regenerations approved on dashboards. A daily schedule checks drift too, by the same rules.
"""

import logging
import time
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from dagster import (
    AssetExecutionContext,
    DefaultScheduleStatus,
    DefaultSensorStatus,
    DynamicPartitionsDefinition,
    MetadataValue,
    Output,
    RunRequest,
    ScheduleEvaluationContext,
    SensorEvaluationContext,
    SensorResult,
    asset,
    define_asset_job,
    schedule,
    sensor,
)

from codegen_assets.core import version
from codegen_assets.core.rendering.provenance import read_lock
from codegen_assets.orchestration.dashboard import (
    REFRESH_JOB,
    refresh_dashboard,
    refresh_dashboards_job,
    refresh_run_config,
)
from codegen_assets.orchestration.resources import (
    GitHubResource,
    ModelResource,
    RequestQueueResource,
    ValidatorResource,
)
from codegen_assets.storage.registry import DeliveredNode
from github_app.outcomes import RegenerationOutcome

DELIVERED_NODES = "delivered_nodes"
delivered_nodes_partitions = DynamicPartitionsDefinition(name=DELIVERED_NODES)
REGENERATE_JOB = "regenerate_nodes"
BATCH = 25
log = logging.getLogger(__name__)


@asset(partitions_def=delivered_nodes_partitions, group_name="regeneration")
def regenerated_node(
    context: AssetExecutionContext,
    queue: RequestQueueResource,
    validator: ValidatorResource,
    model: ModelResource,
) -> Output[RegenerationOutcome]:
    """One delivered node brought to the current template set: a PR that keeps hand edits."""
    registry = queue.registry()
    node = registry.get(context.partition_key)
    if node is None:
        raise ValueError(f"no delivered node {context.partition_key!r} in the registry")
    try:
        outcome = queue.regenerator(node.installation_id, validator, model).regenerate(node)
        registry.mark_regenerated(node.key, version.TEMPLATE_SET_VERSION, outcome.pr_number)
    finally:  # approved on the dashboard: done, whatever the outcome (a failure shows it again)
        queue.dashboard_store().finish_approval(node.key)
        refresh_dashboard(context.instance, queue, node.repository, node.installation_id)
    metadata: dict[str, Any] = {
        "status": outcome.status,
        "template_set": outcome.template_set,
        "generated_with": read_lock(node.lock).template_set,
        "conflicts": list(outcome.conflicts),
        "hand_edits_kept": list(outcome.kept_edits),
    }
    if outcome.pr_url:
        metadata["pull_request"] = MetadataValue.url(outcome.pr_url)
    return Output(outcome, metadata=metadata)


regenerate_nodes_job = define_asset_job(
    REGENERATE_JOB,
    selection=[regenerated_node],
    description="Regenerate delivered nodes with the current templates (one run per node).",
)


def stale(nodes: list[DeliveredNode]) -> list[DeliveredNode]:
    """Nodes generated with another template set and not yet handled for the current one."""
    return [
        n
        for n in nodes
        if read_lock(n.lock).template_set != version.TEMPLATE_SET_VERSION
        and n.regenerated_for != version.TEMPLATE_SET_VERSION
    ]


def _requests(nodes: list[DeliveredNode], suffix: str = "") -> Iterator[RunRequest]:
    for node in nodes:
        yield RunRequest(
            run_key=f"{node.key}@{version.TEMPLATE_SET_VERSION}{suffix}",
            partition_key=node.key,
            job_name=REGENERATE_JOB,
        )


def by_policy(
    nodes: list[DeliveredNode], github: GitHubResource
) -> tuple[list[DeliveredNode], list[str]]:
    """Stale ``nodes`` split by their repository's ``regeneration``: those to regenerate now
    (``auto``, within ``max_open_pulls``) and the repositories whose dashboards list them
    (``approve``). A repository whose config cannot be read is left for the next evaluation."""
    grouped: dict[str, list[DeliveredNode]] = defaultdict(list)
    for node in nodes:
        grouped[node.repository].append(node)
    now: list[DeliveredNode] = []
    listed: list[str] = []
    for repository, group in sorted(grouped.items()):
        try:
            policy = github.regeneration_policy(repository, group[0].installation_id)
        except Exception as exc:
            log.warning("cannot read the config of %s: %s", repository, exc)
            continue
        if policy.mode == "auto":
            now += group if policy.room is None else group[: policy.room]
        elif policy.mode == "approve":
            listed.append(repository)
    return now, listed


@sensor(
    jobs=[regenerate_nodes_job, refresh_dashboards_job],
    minimum_interval_seconds=60,
    default_status=DefaultSensorStatus.STOPPED,
    description="On a new template set, regenerates the nodes delivered with an older one where "
    "the repository asks for it (regeneration: auto), lists them on the dashboard where it asks "
    "for approval (the default), and runs the regenerations approved there. Off by default: turn "
    "it on where the daemon runs and the GitHub App delivers nodes (it reads the node registry "
    "in the configured database).",
)
def template_drift_sensor(
    context: SensorEvaluationContext, queue: RequestQueueResource, github: GitHubResource
) -> SensorResult:
    """New delivered nodes become partitions; stale ones get a run (once per template set) or a
    place on the dashboard; approved ones get a run."""
    nodes = queue.registry().all()
    known = set(context.instance.get_dynamic_partitions(DELIVERED_NODES))
    new = [n.key for n in nodes if n.key not in known]
    due, listed = by_policy(stale(nodes), github)
    templates = version.TEMPLATE_SET_VERSION
    approved = []
    approvals = queue.dashboard_store()
    delivered = {n.key for n in nodes}
    for key in approvals.claim_approvals(BATCH):
        if key not in delivered:  # no longer in the registry: nothing to run
            approvals.finish_approval(key)
            continue
        approved.append(
            RunRequest(
                run_key=f"{key}@{templates}@approved-{time.time():.0f}",
                partition_key=key,
                job_name=REGENERATE_JOB,
            )
        )
    dashboards = [
        RunRequest(
            run_key=f"dashboard:{repository}@{templates}",
            job_name=REFRESH_JOB,
            run_config=refresh_run_config([repository]),
        )
        for repository in listed
    ]
    return SensorResult(
        run_requests=[*_requests(due), *approved, *dashboards],
        dynamic_partitions_requests=(
            [delivered_nodes_partitions.build_add_request(new)] if new else []
        ),
        cursor=version.TEMPLATE_SET_VERSION,
    )


@schedule(
    job=regenerate_nodes_job,
    cron_schedule="0 6 * * *",
    default_status=DefaultScheduleStatus.STOPPED,
    description="Daily drift check: regenerates stale nodes the sensor has not handled, where "
    "the repository asks for it (regeneration: auto; dashboards list the others). Off by "
    "default; needs the daemon and the GitHub App's node registry.",
)
def daily_drift_schedule(
    context: ScheduleEvaluationContext, queue: RequestQueueResource, github: GitHubResource
) -> list[RunRequest]:
    """Stale nodes that are already partitions (the sensor adds new ones), by policy."""
    known = set(context.instance.get_dynamic_partitions(DELIVERED_NODES))
    when = (context.scheduled_execution_time or datetime.now(UTC)).date().isoformat()
    nodes = [n for n in stale(queue.registry().all()) if n.key in known]
    due, _listed = by_policy(nodes, github)
    return list(_requests(due, f"@{when}"))
