"""GitHub App settings from the environment (prefix ``NODEGEN_GITHUB_``)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_ASSOCIATIONS = ("OWNER", "MEMBER", "COLLABORATOR")


class AppSettings(BaseSettings):
    """Credentials, limits and endpoints of the GitHub App."""

    model_config = SettingsConfigDict(env_prefix="NODEGEN_GITHUB_", extra="ignore", frozen=True)

    app_id: int = 0
    private_key: SecretStr | None = None
    private_key_path: Path | None = None
    webhook_secret: SecretStr = SecretStr("")
    api_url: str = "https://api.github.com"
    bot_login: str = "onex-nodegen[bot]"
    max_body_bytes: int = Field(default=1_048_576, gt=0)
    allowed_associations: tuple[str, ...] = DEFAULT_ASSOCIATIONS
    # GitHub allows 80 content-creating requests a minute: at most one write every 0.75 s.
    write_interval_seconds: float = Field(default=0.75, ge=0)
    retry_base_seconds: float = Field(default=1.0, ge=0)
    max_retries: int = Field(default=3, ge=0)
    dagster_url: str = "http://localhost:3000"
    patch_comment_limit: int = 60_000

    def private_key_pem(self) -> str:
        """The App's private key (PEM), from the variable or the file."""
        if self.private_key is not None:
            return self.private_key.get_secret_value()
        if self.private_key_path is not None:
            return self.private_key_path.read_text("utf-8")
        raise ValueError("set NODEGEN_GITHUB_PRIVATE_KEY or NODEGEN_GITHUB_PRIVATE_KEY_PATH")
