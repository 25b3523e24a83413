"""The per-repository ``.github/nodegen.yml``."""

from __future__ import annotations

import base64
from typing import Any, Literal

import yaml
from githubkit import GitHub
from githubkit.exception import RequestFailed
from githubkit_schemas.latest.models import ContentFile
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from codegen_assets.core.layout import PackageError, check_package
from codegen_assets.core.model_settings import ModelChoice
from codegen_assets.core.models import DEFAULT_COPYRIGHT, NodeType, Target
from github_app.client import parsed
from github_app.commands import safe_repo_path

CONFIG_PATH = ".github/nodegen.yml"
Regeneration = Literal["auto", "approve", "off"]


class RepoConfigError(ValueError):
    """A config file that does not parse or validate; the message is shown to the user.

    ``problems`` names each problem as (key, reason), quoting nothing but the file itself;
    ``dashboard`` is False when the file, though invalid, says ``dashboard: false``."""

    def __init__(
        self, message: str, problems: list[tuple[str, str]], dashboard: bool = True
    ) -> None:
        super().__init__(message)
        self.problems = problems
        self.dashboard = dashboard


class RepoConfig(BaseModel):
    """Defaults for requests in one repository."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    output_base: str = "nodes"
    package: str | None = None  # the dotted package of output_base (default: derived from it)
    copyright: str = Field(default=DEFAULT_COPYRIGHT, min_length=1, max_length=120)
    license: str = Field(default="MIT", pattern=r"^[A-Za-z0-9.+-]{1,40}$")
    allowed_users: tuple[str, ...] = ()
    allowed_teams: tuple[str, ...] = ()  # team slugs in the repository owner's organisation
    labels: tuple[str, ...] = ("generated-node",)
    reviewers: tuple[str, ...] = ()
    node_type: NodeType | None = None
    target: Target = Target.ONEX  # "standalone" for repositories outside the ONEX ecosystem
    draft: bool = False
    dashboard: bool = True  # keep the "onex-nodegen dashboard" issue
    # stale nodes: auto = the template-drift sensor opens their PRs; approve = listed on the
    # dashboard until a box is ticked; off = neither
    regeneration: Regeneration = "approve"
    # open pull requests of the App beyond which automatic regenerations wait (0: no limit)
    max_open_pulls: int = Field(default=10, ge=0)
    # the model that writes handler bodies: provider, base_url, model, mode (never a key)
    llm: ModelChoice | None = None

    @field_validator("output_base")
    @classmethod
    def _plain_path(cls, value: str) -> str:
        return safe_repo_path(value)

    @field_validator("package")
    @classmethod
    def _dotted(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return check_package(value)
        except PackageError as exc:
            raise ValueError(str(exc)) from exc


def load_repo_config(text: str | None) -> RepoConfig:
    """Defaults when the file is absent; a ``RepoConfigError`` naming the problem when it is bad."""
    if text is None:
        return RepoConfig()
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        reason = " ".join(str(exc).split())
        raise RepoConfigError(
            f"{CONFIG_PATH} is not valid YAML: {exc}", [("(the file)", f"not valid YAML: {reason}")]
        ) from exc
    if not isinstance(data, dict):
        reason = f"must be a mapping, not {type(data).__name__}"
        raise RepoConfigError(f"{CONFIG_PATH} {reason}", [("(the file)", reason)])
    try:
        return RepoConfig.model_validate(data)
    except ValidationError as exc:
        problems = [(".".join(map(str, e["loc"])) or "(the file)", e["msg"]) for e in exc.errors()]
        listed = "; ".join(f"{key}: {reason}" for key, reason in problems)
        raise RepoConfigError(
            f"{CONFIG_PATH} is invalid: {listed}", problems, data.get("dashboard") is not False
        ) from exc


def fetch_repo_config(gh: GitHub[Any], owner: str, repo: str) -> RepoConfig:
    """The repository's config from its default branch (defaults when it has none)."""
    try:
        found = parsed(gh.rest.repos.get_content(owner, repo, CONFIG_PATH))
    except RequestFailed as exc:
        if exc.response.status_code == 404:
            return load_repo_config(None)
        raise
    if not isinstance(found, ContentFile):
        reason = "must be a file"
        raise RepoConfigError(f"{CONFIG_PATH} {reason}", [("(the file)", reason)])
    return load_repo_config(base64.b64decode(found.content).decode("utf-8"))
