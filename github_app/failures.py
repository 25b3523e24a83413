"""Which failures are worth retrying, and how to name them in one line."""

from __future__ import annotations

import httpx
from githubkit.exception import RateLimitExceeded, RequestError, RequestFailed
from sqlalchemy.exc import OperationalError

MAX_REASON = 500


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
