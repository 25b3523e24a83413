"""Failed generation runs, as the dashboards list them: tags a failing run is given (by the
failure hook, or by ``pull_request`` when the pull request could not be written), read back from
Dagster's run storage. A request whose latest run succeeded (a re-execution from the UI) is not
listed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dagster import DagsterInstance, RunsFilter

from codegen_assets.core.models import GitHubTarget
from github_app.settings import AppSettings

if TYPE_CHECKING:
    from github_app.dashboard_view import FailedRun

OUTCOME, REPOSITORY, ISSUE = "nodegen/outcome", "nodegen/repository", "nodegen/issue"
REASON, COMMENT = "nodegen/failure", "nodegen/comment"
PARTITION = "dagster/partition"
MAX_REASON = 300
MAX_LISTED = 20


def failure_tags(target: GitHubTarget, reason: str, comment_url: str | None) -> dict[str, str]:
    """The tags that list a run on its repository's dashboard as failed."""
    tags = {
        OUTCOME: "failed",
        REPOSITORY: target.repository,
        ISSUE: str(target.issue_number),
        REASON: " ".join(reason.split())[:MAX_REASON],
    }
    if comment_url:
        tags[COMMENT] = comment_url
    return tags


class DagsterRunHistory:
    """Failed runs of a Dagster instance (the ``RunHistory`` of the dashboards)."""

    def __init__(self, instance: DagsterInstance) -> None:
        self.instance = instance

    def failed_runs(self, repository: str) -> list[FailedRun]:
        """Requests of ``repository`` whose latest run failed, newest first."""
        from github_app.dashboard_view import FailedRun

        base = AppSettings().dagster_url.rstrip("/")
        records = self.instance.get_run_records(
            RunsFilter(tags={OUTCOME: "failed", REPOSITORY: repository}), limit=MAX_LISTED * 2
        )
        found: list[FailedRun] = []
        seen: set[str] = set()
        for record in records:
            run = record.dagster_run
            partition = run.tags.get(PARTITION)
            if partition is None or partition in seen or not run.tags.get(ISSUE, "").isdigit():
                continue
            seen.add(partition)
            latest = self.instance.get_run_records(RunsFilter(tags={PARTITION: partition}), limit=1)
            if latest and latest[0].dagster_run.run_id != run.run_id:
                continue  # run again since, by the UI or a re-execution
            found.append(
                FailedRun(
                    request_id=partition,
                    issue_number=int(run.tags[ISSUE]),
                    reason=run.tags.get(REASON, "the run failed"),
                    comment_url=run.tags.get(COMMENT),
                    run_url=f"{base}/runs/{run.run_id}",
                )
            )
        return found[:MAX_LISTED]
