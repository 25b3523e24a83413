"""Registry of the nodes the app delivered: where each lives and what generated it.

One row per node directory in a repository: its pull request and branch, the commit that carried
the generated files (the merge base of later regenerations) and the lock file of that generation.
It lives beside the request queue, in the configured database.
"""

from __future__ import annotations

import time
from pathlib import Path

from pydantic import BaseModel, ConfigDict
from sqlalchemy import RowMapping, select, update

from codegen_assets.storage.db import open_database
from codegen_assets.storage.schema import delivered_nodes


class DeliveredNode(BaseModel):
    """A node the app delivered."""

    model_config = ConfigDict(frozen=True)

    key: str
    repository: str
    installation_id: int
    path: str
    node_name: str
    branch: str
    pr_number: int | None
    commit_sha: str
    lock: str
    regenerated_for: str = ""
    regeneration_pr: int | None = None


def node_key(repository: str, path: str) -> str:
    """The registry key (and Dagster partition key) of a node directory in a repository."""
    return f"{repository}:{path}"


class NodeRegistry:
    """Delivered nodes; safe to share between threads and processes."""

    def __init__(self, location: Path | str) -> None:
        self.engine = open_database(location)

    def record(self, node: DeliveredNode) -> None:
        """Insert or replace the row of ``node.key`` (a new delivery resets regeneration)."""
        row = {**node.model_dump(), "delivered_at": time.time()}
        with self.engine.begin() as conn:
            conn.execute(delivered_nodes.delete().where(delivered_nodes.c.key == node.key))
            conn.execute(delivered_nodes.insert().values(**row))

    def all(self) -> list[DeliveredNode]:
        """Every delivered node, by key."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(delivered_nodes).order_by(delivered_nodes.c.key))
            return [_node(row._mapping) for row in rows]

    def in_repository(self, repository: str) -> list[DeliveredNode]:
        """The nodes delivered to ``repository``, by path."""
        query = (
            select(delivered_nodes)
            .where(delivered_nodes.c.repository == repository)
            .order_by(delivered_nodes.c.path)
        )
        with self.engine.connect() as conn:
            return [_node(row._mapping) for row in conn.execute(query)]

    def get(self, key: str) -> DeliveredNode | None:
        """The node called ``key``, if any."""
        with self.engine.connect() as conn:
            row = conn.execute(select(delivered_nodes).where(delivered_nodes.c.key == key)).first()
            return _node(row._mapping) if row is not None else None

    def by_pull_request(self, repository: str, pr_number: int) -> DeliveredNode | None:
        """The node delivered by pull request ``pr_number`` in ``repository``."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(delivered_nodes).where(
                    delivered_nodes.c.repository == repository,
                    delivered_nodes.c.pr_number == pr_number,
                )
            ).first()
            return _node(row._mapping) if row is not None else None

    def mark_regenerated(self, key: str, template_set: str, pr_number: int | None) -> None:
        """Remember that ``key`` was checked (and maybe given a PR) for ``template_set``."""
        with self.engine.begin() as conn:
            conn.execute(
                update(delivered_nodes)
                .where(delivered_nodes.c.key == key)
                .values(regenerated_for=template_set, regeneration_pr=pr_number)
            )


def _node(row: RowMapping) -> DeliveredNode:
    data = {str(k): v for k, v in row.items() if k != "delivered_at"}
    return DeliveredNode.model_validate(data)
