"""Dashboards from the orchestration: refreshed after every run that touches a repository (best
effort: a dashboard that cannot be written never fails the run), by the ``refresh_dashboards``
job, and hourly by ``dashboard_schedule``."""

import logging

from dagster import (
    Config,
    DagsterInstance,
    DefaultScheduleStatus,
    Failure,
    OpExecutionContext,
    RunRequest,
    ScheduleEvaluationContext,
    job,
    op,
    schedule,
)
from pydantic import Field

from codegen_assets.orchestration.resources import RequestQueueResource

log = logging.getLogger(__name__)
REFRESH_JOB = "refresh_dashboards"
REFRESH_OP = "refresh_dashboards_op"


def refresh_dashboard(
    instance: DagsterInstance, queue: RequestQueueResource, repository: str, installation_id: int
) -> None:
    """Bring ``repository``'s dashboard up to date; a failure is logged, not raised."""
    try:
        queue.dashboards(instance).refresh(repository, installation_id)
    except Exception as exc:
        log.warning("could not update the dashboard of %s: %s", repository, exc)


def refresh_run_config(repositories: list[str]) -> dict[str, object]:
    """Run config of ``refresh_dashboards`` for ``repositories`` (empty: every repository)."""
    return {"ops": {REFRESH_OP: {"config": {"repositories": repositories}}}}


class RefreshConfig(Config):
    """Which dashboards to refresh (empty: every repository the App delivered to or keeps a
    dashboard in)."""

    repositories: list[str] = Field(default_factory=list)


@op(name=REFRESH_OP)
def refresh_dashboards_op(
    context: OpExecutionContext, config: RefreshConfig, queue: RequestQueueResource
) -> None:
    """Render each dashboard again (no edit where nothing changed)."""
    keeper = queue.dashboards(context.instance)
    failed = []
    for repository, installation_id in sorted(keeper.repositories().items()):
        if config.repositories and repository not in config.repositories:
            continue
        try:
            url = keeper.refresh(repository, installation_id)
        except Exception as exc:
            context.log.warning(f"{repository}: {exc}")
            failed.append(repository)
            continue
        context.log.info(f"{repository}: {url or 'no dashboard'}")
    if failed:
        raise Failure(description="could not update the dashboards of " + ", ".join(failed))


@job(
    name=REFRESH_JOB,
    description="Render the dashboard issue of each repository again from the live state.",
)
def refresh_dashboards_job() -> None:
    """One op: every dashboard, or those named in the run config."""
    refresh_dashboards_op()


@schedule(
    job=refresh_dashboards_job,
    cron_schedule="0 * * * *",
    default_status=DefaultScheduleStatus.STOPPED,
    description="Hourly: every repository's dashboard rendered again (no edit where nothing "
    "changed). Off by default; needs the daemon and the GitHub App's database.",
)
def dashboard_schedule(_context: ScheduleEvaluationContext) -> RunRequest:
    """Every dashboard."""
    return RunRequest(run_config=refresh_run_config([]))
