"""A request's check run and issue thread while its run goes on: the stages done so far, the
conclusion, and a comment when a run stops before it could publish."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, cast

from githubkit import GitHub
from githubkit.exception import GitHubException

from codegen_assets.core.models import GitHubTarget
from codegen_assets.core.pipeline import STAGES
from github_app.client import WritePacer, installation_client, parsed
from github_app.failures import public_reason
from github_app.publishing import split_repo
from github_app.settings import AppSettings

log = logging.getLogger(__name__)


def stage_list(done: Sequence[str]) -> str:
    """Every stage as a Markdown task, ticked when done."""
    return "\n".join(f"- [{'x' if s in done else ' '}] {s}" for s in STAGES)


class CheckRunProgress:
    """Updates one request's check run (best effort: a failed update is logged, not raised)."""

    def __init__(self, gh: GitHub[Any], target: GitHubTarget) -> None:
        self.gh = gh
        self.target = target

    @classmethod
    def for_target(cls, target: GitHubTarget) -> CheckRunProgress:
        """The progress of ``target``'s request, as the App in its installation."""
        return cls(installation_client(AppSettings(), target.installation_id), target)

    @staticmethod
    def reason(error: BaseException | None, own: tuple[type[BaseException], ...] = ()) -> str:
        """Why a step stopped, in one line that may be posted (``public_reason``; ``own``: more
        errors whose message is ours)."""
        return public_reason(error, own)

    def _update(self, data: dict[str, object]) -> None:
        if self.target.check_run_id is None:
            return
        owner, repo = split_repo(self.target)
        try:
            self.gh.rest.checks.update(owner, repo, self.target.check_run_id, data=cast(Any, data))
        except GitHubException as exc:
            log.warning("check run update failed: %s", exc)

    def stages_done(self, done: Sequence[str]) -> None:
        """The run is in progress with ``done`` finished. Skipped when GitHub's write budget is
        spent, rather than queued before the pull request's own writes (the next tick or the
        conclusion says it)."""
        pacer = self.gh.config.throttler
        if isinstance(pacer, WritePacer) and not pacer.ready():
            log.info("check run tick skipped: GitHub's write budget is spent")
            return
        self._update(
            {
                "status": "in_progress",
                "output": {
                    "title": f"{len(done)}/{len(STAGES)} stages",
                    "summary": stage_list(done),
                },
            }
        )

    def finish(self, done: Sequence[str], success: bool, error: str | None) -> None:
        """The run ended; a failure conclusion blocks merging where the check is required."""
        title = "Node generated" if success else "Generation needs attention"
        summary = stage_list(done) + (f"\n\n{error}" if error else "")
        self._update(
            {
                "status": "completed",
                "conclusion": "success" if success else "failure",
                "output": {"title": title, "summary": summary},
            }
        )

    def tell_stopped(self, stage: str, reason: str, run_url: str) -> str | None:
        """Say on the issue that the run stopped at ``stage`` and why (nothing was published);
        returns the comment's URL (None when it could not be written)."""
        owner, repo = split_repo(self.target)
        body = (
            f"Generation stopped at stage `{stage}`: {reason}\n\n"
            f"Nothing was published. [The run]({run_url}) shows each stage; comment "
            "`/generate-node retry` to run the request again."
        )
        try:
            comment = self.gh.rest.issues.create_comment(
                owner, repo, self.target.issue_number, data={"body": body}
            )
        except GitHubException as exc:
            log.warning("could not comment on the stopped run: %s", exc)
            return None
        return parsed(comment).html_url or None
