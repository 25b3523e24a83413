"""Requests, and generated code that could not be delivered, in the configured database."""

from __future__ import annotations

import json
import time
from pathlib import Path

from sqlalchemy import and_, or_, select, update

from codegen_assets.core.models import FileSet, GenerationRequest
from codegen_assets.core.stages.written_files import write_atomically
from codegen_assets.storage.db import (
    Location,
    chunks,
    delete_where,
    insert_for,
    open_database,
    where,
)
from codegen_assets.storage.schema import artifacts, requests


class UnknownArtifactError(KeyError):
    """No request or artifact under that id."""


class ArtifactStore:
    """Requests and undelivered code; safe to share between threads and processes."""

    def __init__(self, location: Location) -> None:
        self.location = location  # the configured database (the model's answers are there too)
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
            "told_at": None,  # new code: nobody was told about it yet
            "expires_at": None,
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

    def mark_told(self, workflow_id: str, keep_days: float) -> float | None:
        """Record that the user was told where the code kept for ``workflow_id`` is and that it
        is kept ``keep_days`` days; returns its expiry (None when nothing is kept). Telling again
        keeps the first expiry."""
        now = time.time()
        with self.engine.begin() as db:
            db.execute(
                update(artifacts)
                .where(artifacts.c.workflow_id == workflow_id, artifacts.c.told_at.is_(None))
                .values(told_at=now, expires_at=now + keep_days * 86400)
            )
            query = select(artifacts.c.expires_at).where(artifacts.c.workflow_id == workflow_id)
            expires = db.execute(query).scalar_one_or_none()
        return None if expires is None else float(expires)

    def request_times(self) -> dict[str, float]:
        """Every stored request's id and when it was stored."""
        with self.engine.connect() as db:
            rows = db.execute(select(requests.c.request_id, requests.c.created_at))
            return {str(r[0]): float(r[1]) for r in rows}

    def held_code(self, now: float) -> set[str]:
        """Workflows whose kept code must stay: nobody was told where it is, or the expiry they
        were told has not passed."""
        query = select(artifacts.c.workflow_id).where(
            or_(artifacts.c.told_at.is_(None), artifacts.c.expires_at > now)
        )
        with self.engine.connect() as db:
            return {str(r[0]) for r in db.execute(query)}

    def delete_expired_code(self, now: float, *, dry_run: bool = False) -> int:
        """Remove kept code whose owner was told about it and whose expiry passed."""
        expired = and_(artifacts.c.told_at.is_not(None), artifacts.c.expires_at <= now)
        return delete_where(self.engine, artifacts, expired, dry_run=dry_run)

    def delete_requests(self, request_ids: list[str], *, dry_run: bool = False) -> int:
        """Remove these requests (never kept code: see ``delete_expired_code``)."""
        return sum(
            delete_where(self.engine, requests, requests.c.request_id.in_(batch), dry_run=dry_run)
            for batch in chunks(request_ids)
        )

    def restore(self, workflow_id: str, dest: Path) -> list[str]:
        """Write the code kept for ``workflow_id`` to ``dest``; returns the files written."""
        _, files = self.get_files(workflow_id)
        write_atomically(dest, files)
        return sorted(files.files)
