"""Durable local store of requests and of generated code that could not be delivered (SQLite)."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from codegen_assets.core.models import FileSet, GenerationRequest
from codegen_assets.core.stages.written_files import write_atomically

_SCHEMA = """
CREATE TABLE IF NOT EXISTS requests (
    request_id TEXT PRIMARY KEY,
    body TEXT NOT NULL,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS artifacts (
    workflow_id TEXT PRIMARY KEY,
    node_name TEXT NOT NULL,
    files TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_at REAL NOT NULL
);
"""


class UnknownArtifactError(KeyError):
    """No request or artifact under that id."""


class ArtifactStore:
    """Requests and undelivered code, in one SQLite file beside the embedded Dagster instance."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.executescript(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=30)
        try:
            with db:
                yield db
        finally:
            db.close()

    def put_request(self, request: GenerationRequest) -> None:
        """Record a request; the same id twice keeps the first."""
        with self._connect() as db:
            db.execute(
                "INSERT OR IGNORE INTO requests VALUES (?, ?, ?)",
                (request.request_id, request.model_dump_json(), time.time()),
            )

    def get_request(self, request_id: str) -> GenerationRequest:
        """The request stored under ``request_id``."""
        with self._connect() as db:
            row = db.execute(
                "SELECT body FROM requests WHERE request_id = ?", (request_id,)
            ).fetchone()
        if row is None:
            raise UnknownArtifactError(f"no generation request {request_id!r} in {self.path}")
        return GenerationRequest.model_validate_json(row[0])

    def put_files(self, workflow_id: str, node_name: str, files: FileSet, reason: str) -> None:
        """Keep ``files`` for later recovery, replacing an earlier copy for the same workflow."""
        with self._connect() as db:
            db.execute(
                "INSERT OR REPLACE INTO artifacts VALUES (?, ?, ?, ?, ?)",
                (
                    workflow_id,
                    node_name,
                    json.dumps(files.files, sort_keys=True),
                    reason,
                    time.time(),
                ),
            )

    def get_files(self, workflow_id: str) -> tuple[str, FileSet]:
        """The node name and files kept for ``workflow_id``."""
        with self._connect() as db:
            row = db.execute(
                "SELECT node_name, files FROM artifacts WHERE workflow_id = ?", (workflow_id,)
            ).fetchone()
        if row is None:
            raise UnknownArtifactError(
                f"no stored code for workflow {workflow_id!r} in {self.path}"
            )
        return row[0], FileSet(files=json.loads(row[1]))

    def restore(self, workflow_id: str, dest: Path) -> list[str]:
        """Write the code kept for ``workflow_id`` to ``dest``; returns the files written."""
        _, files = self.get_files(workflow_id)
        write_atomically(dest, files)
        return sorted(files.files)
