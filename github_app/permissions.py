"""Who may run commands in a repository: comments and dashboard boxes are checked alike."""

from __future__ import annotations

from typing import Any

from githubkit import GitHub
from githubkit.exception import RequestFailed

from github_app.client import parsed
from github_app.repo_config import CONFIG_PATH, RepoConfig
from github_app.settings import AppSettings

WRITE_PERMISSIONS = {"admin", "maintain", "write"}
REFUSAL = (
    f"only collaborators with write access (and, where {CONFIG_PATH} lists users or teams, "
    "only those) can ask me to generate nodes here"
)


def in_team(gh: GitHub[Any], org: str, login: str, teams: tuple[str, ...]) -> bool:
    """Active membership in any of ``teams`` (slugs of the repository owner's org)."""
    for slug in teams:
        try:
            membership = parsed(gh.rest.teams.get_membership_for_user_in_org(org, slug, login))
        except RequestFailed as exc:
            if exc.response.status_code == 404:
                continue
            raise
        if membership.state == "active":
            return True
    return False


def may_run_commands(
    gh: GitHub[Any],
    settings: AppSettings,
    repository: str,
    login: str,
    association: str | None,
    config: RepoConfig,
) -> bool:
    """Whether ``login`` may run commands in ``repository``: listed in the config's users or
    teams where it lists any, and a collaborator with write access (``association`` when the
    event gives one; otherwise, or when it under-reports, GitHub's permission endpoint)."""
    owner, repo = repository.split("/", 1)
    if (config.allowed_users or config.allowed_teams) and not (
        login in config.allowed_users or in_team(gh, owner, login, config.allowed_teams)
    ):
        return False
    if association in settings.allowed_associations:
        return True
    # author_association can under-report (org admins may show as NONE): ask GitHub directly.
    level = parsed(gh.rest.repos.get_collaborator_permission_level(owner, repo, login))
    return level.permission in WRITE_PERMISSIONS
