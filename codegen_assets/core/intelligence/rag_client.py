"""Optional remote RAG service for the intelligence stage, behind retries and a circuit breaker.

``POST {url}/v1/patterns`` with ``{"query", "node_type", "limit"}`` answers
``{"patterns": [{"name", "title", "score", "guidance"}]}``. Each request is tried up to three
times (tenacity, exponential waits of 1-10 s, factor 2); every failed attempt counts towards the
process-wide circuit breaker (5 consecutive failures open it for 60 s, then 3 half-open trials).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from tenacity import (
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
)

from codegen_assets.core.models import Pattern
from codegen_assets.core.resilience import RAG_BREAKER, RAG_RETRY, CircuitBreaker

_BREAKERS: dict[str, CircuitBreaker] = {}


class RagError(RuntimeError):
    """The RAG service answered with an error or with something that is not a pattern list."""


class RagAnswer(BaseModel):
    """The service's answer; unknown keys are ignored, missing ones are errors."""

    model_config = ConfigDict(extra="ignore")

    patterns: list[Pattern] = Field(max_length=50)


def breaker_for(url: str) -> CircuitBreaker:
    """The circuit breaker shared by every request to ``url`` in this process."""
    return _BREAKERS.setdefault(url, CircuitBreaker(RAG_BREAKER))


class RagClient:
    """Queries the remote RAG service; raises on failure (``CircuitOpenError`` when open)."""

    def __init__(
        self,
        url: str,
        *,
        timeout_seconds: float = 5.0,
        breaker: CircuitBreaker | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.url = url.rstrip("/")
        self.timeout_seconds = timeout_seconds
        self.breaker = breaker or breaker_for(self.url)
        self._sleep = sleep

    def patterns(self, query: str, node_type: str, limit: int) -> list[Pattern]:
        """Patterns the service ranks for ``query``."""
        import httpx  # loaded only where a remote service is configured

        retrying = Retrying(
            stop=stop_after_attempt(RAG_RETRY.max_attempts),
            wait=wait_exponential(
                multiplier=1,
                exp_base=2,
                min=RAG_RETRY.base_delay_ms / 1000,
                max=RAG_RETRY.max_delay_ms / 1000,
            ),
            retry=retry_if_exception_type((httpx.HTTPError, RagError)),
            sleep=self._sleep,
            reraise=True,
        )
        return retrying(self._attempt, query, node_type, limit)

    def _attempt(self, query: str, node_type: str, limit: int) -> list[Pattern]:
        import httpx

        self.breaker.before_call()
        try:
            response = httpx.post(
                f"{self.url}/v1/patterns",
                json={"query": query, "node_type": node_type, "limit": limit},
                timeout=self.timeout_seconds,
            )
            response.raise_for_status()
            answer = RagAnswer.model_validate_json(response.content)
        except (httpx.HTTPError, ValidationError) as exc:
            self.breaker.record_failure()
            if isinstance(exc, ValidationError):
                raise RagError(f"RAG service answered with no pattern list: {exc}") from exc
            raise
        self.breaker.record_success()
        return answer.patterns[:limit]
