"""Alembic migrations of onex-nodegen's tables (``migrate.py`` runs them)."""
