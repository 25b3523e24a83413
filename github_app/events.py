"""The parts of webhook payloads the App reads, as pydantic models (unknown fields are ignored).

githubkit's own webhook models require fields that GitHub's published examples
(``@octokit/webhooks-examples``) lack, so they would reject real payloads; these models validate
exactly what triage relies on and nothing more.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


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


class IssueBody(_Lenient):
    """An issue, with the body ``issues`` events carry."""

    number: int
    body: str | None = None


class BodyChange(_Lenient):
    """What an edit changed in the body."""

    from_: str | None = Field(default=None, alias="from")


class IssueChanges(_Lenient):
    """``changes`` of ``issues.edited``."""

    body: BodyChange | None = None


class IssuesEvent(_Lenient):
    """``issues`` (edited, deleted, ...)."""

    action: str
    issue: IssueBody
    changes: IssueChanges = IssueChanges()
    repository: Repository
    sender: User
    installation: Installation


class PushCommit(_Lenient):
    """A commit of a push, with the paths it touched."""

    added: tuple[str, ...] = ()
    modified: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()


class PushRepository(Repository):
    """The repository of a push, with its default branch."""

    default_branch: str = "main"


class PushEvent(_Lenient):
    """``push``."""

    ref: str
    commits: tuple[PushCommit, ...] = ()
    repository: PushRepository
    installation: Installation

    def touches(self, path: str) -> bool:
        """Whether a commit of the push added, changed or removed ``path``."""
        return any(path in (*c.added, *c.modified, *c.removed) for c in self.commits)


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
