"""The parts of webhook payloads the App reads, as pydantic models (unknown fields are ignored).

githubkit's own webhook models require fields that GitHub's published examples
(``@octokit/webhooks-examples``) lack, so they would reject real payloads; these models validate
exactly what triage relies on and nothing more.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class User(_Lenient):
    """A GitHub account."""

    login: str
    type: str = "User"


class Installation(_Lenient):
    """The App installation that received the event."""

    id: int


class Repository(_Lenient):
    """The repository of the event."""

    full_name: str

    @property
    def owner_and_name(self) -> tuple[str, str]:
        """Owner and name."""
        owner, name = self.full_name.split("/", 1)
        return owner, name


class Issue(_Lenient):
    """An issue or pull request (``pull_request`` is set for the latter)."""

    number: int
    pull_request: dict[str, object] | None = None


class Comment(_Lenient):
    """An issue comment."""

    id: int
    body: str | None = None
    user: User
    author_association: str = "NONE"


class IssueCommentEvent(_Lenient):
    """``issue_comment``."""

    action: str
    issue: Issue
    comment: Comment
    repository: Repository
    sender: User
    installation: Installation


class CheckRun(_Lenient):
    """A check run."""

    name: str
    external_id: str | None = None


class CheckRunEvent(_Lenient):
    """``check_run``."""

    action: str
    check_run: CheckRun
    repository: Repository
    installation: Installation
