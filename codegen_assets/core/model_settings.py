"""The model's settings (``NODEGEN_LLM_*``), and a repository's choices layered on them.

The key is a secret like the GitHub App's private key: ``reexec_without_secrets`` moves
``NODEGEN_LLM_API_KEY`` out of a server's environment (so no child process, validator or sandbox
inherits it) and ``HeldSettings`` still reads it; ``NODEGEN_LLM_API_KEY_PATH`` names a file
instead, which never enters an environment at all. A repository may choose the provider, model,
mode and a base URL, never the key: the key is only ever sent to the operator's own base URL or
one listed in ``NODEGEN_LLM_ALLOWED_BASE_URLS``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from codegen_assets.core.secret_env import HeldSettings, secret_values

Provider = Literal["openai", "anthropic"]
Mode = Literal["off", "on", "replay"]
DEFAULT_BASE_URLS: dict[str, str] = {
    "openai": "https://api.openai.com/v1",
    "anthropic": "https://api.anthropic.com",
}

_SECRETISH = re.compile(r"key|token|secret|password", re.I)


class ModelConfigError(ValueError):
    """Settings that cannot work together; the message names the setting."""


class ModelChoice(BaseModel):
    """What a repository may choose in ``.github/nodegen.yml`` under ``llm:`` (never a key)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    provider: Provider | None = None
    base_url: str | None = Field(default=None, max_length=300)
    model: str | None = Field(default=None, max_length=200)
    mode: Mode | None = None

    @model_validator(mode="before")
    @classmethod
    def _no_secret(cls, data: Any) -> Any:
        if isinstance(data, dict) and any(_SECRETISH.search(str(k)) for k in data):
            raise ValueError(
                "a key never goes in the repository: the App's operator sets "
                "NODEGEN_LLM_API_KEY (or NODEGEN_LLM_API_KEY_PATH)"
            )
        if isinstance(data, dict) and isinstance(data.get("mode"), bool):
            data = {**data, "mode": "on" if data["mode"] else "off"}  # YAML reads `on` as true
        return data


class ModelSettings(HeldSettings):
    """The model the body writer asks, its limits and its prices."""

    model_config = SettingsConfigDict(env_prefix="NODEGEN_LLM_", extra="ignore", frozen=True)

    # openai: any OpenAI-compatible chat-completions server (OpenAI, vLLM, Ollama, llama.cpp,
    # LM Studio); anthropic: the Messages API.
    provider: Provider = "openai"
    base_url: str = ""  # empty: the provider's public API
    api_key: SecretStr = SecretStr("")  # may stay empty for a local server
    api_key_path: Path | None = None
    model: str = ""
    mode: Mode = "off"  # off: no model; on: cache, then ask; replay: cache and lock only
    allowed_base_urls: tuple[str, ...] = ()  # further URLs a repository may point at
    timeout_seconds: float = Field(default=120.0, gt=0)  # one answer, from the request sent
    connect_timeout_seconds: float = Field(default=5.0, gt=0)
    max_attempts: int = Field(default=4, ge=1)  # per request: 429, 5xx, timeouts retried
    max_retry_wait_seconds: float = Field(default=60.0, ge=0)  # a longer retry-after fails
    breaker_failures: int = Field(default=5, ge=1)  # consecutive failures opening the circuit
    breaker_recovery_seconds: float = Field(default=60.0, gt=0)
    max_output_tokens: int = Field(default=1024, ge=16)  # per answer
    read_max_output_tokens: int = Field(default=4096, ge=256)  # a prompt read as a spec
    # the server takes a JSON Schema for an answer (OpenAI response_format json_schema, an
    # Anthropic tool); false: the schema is only in the prompt (also the fallback on a 400)
    structured_output: bool = True
    request_token_budget: int = Field(default=16_000, ge=64)  # prompt estimate + answer
    daily_token_budget: int = Field(default=500_000, ge=0)  # per installation per UTC day
    daily_cost_budget: float | None = Field(default=None, ge=0)  # needs the prices
    price_input_per_1k: float = Field(default=0.0, ge=0)  # currency units per 1k tokens
    price_output_per_1k: float = Field(default=0.0, ge=0)
    repair_rounds: int = Field(default=3, ge=0, le=10)
    cache_max_entries: int = Field(default=5_000, ge=1)
    cache_max_bytes: int = Field(default=50_000_000, ge=1_000)

    @property
    def enabled(self) -> bool:
        """Whether the body writer runs at all."""
        return self.mode != "off"

    @property
    def url(self) -> str:
        """The base URL requests go to (the provider's public API when none is set)."""
        return (self.base_url or DEFAULT_BASE_URLS[self.provider]).rstrip("/")

    def key(self) -> str:
        """The API key, from the file or the variable ('' for a local server without one)."""
        if self.api_key_path is not None:
            return self.api_key_path.read_text("utf-8").strip()
        return self.api_key.get_secret_value()

    def secret_values(self) -> list[str]:
        """Every secret value to redact from text leaving the process, this key included."""
        return secret_values([self.key()] if self.key() else [])

    def cost(self, input_tokens: int, output_tokens: int) -> float:
        """What that many tokens cost at the configured prices (0 without prices)."""
        return (
            input_tokens * self.price_input_per_1k + output_tokens * self.price_output_per_1k
        ) / 1000

    def check(self) -> ModelSettings:
        """Itself, or a ``ModelConfigError`` when the mode cannot work."""
        if self.mode == "on" and not self.model:
            raise ModelConfigError("NODEGEN_LLM_MODE=on needs NODEGEN_LLM_MODEL")
        if self.mode == "on" and self.provider == "anthropic" and not self.key():
            raise ModelConfigError("the Anthropic API needs NODEGEN_LLM_API_KEY")
        parts = urlsplit(self.url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise ModelConfigError(f"NODEGEN_LLM_BASE_URL is not an http(s) URL: {self.url!r}")
        if parts.username or parts.password:
            raise ModelConfigError(
                "NODEGEN_LLM_BASE_URL holds credentials: put the key in NODEGEN_LLM_API_KEY"
            )
        return self

    def choose(self, choice: ModelChoice | None) -> ModelSettings:
        """These settings with a repository's ``choice`` applied; its base URL must be this
        operator's own or one of ``allowed_base_urls`` (the key goes nowhere else)."""
        if choice is None:
            return self
        updates = choice.model_dump(exclude_none=True)
        base = updates.get("base_url")
        if base is not None:
            allowed = {u.rstrip("/") for u in (self.url, *self.allowed_base_urls)}
            if base.rstrip("/") not in allowed:
                raise ModelConfigError(
                    f"llm.base_url {base!r} is not allowed here; the App's operator lists the "
                    "URLs a repository may use in NODEGEN_LLM_ALLOWED_BASE_URLS"
                )
        elif "provider" in updates and updates["provider"] != self.provider:
            # another provider, without a URL of its own, would get this key at its public API
            raise ModelConfigError("llm.provider differs from the App's: set an allowed base_url")
        return self.model_copy(update=updates).check()
