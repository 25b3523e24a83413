"""What the GitHub steps report: plain models, importable without the GitHub client (the CLI's
runs load the asset graph, not githubkit)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict


class PublishOutcome(BaseModel):
    """What became of the generated files."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    branch: str
    commit_sha: str | None = None  # the commit that carried the generated files
    pr_number: int | None = None
    pr_url: str | None = None
    draft: bool = False
    updated_existing: bool = False
    stored_in_artifact_store: bool = False
    stopped_for_human_push: bool = False
    error: str | None = None
    comment_url: str | None = None  # the comment saying why the files were kept


Status = Literal["current", "unchanged", "opened", "updated", "up_to_date", "stopped"]


class RegenerationOutcome(BaseModel):
    """What the regeneration of one node did."""

    model_config = ConfigDict(frozen=True)

    key: str
    status: Status
    template_set: str
    branch: str = ""
    pr_number: int | None = None
    pr_url: str | None = None
    conflicts: tuple[str, ...] = ()
    kept_edits: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
