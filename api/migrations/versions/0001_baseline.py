"""Baseline: the schema as `create_all` made it before migrations existed (verifications,
api_keys, audit with its unique previous hash, audit_checkpoints, grant_uses, ticket_updates,
signals, and the recovery tables: recoveries, disputes, recovery_locks, alerts,
recovery_cursors).

A database made before migrations is adopted by running this revision too: each table is only
created when it is missing (an older deskguard may not have made the newer ones).

Revision ID: 0001_baseline
Revises:
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_baseline"
down_revision = None
branch_labels = None
depends_on = None

TABLES = (
    "verifications",
    "api_keys",
    "audit",
    "audit_checkpoints",
    "grant_uses",
    "ticket_updates",
    "signals",
    "recoveries",
    "disputes",
    "recovery_locks",
    "alerts",
    "recovery_cursors",
)


def _table(
    name: str, *columns: sa.Column[object] | sa.Constraint, index: tuple[str, ...] = ()
) -> None:
    if sa.inspect(op.get_bind()).has_table(name):
        return  # adopted from before migrations
    op.create_table(name, *columns)
    for column in index:
        op.create_index(f"ix_{name}_{column}", name, [column])


def upgrade() -> None:
    _table(
        "verifications",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("employee", sa.String(320), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("ticket", sa.JSON(), nullable=True),
        sa.Column("signal", sa.JSON(), nullable=True),
        sa.Column("questions", sa.JSON(), nullable=False),
        sa.Column("question_set", sa.JSON(), nullable=False),
        sa.Column("collection", sa.JSON(), nullable=False),
        sa.Column("grades", sa.JSON(), nullable=True),
        sa.Column("decision", sa.JSON(), nullable=True),
        sa.Column("receipt", sa.JSON(), nullable=True),
        sa.Column("created_by", sa.String(64), nullable=False),
        index=("employee",),
    )
    _table(
        "api_keys",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("digest", sa.String(64), nullable=False, unique=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
    )
    _table(
        "audit",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("event", sa.String(40), nullable=False),
        sa.Column("verification_id", sa.String(40), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("hash", sa.String(64), nullable=False),
        index=("verification_id",),
    )
    _table(
        "audit_checkpoints",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("head_hash", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("token", sa.Text(), nullable=False),
    )
    _table(
        "grant_uses",
        sa.Column("jti", sa.String(64), primary_key=True),
        sa.Column("verification_id", sa.String(40), nullable=False),
        sa.Column("purpose", sa.String(40), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=False),
        index=("verification_id",),
    )
    _table(
        "ticket_updates",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("verification_id", sa.String(40), nullable=False),
        sa.Column("stage", sa.String(20), nullable=False),
        sa.Column("system", sa.String(40), nullable=False),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(300), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        index=("verification_id", "status"),
    )
    _table(
        "signals",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("ticket", sa.String(150), nullable=True),
        sa.Column("call_id", sa.String(100), nullable=True),
        sa.Column("employee", sa.String(320), nullable=True),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        index=("ticket", "call_id"),
    )
    _table(
        "recoveries",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("verification_id", sa.String(40), nullable=False, unique=True),
        sa.Column("grant_id", sa.String(64), nullable=True),
        sa.Column("employee", sa.String(320), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("operation", sa.String(40), nullable=False),
        sa.Column("provider", sa.String(20), nullable=False),
        sa.Column("agent", sa.String(64), nullable=False),
        sa.Column("ticket", sa.JSON(), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("undo", sa.JSON(), nullable=False),
        sa.Column("error", sa.String(500), nullable=True),
        index=("employee",),
    )
    _table(
        "disputes",
        sa.Column("digest", sa.String(64), primary_key=True),
        sa.Column("verification_id", sa.String(40), nullable=False),
        sa.Column("employee", sa.String(320), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        index=("verification_id",),
    )
    _table(
        "recovery_locks",
        sa.Column("employee", sa.String(320), primary_key=True),
        sa.Column("until", sa.DateTime(), nullable=False),
        sa.Column("reason", sa.String(200), nullable=False),
        sa.Column("verification_id", sa.String(40), nullable=True),
    )
    _table(
        "alerts",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(200), nullable=False, unique=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("employee", sa.String(320), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        index=("employee",),
    )
    _table(
        "recovery_cursors",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    for name in reversed(TABLES):
        op.drop_table(name)
