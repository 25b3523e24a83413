"""Retention: when the user was told where kept code is and until when it is kept; indexes
for the queries that find what can be pruned.

Revision ID: 0002
Revises: 0001
Create Date: 2025-06-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_nodegen_requests_created_at": ("nodegen_requests", ["created_at"]),
    "ix_nodegen_outbox_published_at": ("nodegen_outbox", ["published_at"]),
    "ix_nodegen_deliveries_status": ("nodegen_deliveries", ["status"]),
    "ix_nodegen_thread_requests_thread": (
        "nodegen_thread_requests",
        ["repository", "issue_number"],
    ),
    "ix_nodegen_runs_status": ("nodegen_runs", ["status"]),
}


def upgrade() -> None:
    op.add_column("nodegen_artifacts", sa.Column("told_at", sa.Float()))
    op.add_column("nodegen_artifacts", sa.Column("expires_at", sa.Float()))
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, (table, _) in INDEXES.items():
        op.drop_index(name, table_name=table)
    with op.batch_alter_table("nodegen_artifacts") as batch:
        batch.drop_column("expires_at")
        batch.drop_column("told_at")
