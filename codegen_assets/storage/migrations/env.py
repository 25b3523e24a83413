"""Alembic's environment for onex-nodegen's tables: run on the connection ``migrate.upgrade``
passes in (the caller holds the lock and the transaction)."""

from alembic import context

from codegen_assets.storage.migrate import VERSION_TABLE
from codegen_assets.storage.schema import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    version_table=VERSION_TABLE,  # Dagster's own tables use alembic_version
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
