"""GitHub App settings from the environment (prefix ``NODEGEN_GITHUB_``)."""

from __future__ import annotations

import contextlib
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from codegen_assets.core.model_settings import ModelSettings
from codegen_assets.core.secret_env import HeldSettings, secret_values
from codegen_assets.storage.queue import Backoff

DEFAULT_ASSOCIATIONS = ("OWNER", "MEMBER", "COLLABORATOR")


class AppSettings(HeldSettings):
    """Credentials, limits and endpoints of the GitHub App.

    Secrets may be given as files (``*_PATH``, preferred: they never enter an environment).
    """

    model_config = SettingsConfigDict(env_prefix="NODEGEN_GITHUB_", extra="ignore", frozen=True)

    app_id: int = 0
    private_key: SecretStr | None = None
    private_key_path: Path | None = None
    webhook_secret: SecretStr = SecretStr("")
    webhook_secret_path: Path | None = None
    api_url: str = "https://api.github.com"
    bot_login: str = "onex-nodegen[bot]"
    max_body_bytes: int = Field(default=1_048_576, gt=0)
    # A webhook body must arrive within this many seconds (slow clients cannot hold a worker).
    body_timeout_seconds: float = Field(default=5.0, gt=0)
    allowed_associations: tuple[str, ...] = DEFAULT_ASSOCIATIONS
    # GitHub allows 80 content-creating requests a minute: a burst of 20 writes, then one a
    # second (at most 80 in any minute).
    write_burst: int = Field(default=20, ge=1)
    write_interval_seconds: float = Field(default=1.0, ge=0)
    retry_base_seconds: float = Field(default=1.0, ge=0)
    max_retries: int = Field(default=3, ge=0)
    # Transient failures of one delivery or run: bounded exponential backoff, then dead letter.
    retry_attempts: int = Field(default=6, ge=1)
    retry_backoff_seconds: float = Field(default=2.0, ge=0)
    retry_backoff_cap_seconds: float = Field(default=60.0, ge=0)
    # /health is degraded when a delivery has waited longer than this for triage.
    health_max_wait_seconds: float = Field(default=300.0, gt=0)
    dagster_url: str = "http://localhost:3000"
    patch_comment_limit: int = 60_000

    def backoff(self) -> Backoff:
        """The retry policy of the queue."""
        return Backoff(
            self.retry_attempts, self.retry_backoff_seconds, self.retry_backoff_cap_seconds
        )

    def webhook_secret_value(self) -> str:
        """The webhook secret, from the file or the variable."""
        if self.webhook_secret_path is not None:
            return self.webhook_secret_path.read_text("utf-8").strip()
        return self.webhook_secret.get_secret_value()

    def secret_values(self) -> list[str]:
        """Every secret this App is configured with, for redaction (the model's key too, also
        when it is read from ``NODEGEN_LLM_API_KEY_PATH``)."""
        mine = [self.webhook_secret_value()]
        if self.private_key is not None or self.private_key_path is not None:
            mine.append(self.private_key_pem())
        with contextlib.suppress(OSError, ValueError):  # no key file: nothing of it to redact
            mine.append(ModelSettings().key())
        return secret_values(mine)

    def private_key_pem(self) -> str:
        """The App's private key (PEM), from the variable or the file."""
        if self.private_key is not None:
            return self.private_key.get_secret_value()
        if self.private_key_path is not None:
            return self.private_key_path.read_text("utf-8")
        raise ValueError("set NODEGEN_GITHUB_PRIVATE_KEY or NODEGEN_GITHUB_PRIVATE_KEY_PATH")
