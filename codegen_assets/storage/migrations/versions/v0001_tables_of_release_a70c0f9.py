"""The tables as the release before migrations (a70c0f9) created them.

A database that release wrote has these tables and no version table: each is created only where
it is missing, and the rows in place are kept. Older homes are brought to that release's schema
here too (what that release did by hand at every start): SQLite tables from before the
``nodegen_`` prefix have their rows moved into the prefixed tables and are dropped, and a queue
from before retries and dead letters gets those columns.

Revision ID: 0001
Revises:
Create Date: 2025-06-01
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Unprefixed tables of the earliest homes, and their prefixed successors (SQLite only).
UNPREFIXED = {
    "requests": "nodegen_requests",
    "artifacts": "nodegen_artifacts",
    "outbox": "nodegen_outbox",
    "cursors": "nodegen_outbox_cursors",
}


def _tables() -> list[tuple[str, list[sa.Column[Any]], list[sa.Constraint]]]:
    return [
        (
            "nodegen_requests",
            [
                sa.Column("request_id", sa.String(), primary_key=True),
                sa.Column("body", sa.Text(), nullable=False),
                sa.Column("created_at", sa.Float(), nullable=False),
            ],
            [],
        ),
        (
            "nodegen_artifacts",
            [
                sa.Column("workflow_id", sa.String(), primary_key=True),
                sa.Column("node_name", sa.String(), nullable=False),
                sa.Column("files", sa.Text(), nullable=False),
                sa.Column("reason", sa.Text(), nullable=False),
                sa.Column("created_at", sa.Float(), nullable=False),
            ],
            [],
        ),
        (
            "nodegen_outbox",
            [
                sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=True),
                sa.Column("envelope_id", sa.String(), nullable=False),
                sa.Column("topic", sa.String(), nullable=False),
                sa.Column("key", sa.String(), nullable=False),
                sa.Column("value", sa.Text(), nullable=False),
                sa.Column("created_at", sa.Float(), nullable=False),
                sa.Column("published_at", sa.Float()),
            ],
            [sa.UniqueConstraint("envelope_id")],
        ),
        (
            "nodegen_outbox_cursors",
            [
                sa.Column("run_id", sa.String(), primary_key=True),
                sa.Column("storage_id", sa.Integer(), nullable=False),
            ],
            [],
        ),
        (
            "nodegen_deliveries",
            [
                sa.Column("delivery_id", sa.String(), primary_key=True),
                sa.Column("event", sa.String(), nullable=False),
                sa.Column("body", sa.LargeBinary(), nullable=False),
                sa.Column("received_at", sa.Float(), nullable=False),
                *_queue_columns("nodegen_deliveries"),
            ],
            [],
        ),
        (
            "nodegen_thread_requests",
            [
                sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=True),
                sa.Column("repository", sa.String(), nullable=False),
                sa.Column("issue_number", sa.Integer(), nullable=False),
                sa.Column("request_id", sa.String(), nullable=False),
            ],
            [],
        ),
        (
            "nodegen_runs",
            [
                sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=True),
                sa.Column("request_id", sa.String(), nullable=False),
                sa.Column("delivery_id", sa.String(), nullable=False),
                sa.Column("created_at", sa.Float(), nullable=False),
                sa.Column("claimed_at", sa.Float()),
                *_queue_columns("nodegen_runs"),
            ],
            [sa.UniqueConstraint("request_id")],
        ),
        (
            "nodegen_delivered_nodes",
            [
                sa.Column("key", sa.String(), primary_key=True),
                sa.Column("repository", sa.String(), nullable=False),
                sa.Column("installation_id", sa.Integer(), nullable=False),
                sa.Column("path", sa.String(), nullable=False),
                sa.Column("node_name", sa.String(), nullable=False),
                sa.Column("branch", sa.String(), nullable=False),
                sa.Column("pr_number", sa.Integer()),
                sa.Column("commit_sha", sa.String(), nullable=False),
                sa.Column("lock", sa.Text(), nullable=False),
                sa.Column("delivered_at", sa.Float(), nullable=False),
                sa.Column("regenerated_for", sa.String(), nullable=False, server_default=""),
                sa.Column("regeneration_pr", sa.Integer()),
            ],
            [],
        ),
    ]


def _queue_columns(table: str) -> list[sa.Column[Any]]:
    """The queue's columns that came with retries and dead letters (all with defaults)."""
    status, text = ("new", "note") if table == "nodegen_deliveries" else ("pending", "error")
    return [
        sa.Column("status", sa.String(), nullable=False, server_default=status),
        sa.Column(text, sa.String(), nullable=False, server_default=""),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("next_attempt_at", sa.Float(), nullable=False, server_default="0"),
    ]


def upgrade() -> None:
    bind = op.get_bind()
    present = set(sa.inspect(bind).get_table_names())
    for name, columns, constraints in _tables():
        if name not in present:
            op.create_table(name, *columns, *constraints)
    for name in ("nodegen_deliveries", "nodegen_runs"):
        if name in present:
            _add_missing(name, _queue_columns(name))
    if bind.dialect.name == "sqlite":
        for old, new in UNPREFIXED.items():
            if old in present:
                _adopt(old, new)


def _add_missing(table: str, columns: list[sa.Column[Any]]) -> None:
    have = {c["name"] for c in sa.inspect(op.get_bind()).get_columns(table)}
    for column in columns:
        if column.name not in have:
            op.add_column(table, column)


def _adopt(old: str, new: str) -> None:
    """Move the rows of an unprefixed table into its prefixed one, then drop it."""
    inspector = sa.inspect(op.get_bind())
    columns = ", ".join(
        f'"{c["name"]}"'
        for c in inspector.get_columns(new)
        if c["name"] in {o["name"] for o in inspector.get_columns(old)}
    )
    op.execute(f"INSERT OR IGNORE INTO {new} ({columns}) SELECT {columns} FROM {old}")
    op.drop_table(old)


def downgrade() -> None:
    for name, _, _ in reversed(_tables()):
        op.drop_table(name)
