"""Alembic environment: runs against the engine handed over in `config.attributes`. On
PostgreSQL a transaction-scoped advisory lock serialises replicas that start together."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text
from sqlalchemy.engine import Engine

import api.recovery_store  # noqa: F401  (registers its tables on Base)
from api.storage import Base

MIGRATION_LOCK = 0x64657367  # "desg": any constant shared by every replica

engine: Engine = context.config.attributes["engine"]

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        compare_type=True,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters by copying tables
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        context.run_migrations()
