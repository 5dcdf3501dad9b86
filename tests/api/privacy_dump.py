"""Every text and JSON value in every table of a deskguard database, for tests that prove
something is no longer stored anywhere."""

from __future__ import annotations

import json

from sqlalchemy import JSON, String, Text, inspect
from sqlalchemy.types import TypeDecorator

import api.recovery_store  # noqa: F401  (every table on Base)
from api.storage import Base, Database


def _textual(column_type: object) -> bool:
    impl = column_type.impl if isinstance(column_type, TypeDecorator) else column_type
    return isinstance(impl, String | Text | JSON)


def _plain(value: object) -> str:
    """As stored: JSON columns come back from SQLite as text, from PostgreSQL as objects."""
    if isinstance(value, str):
        try:
            value = json.loads(value)  # JSON text: read back, so \u escapes become characters
        except ValueError:
            return value
    return json.dumps(value, ensure_ascii=False, default=str)


def dump(db: Database) -> str:
    """One lower-case string holding every text/JSON value of every row of every table (the
    migrated schema is the models' schema: tests/api/test_migrations.py)."""
    assert set(inspect(db.engine).get_table_names()) - {"alembic_version"} == set(
        Base.metadata.tables
    )
    parts: list[str] = []
    with db.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            names = ", ".join(f'"{c.name}"' for c in table.columns if _textual(c.type))
            if not names:
                continue
            for row in connection.exec_driver_sql(f'SELECT {names} FROM "{table.name}"'):
                parts.extend(_plain(v) for v in row if v is not None)
    return "\n".join(parts).lower()
