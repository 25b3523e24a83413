"""Retry and circuit-breaker policies: the generated nodes' defaults and the RAG client's."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff: ``base_delay_ms * 2**n``, capped at ``max_delay_ms``."""

    max_attempts: int
    base_delay_ms: int
    max_delay_ms: int


@dataclass(frozen=True)
class BreakerPolicy:
    """Open after ``failure_threshold`` consecutive failures; probe after ``recovery_timeout_s``."""

    failure_threshold: int
    recovery_timeout_s: int
    half_open_trials: int


# Around each dependency call of a generated node (omnibase-core requires threshold <= attempts).
NODE_RETRY = RetryPolicy(max_attempts=3, base_delay_ms=100, max_delay_ms=2000)
NODE_BREAKER = BreakerPolicy(failure_threshold=3, recovery_timeout_s=30, half_open_trials=1)
# Around the remote RAG service of the intelligence stage.
RAG_RETRY = RetryPolicy(max_attempts=3, base_delay_ms=1000, max_delay_ms=10000)
RAG_BREAKER = BreakerPolicy(failure_threshold=5, recovery_timeout_s=60, half_open_trials=3)
