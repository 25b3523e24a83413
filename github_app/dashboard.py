"""The dashboard issue of a repository, kept current: found again by its hidden marker, created
when there is something to show, edited only when its body would change, never duplicated.

Its content is live state, gathered for each render: the registry of delivered nodes, the request
queue (which failed requests were retried), the runs the orchestration reports as failed, the
approvals waiting for a worker, the App's open pull requests and the repository's config. One
holder at a time per repository (a lease in the database) finds, creates or edits it, so two
events at once, in one process or several, never produce two dashboards.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Protocol

from githubkit import GitHub
from githubkit.exception import RequestFailed
from githubkit_schemas.latest.models import Issue, PullRequestSimple

from codegen_assets.core import version
from codegen_assets.core.rendering.provenance import read_lock
from codegen_assets.storage.dashboards import DashboardStore
from codegen_assets.storage.db import Location
from codegen_assets.storage.queue import RequestQueue
from codegen_assets.storage.registry import NodeRegistry
from github_app.client import installation_client, parsed
from github_app.dashboard_view import (
    LABEL,
    MARKER,
    TITLE,
    DashboardState,
    FailedRun,
    NodeRow,
    OpenPull,
    carried_notes,
    render_dashboard,
    with_notes,
)
from github_app.repo_config import RepoConfig, RepoConfigError, fetch_repo_config
from github_app.settings import AppSettings

log = logging.getLogger(__name__)
BRANCH_PREFIX = "nodegen/"  # every branch the App pushes


class RunHistory(Protocol):
    """Where failed generation runs are found (the orchestration's run storage)."""

    def failed_runs(self, repository: str) -> list[FailedRun]:
        """The requests of ``repository`` whose latest run failed, newest first."""


class LeaseLostError(RuntimeError):
    """The lease expired while this render was still going; another holder took over."""


@dataclass(frozen=True)
class RepoSettings:
    """A repository's config as the dashboard and the regeneration sensor read it."""

    config: RepoConfig
    problems: tuple[tuple[str, str], ...] = ()
    dashboard: bool = True


def read_settings(gh: GitHub[Any], repository: str) -> RepoSettings:
    """The repository's config; the defaults and the problems when it is invalid."""
    owner, repo = repository.split("/", 1)
    try:
        config = fetch_repo_config(gh, owner, repo)
    except RepoConfigError as exc:
        return RepoSettings(RepoConfig(), tuple(exc.problems), exc.dashboard)
    return RepoSettings(config, (), config.dashboard)


def open_pulls(gh: GitHub[Any], repository: str) -> list[OpenPull]:
    """The App's open pull requests in ``repository``, by number."""
    owner, repo = repository.split("/", 1)
    pulls: list[PullRequestSimple] = parsed(  # annotated: see DashboardKeeper._find
        gh.rest.pulls.list(owner, repo, state="open", per_page=100)
    )
    return sorted(
        (
            OpenPull(number=p.number, title=p.title)
            for p in pulls
            if p.head.ref.startswith(BRANCH_PREFIX)
        ),
        key=lambda p: p.number,
    )


@dataclass(frozen=True)
class RegenerationPolicy:
    """How a repository wants its stale nodes handled."""

    mode: str  # auto, approve or off (approve while the config is invalid)
    room: int | None  # automatic regeneration PRs that may open now (None: no limit)

    @classmethod
    def of(cls, settings: AppSettings, repository: str, installation_id: int) -> RegenerationPolicy:
        """The repository's ``regeneration`` and how far it is from ``max_open_pulls``."""
        gh = installation_client(settings, installation_id)
        repo_settings = read_settings(gh, repository)
        config = repo_settings.config
        mode = "approve" if repo_settings.problems else config.regeneration
        if mode != "auto" or not config.max_open_pulls:
            return cls(mode, None)
        return cls(mode, max(0, config.max_open_pulls - len(open_pulls(gh, repository))))


class DashboardKeeper:
    """Renders and writes the dashboards of every repository the App works in."""

    def __init__(self, settings: AppSettings, location: Location, runs: RunHistory) -> None:
        self.settings = settings
        self.queue = RequestQueue(location)
        self.registry = NodeRegistry(location)
        self.store = DashboardStore(location)
        self.runs = runs

    def client(self, installation_id: int) -> GitHub[Any]:
        """The App's client in one installation (paced, redacting)."""
        return installation_client(self.settings, installation_id)

    def failed(self, repository: str) -> list[FailedRun]:
        """Failed requests nobody has retried since (a retry is a newer request on the thread)."""
        return [
            run
            for run in self.runs.failed_runs(repository)
            if self.queue.last_request(repository, run.issue_number) == run.request_id
        ]

    def nodes(self, repository: str) -> list[NodeRow]:
        """The delivered nodes of ``repository``, with any regeneration waiting for a worker."""
        approvals = self.store.approvals(repository)
        rows = []
        for node in self.registry.in_repository(repository):
            lock = read_lock(node.lock)
            approval = approvals.get(node.key)
            rows.append(
                NodeRow(
                    key=node.key,
                    path=node.path,
                    node_type=lock.node_type,
                    generator_version=lock.generator_version,
                    template_set=lock.template_set,
                    pr_number=node.pr_number,
                    regenerated_for=node.regenerated_for,
                    regeneration_pr=node.regeneration_pr,
                    requested_by=approval.requested_by if approval else None,
                )
            )
        return rows

    def state(
        self,
        gh: GitHub[Any],
        repository: str,
        settings: RepoSettings,
        notes: tuple[str, ...] = (),
    ) -> DashboardState:
        """What the dashboard of ``repository`` shows now."""
        return DashboardState(
            repository=repository,
            templates=version.TEMPLATE_SET_VERSION,
            regeneration=settings.config.regeneration,
            max_open_pulls=settings.config.max_open_pulls,
            problems=settings.problems,
            nodes=tuple(self.nodes(repository)),
            failed=tuple(self.failed(repository)),
            pulls=tuple(open_pulls(gh, repository)),
            notes=notes,
        )

    def repositories(self) -> dict[str, int]:
        """Every repository the App delivered to or keeps a dashboard in → its installation."""
        found = {node.repository: node.installation_id for node in self.registry.all()}
        return {**found, **self.store.repositories()}

    def issue_number(self, repository: str) -> int | None:
        """The dashboard issue of ``repository``, if it has one."""
        return self.store.issue_number(repository)

    def refresh(
        self, repository: str, installation_id: int, notes: list[str] | None = None
    ) -> str | None:
        """Bring the dashboard up to date (creating it when there is something to show, closing
        it when the config turns it off); returns its URL, or None when there is none.
        ``notes`` (what was just done) go first under Recent actions."""
        gh = self.client(installation_id)
        settings = read_settings(gh, repository)
        with self.store.lease(repository, installation_id) as holder:
            issue = self._find(gh, repository)
            owner, repo = repository.split("/", 1)
            if not settings.dashboard:
                if issue is not None and issue.state == "open":
                    gh.rest.issues.update(owner, repo, issue.number, data={"state": "closed"})
                return None
            carried = carried_notes(issue.body or "") if issue else []
            state = self.state(gh, repository, settings, with_notes(carried, notes or []))
            if issue is None and not state.nodes and not state.problems:
                return None
            body = render_dashboard(state)
            if not self.store.still_held(repository, holder):
                raise LeaseLostError(f"the dashboard lease of {repository} expired mid-render")
            if issue is None:
                issue = self._create(gh, repository, body)
            elif issue.body != body:
                gh.rest.issues.update(owner, repo, issue.number, data={"body": body})
            return issue.html_url

    def _find(self, gh: GitHub[Any], repository: str) -> Issue | None:
        """The dashboard issue: the one remembered, else one with the label and the marker."""
        owner, repo = repository.split("/", 1)
        number = self.store.issue_number(repository)
        if number is not None:
            try:
                return parsed(gh.rest.issues.get(owner, repo, number))
            except RequestFailed as exc:
                if exc.response.status_code not in (404, 410):  # 410: deleted
                    raise
                log.info("the dashboard of %s (#%d) is gone", repository, number)
                self.store.set_issue(repository, None)
        # Annotated: githubkit's generated ``list[...]`` return types name the ``list`` method of
        # the same class, which mypy cannot resolve (it would read them as Any).
        listed: list[Issue] = parsed(
            gh.rest.issues.list_for_repo(owner, repo, labels=LABEL, state="all", per_page=100)
        )
        for issue in sorted(listed, key=lambda i: i.number):
            if MARKER in (issue.body or "") and not issue.pull_request:
                self.store.set_issue(repository, issue.number)
                return issue
        return None

    def _create(self, gh: GitHub[Any], repository: str, body: str) -> Issue:
        owner, repo = repository.split("/", 1)
        try:
            gh.rest.issues.create_label(
                owner,
                repo,
                data={
                    "name": LABEL,
                    "color": "5319e7",
                    "description": "The issue onex-nodegen keeps current",
                },
            )
        except RequestFailed as exc:
            if exc.response.status_code != 422:  # 422: the label exists
                raise
        issue = parsed(
            gh.rest.issues.create(
                owner, repo, data={"title": TITLE, "body": body, "labels": [LABEL]}
            )
        )
        self.store.set_issue(repository, issue.number)
        log.info("created the dashboard of %s: #%s", repository, issue.number)
        return issue
