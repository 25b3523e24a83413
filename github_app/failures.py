"""Which failures are worth retrying, and how to name them in one line: in full for our logs
and dead letters (``describe``), and as it may be posted on GitHub (``public_reason``)."""

from __future__ import annotations

import httpx
from githubkit.exception import GitHubException, RateLimitExceeded, RequestError, RequestFailed
from sqlalchemy.exc import OperationalError

from codegen_assets.core.layout import PackageError
from codegen_assets.core.stages.written_files import UnsafePathError
from codegen_assets.core.understanding.line_reader.text import PromptError
from codegen_assets.core.validation.runner import ValidatorMissingError
from codegen_assets.core.validation.sandbox import SandboxUnavailableError
from codegen_assets.core.validation.style import StyleConfigError
from github_app.client import UnexpectedAnswerError
from github_app.commands import CommandError
from github_app.repo_config import RepoConfigError
from github_app.repo_layout import LayoutError

MAX_REASON = 500
# Errors whose message is our own text about the request (what it asked for, the repository's
# configuration, this installation), written for the user: shown. Any other exception may quote
# a tool's output or a host path, and is named by its type only.
OWN_MESSAGES: tuple[type[Exception], ...] = (
    CommandError,
    LayoutError,
    PackageError,
    PromptError,
    RepoConfigError,
    SandboxUnavailableError,
    StyleConfigError,
    UnsafePathError,
    ValidatorMissingError,
)


def is_transient(exc: BaseException) -> bool:
    """A failure that may pass by itself: GitHub's 5xx or rate limits, a network or database
    outage. Everything else (404/403/410/422 from GitHub, a malformed payload, a bug) is
    permanent: retrying would fail the same way and hold up the deliveries behind it."""
    if isinstance(exc, RequestFailed):
        status = exc.response.status_code
        return status >= 500 or status == 429 or isinstance(exc, RateLimitExceeded)
    return isinstance(
        exc, (RequestError, httpx.TransportError, ConnectionError, TimeoutError, OperationalError)
    )


def describe(exc: BaseException) -> str:
    """The failure in one line, e.g. ``GitHub answered 404 to POST /repos/o/r/check-runs``."""
    if isinstance(exc, RequestFailed):
        request = exc.request
        text = f"GitHub answered {exc.response.status_code} to {request.method} {request.url.path}"
    else:
        text = f"{type(exc).__name__}: {exc}"
    return " ".join(text.split())[:MAX_REASON]


def public_reason(exc: BaseException | None, own: tuple[type[BaseException], ...] = ()) -> str:
    """The failure in one line as it may be posted on GitHub: GitHub's answer (status and
    path, or the fields of an answer off its schema), the message of an error in
    ``OWN_MESSAGES`` (or ``own``), otherwise only the kind of error (the full message is in the
    run's log)."""
    if exc is None:
        return "the step failed"
    if isinstance(exc, (RequestFailed, UnexpectedAnswerError, *OWN_MESSAGES, *own)):
        return describe(exc)
    kind = "GitHub request failed" if isinstance(exc, GitHubException) else "failed"
    return f"{kind}: {type(exc).__name__} (the run's log has the details)"
