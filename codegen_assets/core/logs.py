"""Structured logs: one JSON object per line, with the workflow's fields when a record has them."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

FIELDS = ("workflow_id", "correlation_id", "stage", "duration_seconds", "error_type")


class JsonFormatter(logging.Formatter):
    """``{"ts", "level", "logger", "message", workflow fields…}`` per record."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        data.update({name: getattr(record, name) for name in FIELDS if hasattr(record, name)})
        if record.exc_info and record.exc_info[0] is not None:
            data.setdefault("error_type", record.exc_info[0].__name__)
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, default=str)


def configure_logging(fmt: str, level: str) -> None:
    """Log to standard error, as JSON lines (``json``) or plain text (``text``)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter()
        if fmt == "json"
        else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    handler.setLevel(level.upper())  # also for libraries that set their own loggers' levels
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
