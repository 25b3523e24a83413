"""Sensors: pending webhook requests become dynamic partitions and runs (deployed mode)."""

from datetime import UTC, datetime

from dagster import (
    DefaultSensorStatus,
    RunRequest,
    RunsFilter,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    sensor,
)

from codegen_assets.orchestration.assets import requests_partitions
from codegen_assets.orchestration.jobs import GENERATE_JOB, GENERATE_PR_JOB
from codegen_assets.orchestration.kafka_mirror import capture_run, drain
from codegen_assets.orchestration.resources import KafkaResource, RequestQueueResource

BATCH = 25


@sensor(
    job_name=GENERATE_PR_JOB,
    minimum_interval_seconds=2,
    default_status=DefaultSensorStatus.STOPPED,
    description="Launches one run per queued /generate-node request. Off by default: turn it on "
    "when the webhook server runs with --launcher dagster (it reads the queue in the database "
    "both share, NODEGEN_DATABASE_URL).",
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
        skip_reason=None if ids else f"no request queued after position {context.cursor or 0}",
    )


@sensor(
    minimum_interval_seconds=10,
    default_status=DefaultSensorStatus.STOPPED,
    description="Mirrors generation runs (including reruns from the UI) to Kafka via the outbox. "
    "Off by default; needs NODEGEN_KAFKA_BOOTSTRAP_SERVERS.",
)
def kafka_mirror_sensor(context: SensorEvaluationContext, kafka: KafkaResource) -> SkipReason:
    """Capture events of runs updated since the cursor, then drain the outbox to Kafka."""
    if not kafka.bootstrap_servers:
        return SkipReason("NODEGEN_KAFKA_BOOTSTRAP_SERVERS is not set: nothing to mirror to")
    since = float(context.cursor or 0)
    records = context.instance.get_run_records(
        filters=RunsFilter(job_name=None, updated_after=datetime.fromtimestamp(since, UTC)),
        limit=100,
        ascending=True,
    )
    outbox = kafka.open_outbox()
    newest = since
    for record in records:
        if record.dagster_run.job_name in (GENERATE_JOB, GENERATE_PR_JOB):
            capture_run(context.instance, record.dagster_run.run_id, outbox, kafka.env)
        newest = max(newest, record.update_timestamp.timestamp())
    publisher = drain(outbox, kafka.bootstrap_servers, kafka.env)
    context.update_cursor(str(newest))
    return SkipReason(
        f"published {publisher.published}, {outbox.depth()} pending"
        + (f" ({publisher.error})" if publisher.error else "")
    )
