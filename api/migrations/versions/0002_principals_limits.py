"""Named key holders, throttling and velocity: api_keys.name, limit_hits, verifications.caller
and verifications.velocity.

Revision ID: 0002_principals_limits
Revises: 0001_baseline
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_principals_limits"
down_revision = "0001_baseline"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("api_keys") as batch:
        batch.add_column(
            sa.Column("name", sa.String(120), nullable=False, server_default="unnamed")
        )
    with op.batch_alter_table("verifications") as batch:
        batch.add_column(sa.Column("caller", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("velocity", sa.JSON(), nullable=True))
    op.create_table(
        "limit_hits",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("member", sa.String(320), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_limit_hits_key", "limit_hits", ["key"])
    op.create_index("ix_limit_hits_at", "limit_hits", ["at"])


def downgrade() -> None:
    op.drop_table("limit_hits")
    with op.batch_alter_table("verifications") as batch:
        batch.drop_column("velocity")
        batch.drop_column("caller")
    with op.batch_alter_table("api_keys") as batch:
        batch.drop_column("name")
