"""Typed failures of the model path. Each message is one line, with every secret redacted."""

from __future__ import annotations

from collections.abc import Iterable

from codegen_assets.core.secret_env import redact

_MAX_MESSAGE = 300


class ModelError(RuntimeError):
    """Asking the model failed; ``str(error)`` is one line that names what happened."""

    retryable = False

    def __init__(self, message: str, secrets: Iterable[str] = ()) -> None:
        line = " ".join(redact(message, list(secrets)).split())
        super().__init__(line[:_MAX_MESSAGE])


class ModelHTTPError(ModelError):
    """The server answered with an error status that a retry will not change (4xx)."""

    def __init__(self, status: int, kind: str, message: str, secrets: Iterable[str] = ()) -> None:
        self.status = status
        self.kind = kind
        named = f"{status} {kind}".strip()
        super().__init__(f"the model server refused the request ({named}): {message}", secrets)


class ModelQuotaError(ModelHTTPError):
    """429 for a spent quota or spend limit: waiting does not help."""


class ModelRateLimitedError(ModelError):
    """429: too many requests; ``retry_after`` is the wait the server asked for, if any."""

    retryable = True

    def __init__(
        self, retry_after: float | None, message: str, secrets: Iterable[str] = ()
    ) -> None:
        self.retry_after = retry_after
        wait = f", retry after {retry_after:g} s" if retry_after is not None else ""
        super().__init__(f"the model server is rate limiting (429{wait}): {message}", secrets)


class ModelUnavailableError(ModelError):
    """5xx (or 529), a refused connection: the server may recover."""

    retryable = True


class ModelTimeoutError(ModelError):
    """No answer within the timeout."""

    retryable = True


class ModelCircuitOpenError(ModelError):
    """Too many consecutive failures: requests are refused without being sent for a while."""


class ModelAnswerError(ModelError):
    """The server answered 200 with something that is not the documented answer."""


class BudgetExceededError(ModelError):
    """The request would pass a token or cost budget; it was not sent."""


class ReplayMissError(ModelError):
    """Replay mode, and no recorded answer for this request: nothing was asked."""
