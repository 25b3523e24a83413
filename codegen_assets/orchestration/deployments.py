"""Resource sets per deployment, chosen by settings (as in Dagster's project_fully_featured)."""

from __future__ import annotations

from dagster import Definitions, in_process_executor

from codegen_assets.core.model_settings import ModelSettings
from codegen_assets.core.settings import NodegenSettings
from codegen_assets.core.validation.settings import validation_settings
from codegen_assets.orchestration.assets import generation_assets, pull_request
from codegen_assets.orchestration.dashboard import dashboard_schedule, refresh_dashboards_job
from codegen_assets.orchestration.drift import (
    daily_drift_schedule,
    regenerate_nodes_job,
    regenerated_node,
    template_drift_sensor,
)
from codegen_assets.orchestration.jobs import generate_node_job, generate_node_pr_job
from codegen_assets.orchestration.resources import (
    ArtifactStoreResource,
    GitHubResource,
    IntelligenceResource,
    KafkaResource,
    ModelResource,
    RequestQueueResource,
    ValidatorResource,
)
from codegen_assets.orchestration.retention_job import (
    RetentionResource,
    prune_history_job,
    retention_schedule,
)
from codegen_assets.orchestration.sensors import github_requests_sensor, kafka_mirror_sensor
from codegen_assets.storage.retention import RetentionSettings


def local_resources(settings: NodegenSettings) -> dict[str, object]:
    """Embedded defaults: SQLite beside the instance, validators as local subprocesses."""
    policy = RetentionSettings()
    return {
        "artifacts": ArtifactStoreResource(
            path=str(settings.artifact_db), workspace=str(settings.workspace)
        ),
        "validator": ValidatorResource.of(validation_settings(settings)),
        "github": GitHubResource(),
        "intelligence_service": IntelligenceResource(
            rag_url=settings.rag_url, timeout_seconds=settings.rag_timeout_seconds
        ),
        "queue": RequestQueueResource(path=str(settings.queue_db)),
        "kafka": KafkaResource(
            bootstrap_servers=settings.kafka_bootstrap_servers,
            env=settings.kafka_env,
            outbox=str(settings.outbox_db),
        ),
        "retention": RetentionResource(
            keep_runs=policy.keep_runs,
            keep_days=policy.keep_days,
            validation_cache_mb=policy.validation_cache_mb,
            home="" if settings.database_url else str(settings.home),
        ),
        # off unless NODEGEN_LLM_MODE says otherwise; the key is read where it is used
        "model": _model_resource(settings),
    }


def _model_resource(settings: NodegenSettings) -> ModelResource:
    model = ModelSettings()
    return ModelResource(
        mode=model.mode,
        provider=model.provider,
        base_url=model.base_url,
        model=model.model,
        database=str(settings.artifact_db),
    )


RESOURCE_SETS = {"local": local_resources}


def build_definitions(settings: NodegenSettings) -> Definitions:
    """The Definitions for ``settings.deployment``."""
    return Definitions(
        assets=[*generation_assets, pull_request, regenerated_node],
        jobs=[
            generate_node_job,
            generate_node_pr_job,
            regenerate_nodes_job,
            refresh_dashboards_job,
            prune_history_job,
        ],
        sensors=[github_requests_sensor, kafka_mirror_sensor, template_drift_sensor],
        schedules=[daily_drift_schedule, dashboard_schedule, retention_schedule],
        # The stages form a chain: one process per run, not one per step (the multiprocess
        # default would start ten interpreters per request).
        executor=in_process_executor,
        resources=RESOURCE_SETS[settings.deployment](settings),
    )
