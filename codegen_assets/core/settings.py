"""Settings from the environment (prefix ``NODEGEN_``), read once per process."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field
from pydantic_settings import SettingsConfigDict

from codegen_assets.core.secret_env import HeldSettings

# Where validators run: auto, bubblewrap when it works here; bwrap: required; none: plain
# subprocesses (``validation.sandbox``).
SandboxMode = Literal["auto", "bwrap", "none"]
# The Dagster code location, beside the packages in a checkout and in an installed wheel alike.
DEFINITIONS = Path(__file__).resolve().parents[2] / "definitions.py"


class NodegenSettings(HeldSettings):
    """Where the embedded instance lives and how validation runs."""

    model_config = SettingsConfigDict(env_prefix="NODEGEN_", extra="ignore")

    home: Path = Field(default_factory=lambda: Path.home() / ".onex-nodegen")
    deployment: Literal["local"] = "local"
    validation_timeout_seconds: float = Field(default=120.0, gt=0)
    # auto: bubblewrap when it works here; bwrap: required; none: plain subprocesses
    sandbox: SandboxMode = "auto"
    mypy_cache_dir: Path | None = None
    validation_cache_dir: Path | None = None
    validation_cache: bool = True  # reuse passing reports of files validated before
    # generated code's Python checks in a warm interpreter that forks per command
    warm_validators: bool = True
    # how long that interpreter waits, with no process using it, for the next command's
    # (0: it ends with the process that started it)
    warm_validators_keep_seconds: float = Field(default=600.0, ge=0)
    kafka_bootstrap_servers: str = ""  # empty: no mirroring
    kafka_env: str = "dev"
    kafka_flush_seconds: float = Field(default=3.0, ge=0)
    # Where all state lives (requests, kept code, queue, registry, outbox): empty for SQLite
    # files in the home, or a postgresql:// URL (NODEGEN_QUEUE_URL is its earlier name).
    database_url: str = Field(
        default="",
        validation_alias=AliasChoices(
            "database_url", "NODEGEN_DATABASE_URL", "queue_url", "NODEGEN_QUEUE_URL"
        ),
    )
    rag_url: str = ""  # empty: the embedded pattern library only
    rag_timeout_seconds: float = Field(default=5.0, gt=0)
    log_format: Literal["json", "text"] = "json"
    log_level: str = "WARNING"

    @property
    def dagster_home(self) -> Path:
        """The embedded Dagster instance directory (use it as ``DAGSTER_HOME`` for the UI)."""
        return self.home / "dagster"

    @property
    def artifact_db(self) -> Path | str:
        """Requests and undelivered code: the database, or a SQLite file in the home."""
        return self.database_url or self.home / "artifacts.sqlite3"

    @property
    def outbox_db(self) -> Path | str:
        """The Kafka outbox: the database, or a SQLite file in the instance directory."""
        return self.database_url or self.dagster_home / "outbox.sqlite3"

    @property
    def queue_db(self) -> Path | str:
        """The webhook request queue and node registry: the database, or a SQLite file."""
        return self.database_url or self.home / "webhooks.sqlite3"

    @property
    def workspace(self) -> Path:
        """Where bot-mode runs write their files before publishing."""
        return self.home / "workspace"

    @property
    def mypy_cache(self) -> Path:
        """mypy cache reused across validations and homes, built at install time
        (``NODEGEN_MYPY_CACHE_DIR`` overrides)."""
        if self.mypy_cache_dir is not None:
            return self.mypy_cache_dir
        cache_root = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
        return Path(cache_root) / "onex-nodegen" / "mypy"

    @property
    def validation_reports(self) -> Path | None:
        """Passing reports kept by content (``NODEGEN_VALIDATION_CACHE_DIR`` overrides); None
        when ``NODEGEN_VALIDATION_CACHE=false``."""
        if not self.validation_cache:
            return None
        return self.validation_cache_dir or self.home / "validation-cache"
