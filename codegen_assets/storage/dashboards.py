"""What the per-repository dashboard issue needs beyond the live state it shows: which issue it is,
a lease so that one process at a time finds, creates or edits it, and the regenerations a person
approved by ticking a box, until a worker runs them.

Two small tables beside the request queue (SQLite or PostgreSQL), kept in this one module so
they can move under migrations on their own. Both stay bounded: one row per repository with a
dashboard, and one per approved node until its regeneration run ends.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, delete, or_, select, update

from codegen_assets.storage.db import Location, engine_for, insert_for

_metadata = MetaData()
dashboards = Table(
    "nodegen_dashboards",
    _metadata,
    Column("repository", String, primary_key=True),
    Column("installation_id", Integer, nullable=False),
    Column("issue_number", Integer),
    Column("lease_owner", String),
    Column("lease_until", Float, nullable=False, server_default="0"),
)
approvals = Table(
    "nodegen_regeneration_approvals",
    _metadata,
    Column("key", String, primary_key=True),  # the delivered node
    Column("repository", String, nullable=False),
    Column("template_set", String, nullable=False),
    Column("requested_by", String, nullable=False),
    Column("requested_at", Float, nullable=False),
    Column("status", String, nullable=False, server_default="pending"),
    Column("claimed_at", Float),
)
POLL_SECONDS = 0.05
# A claimed approval whose run never reported back (its worker died) is offered again after this.
STALE_CLAIM_SECONDS = 3600.0


class LeaseTimeoutError(TimeoutError):
    """Another process held the repository's dashboard for longer than we could wait."""


@dataclass(frozen=True)
class Approval:
    """A regeneration a person asked for from the dashboard."""

    key: str
    template_set: str
    requested_by: str
    claimed: bool


class DashboardStore:
    """Dashboard issues and approvals; safe to share between threads and processes."""

    def __init__(self, location: Location) -> None:
        self.engine = engine_for(location)
        _metadata.create_all(self.engine)
        self._insert = insert_for(self.engine)

    # -- the dashboard issue and its lease ------------------------------------------------
    def _ensure(self, repository: str, installation_id: int) -> None:
        statement = (
            self._insert(dashboards)
            .values(repository=repository, installation_id=installation_id)
            .on_conflict_do_update(
                index_elements=["repository"], set_={"installation_id": installation_id}
            )
        )
        with self.engine.begin() as db:
            db.execute(statement)

    def _take(self, repository: str, owner: str, seconds: float) -> bool:
        """One atomic attempt: the lease is ours when it is free, expired or already ours."""
        now = time.time()
        statement = (
            update(dashboards)
            .where(
                dashboards.c.repository == repository,
                or_(
                    dashboards.c.lease_owner.is_(None),
                    dashboards.c.lease_owner == owner,
                    dashboards.c.lease_until < now,
                ),
            )
            .values(lease_owner=owner, lease_until=now + seconds)
        )
        with self.engine.begin() as db:
            return bool(db.execute(statement).rowcount == 1)

    @contextmanager
    def lease(
        self, repository: str, installation_id: int, *, seconds: float = 120.0, wait: float = 60.0
    ) -> Iterator[str]:
        """Hold the repository's dashboard (one holder at a time, across processes) for at most
        ``seconds``; waits up to ``wait`` seconds for the holder before it (LeaseTimeoutError).
        Yields the holder's id, for ``still_held``."""
        self._ensure(repository, installation_id)
        owner = uuid.uuid4().hex
        deadline = time.monotonic() + wait
        while not self._take(repository, owner, seconds):
            if time.monotonic() > deadline:
                raise LeaseTimeoutError(f"the dashboard of {repository} is busy")
            time.sleep(POLL_SECONDS)
        try:
            yield owner
        finally:
            with self.engine.begin() as db:
                db.execute(
                    update(dashboards)
                    .where(dashboards.c.repository == repository, dashboards.c.lease_owner == owner)
                    .values(lease_owner=None, lease_until=0.0)
                )

    def still_held(self, repository: str, owner: str, seconds: float = 120.0) -> bool:
        """Extend ``owner``'s lease; False when it expired and another process took it."""
        return self._take(repository, owner, seconds)

    def issue_number(self, repository: str) -> int | None:
        """The dashboard issue of ``repository``, when one is known."""
        query = select(dashboards.c.issue_number).where(dashboards.c.repository == repository)
        with self.engine.connect() as db:
            found = db.execute(query).scalar()
        return None if found is None else int(found)

    def set_issue(self, repository: str, number: int | None) -> None:
        """Remember (or, with None, forget) the dashboard issue of ``repository``."""
        with self.engine.begin() as db:
            db.execute(
                update(dashboards)
                .where(dashboards.c.repository == repository)
                .values(issue_number=number)
            )

    def repositories(self) -> dict[str, int]:
        """Every repository with a dashboard row → its installation."""
        with self.engine.connect() as db:
            rows = db.execute(select(dashboards.c.repository, dashboards.c.installation_id))
            return {str(r[0]): int(r[1]) for r in rows}

    # -- regenerations approved from the dashboard ---------------------------------------
    def approve(self, key: str, repository: str, template_set: str, login: str) -> bool:
        """Ask for ``key``'s regeneration; False when it is already asked for."""
        statement = (
            self._insert(approvals)
            .values(
                key=key,
                repository=repository,
                template_set=template_set,
                requested_by=login,
                requested_at=time.time(),
            )
            .on_conflict_do_nothing(index_elements=["key"])
        )
        with self.engine.begin() as db:
            return bool(db.execute(statement).rowcount == 1)

    def approvals(self, repository: str) -> dict[str, Approval]:
        """The regenerations asked for in ``repository`` and not finished, by node key."""
        query = select(
            approvals.c.key, approvals.c.template_set, approvals.c.requested_by, approvals.c.status
        ).where(approvals.c.repository == repository)
        with self.engine.connect() as db:
            return {
                str(r[0]): Approval(str(r[0]), str(r[1]), str(r[2]), r[3] == "claimed")
                for r in db.execute(query)
            }

    def claim_approvals(self, limit: int) -> list[str]:
        """Atomically claim up to ``limit`` approved regenerations, oldest first."""
        now = time.time()
        oldest = (
            select(approvals.c.key)
            .where(
                or_(
                    approvals.c.status == "pending",
                    approvals.c.claimed_at < now - STALE_CLAIM_SECONDS,
                )
            )
            .order_by(approvals.c.requested_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
        statement = (
            update(approvals)
            .where(approvals.c.key.in_(oldest))
            .values(status="claimed", claimed_at=now)
            .returning(approvals.c.key)
        )
        with self.engine.begin() as db:
            return sorted(str(r[0]) for r in db.execute(statement))

    def finish_approval(self, key: str) -> None:
        """The regeneration of ``key`` ran (whatever its outcome): forget the approval."""
        with self.engine.begin() as db:
            db.execute(delete(approvals).where(approvals.c.key == key))

    def release_approval_claims(self) -> int:
        """After a restart: approvals claimed by a process that died go back to pending."""
        with self.engine.begin() as db:
            return int(
                db.execute(
                    update(approvals)
                    .where(approvals.c.status == "claimed")
                    .values(status="pending", claimed_at=None)
                ).rowcount
            )
