"""Sensors: pending webhook requests become dynamic partitions and runs (deployed mode)."""

from dagster import (
    DefaultSensorStatus,
    RunRequest,
    SensorEvaluationContext,
    SensorResult,
    sensor,
)

from codegen_assets.assets import requests_partitions
from codegen_assets.resources import RequestQueueResource

BATCH = 25


@sensor(
    job_name="generate_node_pr",
    minimum_interval_seconds=2,
    default_status=DefaultSensorStatus.STOPPED,
    description="Launches one run per queued /generate-node request (when the daemon launches).",
)
def github_requests_sensor(
    context: SensorEvaluationContext, queue: RequestQueueResource
) -> SensorResult:
    """Queued requests after the cursor → partitions + runs; run_key = request id, so none runs
    twice. Dagster stores the new cursor with the run requests, so a failed tick repeats."""
    rows = queue.queue().runs_after(int(context.cursor or 0), BATCH)
    ids = [request_id for _, request_id in rows]
    return SensorResult(
        run_requests=[RunRequest(run_key=rid, partition_key=rid) for rid in ids],
        dynamic_partitions_requests=[requests_partitions.build_add_request(ids)] if ids else [],
        cursor=str(rows[-1][0]) if rows else context.cursor,
    )
