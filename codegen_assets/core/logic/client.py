"""One client for both wire formats, over httpx, behind retries and a circuit breaker.

Each request is tried up to ``max_attempts`` times: on 429 (waiting what ``retry-after`` or
``retry-after-ms`` asks, failing at once when that is longer than ``max_retry_wait_seconds`` or
the quota is spent), on 5xx and 529, on refused connections and on timeouts (random exponential
waits of 0.5-8 s otherwise). Failures a retry cannot change (other 4xx, an answer in another
format) are not retried. Every failed attempt towards an unreachable or failing server counts
towards a circuit breaker shared by every client of that URL in the process: after
``breaker_failures`` in a row, requests fail fast with ``ModelCircuitOpenError`` for
``breaker_recovery_seconds``. Errors are typed (``logic.errors``), one line, the key redacted.
"""

from __future__ import annotations

import email.utils
import logging
import time
from collections.abc import Callable
from typing import Any

import httpx
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_random_exponential

from codegen_assets.core.logic.errors import (
    ModelAnswerError,
    ModelCircuitOpenError,
    ModelError,
    ModelHTTPError,
    ModelQuotaError,
    ModelRateLimitedError,
    ModelTimeoutError,
    ModelUnavailableError,
)
from codegen_assets.core.logic.wire import (
    ANTHROPIC_VERSION,
    ChatAnswer,
    ChatRequest,
    WireFormatError,
    anthropic_body,
    error_detail,
    openai_body,
    parse_anthropic,
    parse_openai,
)
from codegen_assets.core.model_settings import ModelSettings
from codegen_assets.core.resilience import BreakerPolicy, CircuitBreaker, CircuitOpenError

logger = logging.getLogger(__name__)
_BREAKERS: dict[str, CircuitBreaker] = {}
_QUOTA_KINDS = frozenset({"insufficient_quota", "enforced_spend_limit_reached"})


def breaker_for(url: str, settings: ModelSettings) -> CircuitBreaker:
    """The circuit breaker shared by every request to ``url`` in this process."""
    policy = BreakerPolicy(
        failure_threshold=settings.breaker_failures,
        recovery_timeout_s=int(settings.breaker_recovery_seconds),
        half_open_trials=1,
    )
    return _BREAKERS.setdefault(url, CircuitBreaker(policy))


def retry_after(headers: httpx.Headers) -> float | None:
    """Seconds a 429 asks to wait: ``retry-after-ms``, ``retry-after`` in seconds or as a
    date; None when there is no such header."""
    if "retry-after-ms" in headers:
        try:
            return max(float(headers["retry-after-ms"]) / 1000, 0.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(when.timestamp() - time.time(), 0.0)


class ModelClient:
    """Asks ``settings.model`` at ``settings.url`` in ``settings.provider``'s wire format."""

    def __init__(
        self,
        settings: ModelSettings,
        *,
        breaker: CircuitBreaker | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings
        self.provider = settings.provider
        self.model = settings.model
        self.url = settings.url
        self.breaker = breaker or breaker_for(self.url, settings)
        self._sleep = sleep
        self._secrets = settings.secret_values()
        self._http = httpx.Client(
            timeout=httpx.Timeout(
                settings.timeout_seconds, connect=settings.connect_timeout_seconds
            ),
            headers=self._headers(),
            follow_redirects=False,  # the key is never carried to another host
        )

    def close(self) -> None:
        """Release the connection pool."""
        self._http.close()

    def __enter__(self) -> ModelClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _headers(self) -> dict[str, str]:
        key = self.settings.key()
        if self.provider == "anthropic":
            return {"x-api-key": key, "anthropic-version": ANTHROPIC_VERSION}
        return {"Authorization": f"Bearer {key}"} if key else {}

    def complete(self, request: ChatRequest) -> ChatAnswer:
        """The model's answer to ``request``; raises a ``ModelError`` subclass on failure."""
        retrying = Retrying(
            stop=stop_after_attempt(self.settings.max_attempts),
            wait=self._wait,
            retry=retry_if_exception(self._should_retry),
            sleep=self._sleep,
            reraise=True,
        )
        return retrying(self._attempt, request)

    def _should_retry(self, exc: BaseException) -> bool:
        if isinstance(exc, ModelRateLimitedError) and exc.retry_after is not None:
            return exc.retry_after <= self.settings.max_retry_wait_seconds
        return isinstance(exc, ModelError) and exc.retryable

    def _wait(self, state: Any) -> float:
        exc = state.outcome.exception() if state.outcome is not None else None
        if isinstance(exc, ModelRateLimitedError) and exc.retry_after is not None:
            return exc.retry_after
        return float(wait_random_exponential(multiplier=0.5, max=8)(state))

    def _endpoint(
        self, request: ChatRequest
    ) -> tuple[str, dict[str, Any], Callable[[bytes], ChatAnswer]]:
        if self.provider == "anthropic":
            return f"{self.url}/v1/messages", anthropic_body(self.model, request), parse_anthropic
        return f"{self.url}/chat/completions", openai_body(self.model, request), parse_openai

    def _attempt(self, request: ChatRequest) -> ChatAnswer:
        try:
            self.breaker.before_call()
        except CircuitOpenError:
            raise ModelCircuitOpenError(
                f"the model server at {self.url} failed {self.breaker.policy.failure_threshold} "
                f"times in a row; not asking it for {self.breaker.policy.recovery_timeout_s} s"
            ) from None
        url, body, parse = self._endpoint(request)
        started = time.monotonic()
        try:
            response = self._http.post(url, json=body)
        except httpx.TimeoutException:
            self.breaker.record_failure()
            raise ModelTimeoutError(
                f"no answer from {self.url} within {self.settings.timeout_seconds:g} s",
                self._secrets,
            ) from None
        except httpx.TransportError as exc:
            self.breaker.record_failure()
            raise ModelUnavailableError(
                f"cannot reach the model server at {self.url}: {type(exc).__name__}: {exc}",
                self._secrets,
            ) from None
        logger.info(
            "model %s %s answered %s in %.2f s",
            self.provider,
            self.model,
            response.status_code,
            time.monotonic() - started,
        )
        return self._answer(response, parse)

    def _answer(self, response: httpx.Response, parse: Callable[[bytes], ChatAnswer]) -> ChatAnswer:
        status = response.status_code
        if status >= 500:
            self.breaker.record_failure()
            kind, message = error_detail(response.content)
            named = f"{status} {kind}".strip()
            raise ModelUnavailableError(
                f"the model server failed ({named}): {message}", self._secrets
            )
        self.breaker.record_success()  # it answered: a refusal says nothing about its health
        if status == 429:
            kind, message = error_detail(response.content)
            if kind in _QUOTA_KINDS:
                raise ModelQuotaError(status, kind, message, self._secrets)
            raise ModelRateLimitedError(retry_after(response.headers), message, self._secrets)
        if status >= 400:
            kind, message = error_detail(response.content)
            raise ModelHTTPError(status, kind, message, self._secrets)
        if status >= 300:
            where = response.headers.get("location", "elsewhere")
            raise ModelHTTPError(status, "redirect", f"to {where}, not followed", self._secrets)
        try:
            return parse(response.content)
        except WireFormatError as exc:
            raise ModelAnswerError(str(exc), self._secrets) from None
