"""How every benchmark reports: its logs go to a file, its tables come last on standard output,
headed by the date and machine they were measured on (the README quotes them with that line)."""

from __future__ import annotations

import contextlib
import datetime
import os
import platform
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from rich.console import Console


def log_path(name: str) -> Path:
    """Where benchmark ``name`` keeps the logs of its last run."""
    return Path(tempfile.gettempdir()) / f"nodegen-bench-{name}.log"


@contextlib.contextmanager
def logs_to_file(name: str) -> Iterator[Path]:
    """Send everything written to standard error (this process's logs and its children's) to
    ``log_path(name)`` until the block ends; standard output is left for the tables."""
    path = log_path(name)
    sys.stderr.flush()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    saved = os.dup(2)
    os.dup2(descriptor, 2)
    os.close(descriptor)
    try:
        yield path
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)


def measured_on() -> str:
    """``measured 2026-12-06 on Linux x86_64, 2 cores``: the line the README quotes."""
    today = datetime.datetime.now(datetime.UTC).date().isoformat()
    cores = os.cpu_count() or 1
    return f"measured {today} on {platform.system()} {platform.machine()}, {cores} cores"


def heading(console: Console, name: str) -> None:
    """The line before a benchmark's tables."""
    console.print(f"{measured_on()} (logs: {log_path(name)})", highlight=False, soft_wrap=True)
