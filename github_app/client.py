"""githubkit clients per installation, with GitHub's recommended retries and write pacing."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import AsyncGenerator, Generator
from contextlib import asynccontextmanager, contextmanager
from datetime import timedelta
from functools import cache
from typing import Any

import anyio
import httpx
from githubkit import AppAuthStrategy, AppInstallationAuthStrategy, GitHub, Response
from githubkit.exception import GitHubException, RateLimitExceeded, RequestFailed
from githubkit.throttling import BaseThrottler
from githubkit.typing import RetryOption
from pydantic import ValidationError

from codegen_assets.core.secret_env import redact_json
from github_app.settings import AppSettings

_MUTATING = {"POST", "PATCH", "PUT", "DELETE"}
# Prose the App writes (comments, PR bodies, check run output, commit messages): redacted.
# File contents in trees are not prose and are left alone.
PROSE_KEYS = frozenset({"body", "title", "summary", "text", "message"})


class RedactingTransport(httpx.HTTPTransport):
    """Removes every configured secret from the prose of each write before it leaves."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = secrets

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Redact, then send."""
        if request.method in _MUTATING and self.secrets and request.content:
            try:
                data = json.loads(request.content)
            except ValueError:
                return super().handle_request(request)
            clean = redact_json(data, self.secrets, PROSE_KEYS)
            if clean != data:
                headers = {k: v for k, v in request.headers.items() if k != "content-length"}
                request = httpx.Request(
                    request.method,
                    request.url,
                    headers=headers,
                    json=clean,
                    extensions=request.extensions,
                )
        return super().handle_request(request)


class WritePacer(BaseThrottler):
    """GitHub limits content-creating requests per minute (80), not per request: a token bucket
    lets a burst of writes through at once (one pull request's commit, labels, comment and check
    run), then holds the sustained rate of one write per ``write_interval`` seconds."""

    def __init__(self, write_interval: float, burst: int) -> None:
        self.write_interval = write_interval
        self.burst = burst
        self._lock = threading.Lock()
        self._tokens = float(burst)
        self._updated = time.monotonic()

    def ready(self) -> bool:
        """Whether a write now would go at once (nothing is taken)."""
        if self.write_interval <= 0:
            return True
        with self._lock:
            refill = (time.monotonic() - self._updated) / self.write_interval
            return min(float(self.burst), self._tokens + refill) >= 1.0

    def wait_for(self, method: str) -> float:
        """Seconds this request must wait (reads never wait), and take its token."""
        if method not in _MUTATING or self.write_interval <= 0:
            return 0.0
        with self._lock:
            now = time.monotonic()
            refill = (now - self._updated) / self.write_interval
            self._tokens = min(float(self.burst), self._tokens + refill) - 1.0
            self._updated = now
            return max(0.0, -self._tokens * self.write_interval)

    @contextmanager
    def acquire(self, request: httpx.Request) -> Generator[None, Any, Any]:
        """Sleep until this write may go."""
        time.sleep(self.wait_for(request.method))
        yield

    @asynccontextmanager
    async def async_acquire(self, request: httpx.Request) -> AsyncGenerator[None, Any]:
        """Sleep until this write may go."""
        await anyio.sleep(self.wait_for(request.method))
        yield


class GitHubRetryPolicy:
    """Retry 5xx and rate limits (primary and secondary) with exponential backoff.

    A ``retry-after`` header, when GitHub sends one, wins over the computed wait.
    """

    def __init__(self, max_retries: int, base_seconds: float) -> None:
        self.max_retries = max_retries
        self.base_seconds = base_seconds

    def __call__(self, exc: GitHubException, retry_count: int) -> RetryOption:
        if retry_count >= self.max_retries:
            return RetryOption(False)
        backoff = timedelta(seconds=min(self.base_seconds * 2**retry_count, 60.0))
        if isinstance(exc, RateLimitExceeded):
            return RetryOption(
                True, exc.retry_after if exc.retry_after.total_seconds() else backoff
            )
        if isinstance(exc, RequestFailed) and exc.response.status_code >= 500:
            return RetryOption(True, backoff)
        return RetryOption(False)


SHOWN_PROBLEMS = 3


class UnexpectedAnswerError(GitHubException):
    """GitHub answered a request with a body its schema does not allow (githubkit's model of
    the endpoint rejected it). The message names the request, the model and the fields, and
    quotes no value from the answer."""

    def __init__(self, response: Response[Any, Any], model: str, error: ValidationError) -> None:
        self.request = response.raw_request
        self.status_code = response.status_code
        problems = [
            f"{'.'.join(map(str, e['loc'])) or '(the body)'}: {e['msg']}" for e in error.errors()
        ]
        more = len(problems) - SHOWN_PROBLEMS
        listed = "; ".join(problems[:SHOWN_PROBLEMS]) + (f"; and {more} more" if more > 0 else "")
        super().__init__(
            f"GitHub's answer to {self.request.method} {self.request.url.path} "
            f"({self.status_code}) is not a {model}: {listed}"
        )


def parsed[T](response: Response[T, Any]) -> T:
    """The answer as githubkit's model of the endpoint (``response.parsed_data``); an answer
    that does not fit it raises ``UnexpectedAnswerError`` naming the request and the fields."""
    try:
        return response.parsed_data
    except ValidationError as exc:
        raise UnexpectedAnswerError(response, exc.title, exc) from exc


@cache
def installation_client(
    settings: AppSettings, installation_id: int
) -> GitHub[AppInstallationAuthStrategy]:
    """One client per installation; githubkit caches its token until a minute before expiry."""
    auth = AppAuthStrategy(settings.app_id, settings.private_key_pem()).as_installation(
        installation_id
    )
    return GitHub(
        auth,
        base_url=settings.api_url,
        throttler=WritePacer(settings.write_interval_seconds, settings.write_burst),
        auto_retry=GitHubRetryPolicy(settings.max_retries, settings.retry_base_seconds),
        http_cache=False,
        timeout=30.0,
        transport=RedactingTransport(settings.secret_values()),
    )
