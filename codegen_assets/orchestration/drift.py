"""Template drift: delivered nodes regenerated when the template set changes.

Every node the app delivered is a partition of regenerated_node (listed in the Dagster UI).
The sensor adds new nodes as partitions and requests one run per node generated with an older
template set (run key = node + template set, so a node is regenerated once per release); a daily
schedule checks drift too.
"""

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
from codegen_assets.core.provenance import read_lock
from codegen_assets.orchestration.resources import RequestQueueResource, ValidatorResource
from codegen_assets.storage.registry import DeliveredNode
from github_app.outcomes import RegenerationOutcome

DELIVERED_NODES = "delivered_nodes"
delivered_nodes_partitions = DynamicPartitionsDefinition(name=DELIVERED_NODES)
REGENERATE_JOB = "regenerate_nodes"


@asset(partitions_def=delivered_nodes_partitions, group_name="regeneration")
def regenerated_node(
    context: AssetExecutionContext, queue: RequestQueueResource, validator: ValidatorResource
) -> Output[RegenerationOutcome]:
    """One delivered node brought to the current template set: a PR that keeps hand edits."""
    registry = queue.registry()
    node = registry.get(context.partition_key)
    if node is None:
        raise ValueError(f"no delivered node {context.partition_key!r} in the registry")
    outcome = queue.regenerator(node.installation_id, validator).regenerate(node)
    registry.mark_regenerated(node.key, version.TEMPLATE_SET_VERSION, outcome.pr_number)
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
            run_key=f"{node.key}@{version.TEMPLATE_SET_VERSION}{suffix}", partition_key=node.key
        )


@sensor(
    job=regenerate_nodes_job,
    minimum_interval_seconds=60,
    default_status=DefaultSensorStatus.STOPPED,
    description="On a new template set, regenerates every node delivered with an older one. "
    "Off by default: turn it on where the daemon runs and the GitHub App delivers nodes (it reads "
    "the node registry in the configured database).",
)
def template_drift_sensor(
    context: SensorEvaluationContext, queue: RequestQueueResource
) -> SensorResult:
    """New delivered nodes become partitions; stale ones get a run (once per template set)."""
    nodes = queue.registry().all()
    known = set(context.instance.get_dynamic_partitions(DELIVERED_NODES))
    new = [n.key for n in nodes if n.key not in known]
    return SensorResult(
        run_requests=list(_requests(stale(nodes))),
        dynamic_partitions_requests=(
            [delivered_nodes_partitions.build_add_request(new)] if new else []
        ),
        cursor=version.TEMPLATE_SET_VERSION,
    )


@schedule(
    job=regenerate_nodes_job,
    cron_schedule="0 6 * * *",
    default_status=DefaultScheduleStatus.STOPPED,
    description="Daily drift check: regenerates stale nodes the sensor has not handled. Off by "
    "default; needs the daemon and the GitHub App's node registry.",
)
def daily_drift_schedule(
    context: ScheduleEvaluationContext, queue: RequestQueueResource
) -> list[RunRequest]:
    """Stale nodes that are already partitions (the sensor adds new ones)."""
    known = set(context.instance.get_dynamic_partitions(DELIVERED_NODES))
    when = (context.scheduled_execution_time or datetime.now(UTC)).date().isoformat()
    nodes = [n for n in stale(queue.registry().all()) if n.key in known]
    return list(_requests(nodes, f"@{when}"))
