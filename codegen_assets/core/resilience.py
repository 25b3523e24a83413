"""Retry and circuit-breaker policies: the generated nodes' defaults and the RAG client's."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
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


class CircuitOpenError(RuntimeError):
    """The circuit is open: the call was not attempted."""


class CircuitBreaker:
    """A thread-safe circuit breaker shared by every request in a process.

    Closed: calls pass; ``failure_threshold`` consecutive failures open it. Open: calls fail fast
    with ``CircuitOpenError`` until ``recovery_timeout_s`` passed. Half-open: up to
    ``half_open_trials`` calls go through; that many successes close it, any failure reopens it.
    """

    def __init__(self, policy: BreakerPolicy, clock: Callable[[], float] = time.monotonic) -> None:
        self.policy = policy
        self._clock = clock
        self._lock = threading.Lock()
        self.state = "closed"
        self.failures = 0
        self._opened_at = 0.0
        self._trials_started = 0
        self._trial_successes = 0

    def before_call(self) -> None:
        """Admit a call or raise ``CircuitOpenError``."""
        with self._lock:
            if self.state == "open":
                if self._clock() - self._opened_at < self.policy.recovery_timeout_s:
                    raise CircuitOpenError("circuit open")
                self.state, self._trials_started, self._trial_successes = "half_open", 0, 0
            if self.state == "half_open":
                if self._trials_started >= self.policy.half_open_trials:
                    raise CircuitOpenError("circuit half-open: trial calls in flight")
                self._trials_started += 1

    def record_success(self) -> None:
        """Count a successful call."""
        with self._lock:
            self.failures = 0
            if self.state == "half_open":
                self._trial_successes += 1
                if self._trial_successes >= self.policy.half_open_trials:
                    self.state = "closed"

    def record_failure(self) -> None:
        """Count a failed call; open the circuit when due."""
        with self._lock:
            self.failures += 1
            if self.state == "half_open" or self.failures >= self.policy.failure_threshold:
                self.state = "open"
                self._opened_at = self._clock()
