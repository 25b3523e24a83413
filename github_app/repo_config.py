"""The per-repository ``.github/nodegen.yml``."""

from __future__ import annotations

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from codegen_assets.core.layout import PackageError, check_package
from codegen_assets.core.logic.settings import ModelChoice
from codegen_assets.core.models import DEFAULT_COPYRIGHT, NodeType, Target
from github_app.commands import safe_repo_path

CONFIG_PATH = ".github/nodegen.yml"


class RepoConfigError(ValueError):
    """A config file that does not parse or validate; the message is shown to the user."""


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
        if not isinstance(data, dict):
            raise RepoConfigError(f"{CONFIG_PATH} must be a mapping, not {type(data).__name__}")
        return RepoConfig.model_validate(data)
    except yaml.YAMLError as exc:
        raise RepoConfigError(f"{CONFIG_PATH} is not valid YAML: {exc}") from exc
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise RepoConfigError(f"{CONFIG_PATH} is invalid: {problems}") from exc
