"""Every table onex-nodegen keeps, as the migrations leave them (``migrations/``).

One ``MetaData`` for all of them: each database (a SQLite file in the home, or the PostgreSQL
database of a deployment) holds the whole schema, and each store uses its own tables. Tables are
prefixed ``nodegen_`` so they can share a database with Dagster's. A change here needs a
migration (``tests/storage/test_migrations.py`` compares the two).
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Float,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

# Requests as the CLI or the webhook stored them (the Dagster partition's data).
requests = Table(
    "nodegen_requests",
    metadata,
    Column("request_id", String, primary_key=True),
    Column("body", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    Index("ix_nodegen_requests_created_at", "created_at"),
)
# Generated code that could not be delivered. It is kept until the user was told where it is
# (told_at) and the expiry they were told (expires_at) has passed.
artifacts = Table(
    "nodegen_artifacts",
    metadata,
    Column("workflow_id", String, primary_key=True),
    Column("node_name", String, nullable=False),
    Column("files", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("told_at", Float),
    Column("expires_at", Float),
)
# The Kafka outbox: envelopes in capture order; published_at once Kafka acknowledged them.
outbox = Table(
    "nodegen_outbox",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("envelope_id", String, unique=True, nullable=False),
    Column("topic", String, nullable=False),
    Column("key", String, nullable=False),
    Column("value", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("published_at", Float),
    Index("ix_nodegen_outbox_published_at", "published_at"),
)
# How far each Dagster run's events were captured into the outbox.
outbox_cursors = Table(
    "nodegen_outbox_cursors",
    metadata,
    Column("run_id", String, primary_key=True),
    Column("storage_id", Integer, nullable=False),
)
# Webhook deliveries, keyed by X-GitHub-Delivery.
deliveries = Table(
    "nodegen_deliveries",
    metadata,
    Column("delivery_id", String, primary_key=True),
    Column("event", String, nullable=False),
    Column("body", LargeBinary, nullable=False),
    Column("received_at", Float, nullable=False),
    Column("status", String, nullable=False, server_default="new"),
    Column("note", String, nullable=False, server_default=""),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", Float, nullable=False, server_default="0"),
    Index("ix_nodegen_deliveries_status", "status"),
)
# The requests made on each issue or pull request, for ``/generate-node retry``.
thread_requests = Table(
    "nodegen_thread_requests",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("repository", String, nullable=False),
    Column("issue_number", Integer, nullable=False),
    Column("request_id", String, nullable=False),
    Index("ix_nodegen_thread_requests_thread", "repository", "issue_number"),
)
# Generation requests waiting for a launcher.
runs = Table(
    "nodegen_runs",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("request_id", String, nullable=False, unique=True),
    Column("delivery_id", String, nullable=False),
    Column("status", String, nullable=False, server_default="pending"),
    Column("created_at", Float, nullable=False),
    Column("claimed_at", Float),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", Float, nullable=False, server_default="0"),
    Column("error", String, nullable=False, server_default=""),
    Index("ix_nodegen_runs_status", "status"),
)
# The nodes the App delivered (the regeneration sensor reads it; never pruned).
delivered_nodes = Table(
    "nodegen_delivered_nodes",
    metadata,
    Column("key", String, primary_key=True),
    Column("repository", String, nullable=False),
    Column("installation_id", Integer, nullable=False),
    Column("path", String, nullable=False),
    Column("node_name", String, nullable=False),
    Column("branch", String, nullable=False),
    Column("pr_number", Integer),
    Column("commit_sha", String, nullable=False),
    Column("lock", Text, nullable=False),
    Column("delivered_at", Float, nullable=False),
    Column("regenerated_for", String, nullable=False, server_default=""),
    Column("regeneration_pr", Integer),
)
