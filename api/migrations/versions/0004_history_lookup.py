"""The recent-history lookup answered by the database: verifications.outcome (the decision's
outcome, counted), the table asked_facts (each fact and cited context item a verification asked
about, de-duplicated), each read from a covering index that starts (employee, created_at); the
verifications index replaces the one on employee alone. Existing verifications are filled in
from their questions and decision.

Revision ID: 0004_history_lookup
Revises: 0003_privacy
Create Date: 2026-12-02
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op
from pydantic import BaseModel, Field, TypeAdapter

revision = "0004_history_lookup"
down_revision = "0003_privacy"
branch_labels = None
depends_on = None


class _Asked(BaseModel):  # what this revision reads of a stored question
    fact: str = ""
    evidence: list[str] = Field(default_factory=list)


class _Decision(BaseModel):
    decision: str


_QUESTIONS = TypeAdapter(list[_Asked])
_VERIFICATIONS = sa.table(
    "verifications",
    sa.column("id", sa.String()),
    sa.column("employee", sa.String()),
    sa.column("created_at", sa.DateTime()),
    sa.column("questions", sa.JSON()),
    sa.column("decision", sa.JSON()),
    sa.column("outcome", sa.String()),
)


def _loaded(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str | bytes) else value


def _backfill(asked_facts: sa.Table) -> None:
    bind, v = op.get_bind(), _VERIFICATIONS.c
    for row in bind.execute(
        sa.select(v.id, v.employee, v.created_at, v.questions, v.decision)
    ).all():
        if row.decision:
            outcome = _Decision.model_validate(_loaded(row.decision)).decision
            bind.execute(_VERIFICATIONS.update().where(v.id == row.id).values(outcome=outcome))
        asked = _QUESTIONS.validate_python(_loaded(row.questions) or [])
        keys = {("fact", q.fact) for q in asked if q.fact}
        keys |= {("item", item) for q in asked for item in q.evidence}
        if keys:
            bind.execute(
                asked_facts.insert(),
                [
                    {"verification_id": row.id, "employee": row.employee,
                     "created_at": row.created_at, "kind": kind, "value": value}
                    for kind, value in sorted(keys)
                ],
            )  # fmt: skip


def upgrade() -> None:
    with op.batch_alter_table("verifications") as batch:
        batch.add_column(sa.Column("outcome", sa.String(20), nullable=True))
        batch.drop_index("ix_verifications_employee")
        batch.create_index(
            "ix_verifications_employee_created_at", ["employee", "created_at", "outcome"]
        )
    asked_facts = op.create_table(
        "asked_facts",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("verification_id", sa.String(40), nullable=False),
        sa.Column("employee", sa.String(320), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
    )
    op.create_index(
        "ix_asked_facts_lookup", "asked_facts", ["employee", "created_at", "kind", "value"]
    )
    assert asked_facts is not None
    _backfill(asked_facts)


def downgrade() -> None:
    op.drop_table("asked_facts")
    with op.batch_alter_table("verifications") as batch:
        batch.drop_index("ix_verifications_employee_created_at")
        batch.create_index("ix_verifications_employee", ["employee"])
        batch.drop_column("outcome")
