"""What the answer cache and the usage ledger must do; ``codegen_assets.storage.model_answers``
and ``codegen_assets.storage.model_usage`` keep them in the configured database."""

from __future__ import annotations

from typing import Protocol

from pydantic import BaseModel, ConfigDict

from codegen_assets.core.logic.wire import Usage


class CachedAnswer(BaseModel):
    """One model answer under its request's content address."""

    model_config = ConfigDict(frozen=True)

    key: str  # request_key(provider, model, request)
    provider: str
    model: str
    text: str
    answer_hash: str  # answer_hash(text)
    usage: Usage = Usage()


class AnswerCache(Protocol):
    """Answers by request key, bounded, least recently used evicted first."""

    def get(self, key: str) -> CachedAnswer | None:
        """The answer stored under ``key`` (marked as used now), or None."""
        ...

    def put(self, answer: CachedAnswer) -> None:
        """Store ``answer``, evicting the least recently used ones beyond the bounds."""
        ...

    def by_answer_hash(self, digest: str) -> CachedAnswer | None:
        """An answer whose text hashes to ``digest``, or None."""
        ...


class Spent(BaseModel):
    """What one account used on one day."""

    model_config = ConfigDict(frozen=True)

    requests: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost: float = 0.0

    @property
    def tokens(self) -> int:
        """Input and output tokens together."""
        return self.input_tokens + self.output_tokens


class UsageLedger(Protocol):
    """Tokens and cost per account (an installation, or the CLI) per UTC day."""

    def spent(self, account: str, day: str) -> Spent:
        """What ``account`` used on ``day`` (ISO date)."""
        ...

    def add(self, account: str, day: str, usage: Usage, cost: float) -> None:
        """Count one answered request."""
        ...
