"""Requests, and generated code that could not be delivered, in the configured database."""

from __future__ import annotations

import json
import time
from pathlib import Path

from sqlalchemy import select

from codegen_assets.core.models import FileSet, GenerationRequest
from codegen_assets.core.stages.written_files import write_atomically
from codegen_assets.storage.db import Location, insert_for, open_database, where
from codegen_assets.storage.schema import artifacts, requests


class UnknownArtifactError(KeyError):
    """No request or artifact under that id."""


class ArtifactStore:
    """Requests and undelivered code; safe to share between threads and processes."""

    def __init__(self, location: Location) -> None:
        self.engine = open_database(location)
        self._insert = insert_for(self.engine)

    @property
    def where(self) -> str:
        """The database, for messages (a URL's password hidden)."""
        return where(self.engine)

    def put_request(self, request: GenerationRequest) -> None:
        """Record a request; the same id twice keeps the first."""
        statement = (
            self._insert(requests)
            .values(
                request_id=request.request_id,
                body=request.model_dump_json(),
                created_at=time.time(),
            )
            .on_conflict_do_nothing(index_elements=["request_id"])
        )
        with self.engine.begin() as db:
            db.execute(statement)

    def get_request(self, request_id: str) -> GenerationRequest:
        """The request stored under ``request_id``."""
        query = select(requests.c.body).where(requests.c.request_id == request_id)
        with self.engine.connect() as db:
            body = db.execute(query).scalar_one_or_none()
        if body is None:
            raise UnknownArtifactError(f"no generation request {request_id!r} in {self.where}")
        return GenerationRequest.model_validate_json(body)

    def put_files(self, workflow_id: str, node_name: str, files: FileSet, reason: str) -> None:
        """Keep ``files`` for later recovery, replacing an earlier copy for the same workflow."""
        row = {
            "node_name": node_name,
            "files": json.dumps(files.files, sort_keys=True),
            "reason": reason,
            "created_at": time.time(),
        }
        statement = (
            self._insert(artifacts)
            .values(workflow_id=workflow_id, **row)
            .on_conflict_do_update(index_elements=["workflow_id"], set_=row)
        )
        with self.engine.begin() as db:
            db.execute(statement)

    def get_files(self, workflow_id: str) -> tuple[str, FileSet]:
        """The node name and files kept for ``workflow_id``."""
        query = select(artifacts.c.node_name, artifacts.c.files).where(
            artifacts.c.workflow_id == workflow_id
        )
        with self.engine.connect() as db:
            row = db.execute(query).first()
        if row is None:
            raise UnknownArtifactError(
                f"no stored code for workflow {workflow_id!r} in {self.where}"
            )
        return str(row[0]), FileSet(files=json.loads(row[1]))

    def restore(self, workflow_id: str, dest: Path) -> list[str]:
        """Write the code kept for ``workflow_id`` to ``dest``; returns the files written."""
        _, files = self.get_files(workflow_id)
        write_atomically(dest, files)
        return sorted(files.files)
