"""Retention in the Dagster UI: the ``prune_history`` job (with a dry run that only reports)
and the daily schedule that runs it where the daemon runs."""

from typing import Any

from dagster import (
    Config,
    ConfigurableResource,
    DefaultScheduleStatus,
    OpExecutionContext,
    Output,
    RunRequest,
    ScheduleEvaluationContext,
    job,
    op,
    schedule,
)
from pydantic import Field

from codegen_assets.orchestration.resources import (
    ArtifactStoreResource,
    KafkaResource,
    RequestQueueResource,
    ValidatorResource,
)
from codegen_assets.orchestration.retention import State, prune
from codegen_assets.storage.retention import RetentionSettings

PRUNE_JOB = "prune_history"


class RetentionResource(ConfigurableResource["RetentionResource"]):
    """How much is kept (``NODEGEN_KEEP_RUNS``, ``NODEGEN_KEEP_DAYS``,
    ``NODEGEN_VALIDATION_CACHE_MB``), and the home measured before and after (embedded)."""

    keep_runs: int = 200
    keep_days: float = 30.0
    validation_cache_mb: float = 50.0
    home: str = ""  # empty when deployed: state is in the database

    def policy(self) -> RetentionSettings:
        """The settings these values make."""
        return RetentionSettings(
            keep_runs=self.keep_runs,
            keep_days=self.keep_days,
            validation_cache_mb=self.validation_cache_mb,
        )


class PruneConfig(Config):
    """What the run does."""

    dry_run: bool = Field(
        default=False, description="Only report what would be removed; remove nothing."
    )


@op(
    description="Removes finished runs and their event logs beyond the retention window, the "
    "partitions and stored requests of delivered requests whose runs are gone, kept code past "
    "the expiry its owner was told, acknowledged outbox envelopes, finished queue rows and the "
    "least recently used validation reports beyond the cache's size. Never removes anything "
    "not yet delivered, the registry of delivered nodes, or the newest run of each delivered "
    "node. With dry_run it only reports."
)
def prune_history_op(
    context: OpExecutionContext,
    config: PruneConfig,
    retention: RetentionResource,
    artifacts: ArtifactStoreResource,
    queue: RequestQueueResource,
    kafka: KafkaResource,
    validator: ValidatorResource,
) -> Output[dict[str, Any]]:
    """Prune (or report what would go) and say what it did."""
    state = State.open(
        artifacts=artifacts.path,
        queue=queue.path,
        outbox=kafka.outbox,
        cache_dir=validator.cache_dir,
        workspace=artifacts.workspace,
        home=retention.home,
    )
    report = prune(context.instance, state, retention.policy(), dry_run=config.dry_run)
    for line in report.lines():
        context.log.info(line)
    return Output(dict(report.removed), metadata=report.metadata())


@job(
    name=PRUNE_JOB,
    description="Retention: removes what the window (NODEGEN_KEEP_RUNS, NODEGEN_KEEP_DAYS) lets "
    "go; launch it with dry_run: true to see what it would remove.",
)
def prune_history_job() -> None:
    prune_history_op()


@schedule(
    job=prune_history_job,
    cron_schedule="15 4 * * *",
    default_status=DefaultScheduleStatus.RUNNING,
    description="On by default: prunes history daily where the daemon runs (deployed, or "
    "dagster dev on a home), with NODEGEN_KEEP_RUNS and NODEGEN_KEEP_DAYS. The CLI prunes its "
    "home itself after each run.",
)
def retention_schedule(_context: ScheduleEvaluationContext) -> RunRequest:
    """One pruning run a day."""
    return RunRequest(run_config={})
