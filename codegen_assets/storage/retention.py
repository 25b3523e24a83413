"""How much is kept, and the file-level tools of pruning: the validation cache bounded by size
(least recently used first), SQLite files given back the space of deleted rows, sizes.

What is pruned and what never is: ``codegen_assets/orchestration/retention.py``.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from codegen_assets.core.models import ValidationReport
from codegen_assets.core.validation.cache import ValidationCache

DAY = 86400.0


class RetentionSettings(BaseSettings):
    """``NODEGEN_KEEP_RUNS``, ``NODEGEN_KEEP_DAYS``, ``NODEGEN_VALIDATION_CACHE_MB``."""

    model_config = SettingsConfigDict(env_prefix="NODEGEN_", extra="ignore")

    # Runs kept per home (embedded) or per Dagster instance (deployed), newest first; the
    # newest run of each delivered node and unfinished runs are kept besides.
    keep_runs: int = Field(default=200, ge=0)
    # Nothing finished is kept longer than this, and kept code this long after its owner was
    # told where it is.
    keep_days: float = Field(default=30.0, gt=0)
    # The validation cache's size; least recently used reports go first.
    validation_cache_mb: float = Field(default=50.0, ge=0)

    def cutoff(self, now: float) -> float:
        """The time before which finished things are pruned."""
        return now - self.keep_days * DAY


class UsedValidationCache(ValidationCache):
    """The validation cache, each report's file touched when it is used, so pruning by size
    removes the least recently used first."""

    def get(self, key: str) -> ValidationReport | None:
        report = super().get(key)
        if report is not None:
            with contextlib.suppress(OSError):  # pruned meanwhile: the report read is good
                os.utime(self.directory / f"{key}.json")
        return report

    @classmethod
    def of(cls, directory: Path | None) -> UsedValidationCache | None:
        """The cache in ``directory`` (``ValidationSettings.cache_dir``); None when no reports
        are kept."""
        return cls(directory) if directory is not None else None


@dataclass(frozen=True)
class Removed:
    """Files removed (or that would be) and their bytes."""

    files: int = 0
    bytes: int = 0


def prune_cache(directory: Path, max_bytes: int, *, dry_run: bool = False) -> Removed:
    """Remove the least recently used reports until ``directory`` holds at most ``max_bytes``,
    and temporary files an interrupted write left more than an hour ago."""
    entries: list[tuple[float, int, Path]] = []
    stale: list[tuple[int, Path]] = []
    try:
        found = list(os.scandir(directory))
    except FileNotFoundError:
        return Removed()
    for entry in found:
        try:
            info = entry.stat(follow_symlinks=False)
        except FileNotFoundError:
            continue
        if entry.name.endswith(".tmp") and info.st_mtime < time.time() - 3600:
            stale.append((info.st_size, Path(entry.path)))
        elif entry.name.endswith(".json"):
            entries.append((info.st_mtime, info.st_size, Path(entry.path)))
    doomed = list(stale)
    total = sum(size for _, size, _ in entries)
    for _, size, path in sorted(entries):
        if total <= max_bytes:
            break
        doomed.append((size, path))
        total -= size
    if not dry_run:
        for _, path in doomed:
            path.unlink(missing_ok=True)
    return Removed(len(doomed), sum(size for size, _ in doomed))


def compact_sqlite(path: Path) -> None:
    """Give a SQLite file back the pages of deleted rows and empty its write-ahead log. The
    first time, the file is switched to incremental vacuuming (one ``VACUUM``); afterwards only
    the free pages are released."""
    if not path.is_file():
        return
    with sqlite3.connect(path, timeout=30, isolation_level=None) as db:
        if db.execute("PRAGMA auto_vacuum").fetchone()[0] != 2:  # 2: incremental
            db.execute("PRAGMA auto_vacuum = INCREMENTAL")
            db.execute("VACUUM")
        else:
            db.execute("PRAGMA incremental_vacuum")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


def size_of(path: Path) -> int:
    """Bytes of the files under ``path`` (0 when it does not exist)."""
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_size
            except FileNotFoundError:
                continue
    return total
