"""Privacy: per-employee keys (employee_keys), the audit record's pseudonymous subject
(audit.subject) and the retention purge's record (verifications.purged).

Existing rows are adopted: every employee named by a verification (or, for records without one,
by the record's `employee` or `target`) gets a key, and each existing audit record gets its
subject. Records written before this revision keep the UPN in their detail: the chain's keyed
hash covers it, so rewriting it would break the chain; `deskguard privacy erase` reports how many
such records remain for an employee.

Revision ID: 0003_privacy
Revises: 0002_principals_limits
Create Date: 2026-12-02
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

from api.pseudonyms import new_key, normal, reference

revision = "0003_privacy"
down_revision = "0002_principals_limits"
branch_labels = None
depends_on = None

VERIFICATIONS = sa.table("verifications", sa.column("id"), sa.column("employee"))
AUDIT = sa.table(
    "audit",
    sa.column("seq"),
    sa.column("verification_id"),
    sa.column("detail", sa.JSON()),
    sa.column("subject"),
)
KEYS = sa.table("employee_keys", sa.column("upn"), sa.column("key"), sa.column("created_at"))


def upgrade() -> None:
    op.create_table(
        "employee_keys",
        sa.Column("upn", sa.String(320), primary_key=True),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    with op.batch_alter_table("audit") as batch:
        batch.add_column(sa.Column("subject", sa.String(64), nullable=True))
    op.create_index("ix_audit_subject", "audit", ["subject"])
    with op.batch_alter_table("verifications") as batch:
        batch.add_column(sa.Column("purged", sa.JSON(), nullable=True))
    _adopt(op.get_bind())


def _named(detail: Any) -> str | None:
    if not isinstance(detail, dict):
        return None
    upn = detail.get("employee") or detail.get("target")
    return upn if isinstance(upn, str) and "@" in upn else None


def _adopt(bind: sa.Connection) -> None:
    owners = {vid: normal(upn) for vid, upn in bind.execute(sa.select(*VERIFICATIONS.c))}
    keys = {upn: new_key() for upn in set(owners.values())}
    records = bind.execute(sa.select(AUDIT.c.seq, AUDIT.c.verification_id, AUDIT.c.detail))
    for seq, verification_id, detail in list(records):
        upn = owners.get(verification_id) or _named(detail)
        if upn is None:
            continue
        key = keys.setdefault(normal(upn), new_key())
        subject = reference(bytes.fromhex(key), upn)
        bind.execute(sa.update(AUDIT).where(AUDIT.c.seq == seq).values(subject=subject))
    now = datetime.now(UTC).replace(tzinfo=None)
    if keys:
        bind.execute(
            sa.insert(KEYS), [{"upn": u, "key": k, "created_at": now} for u, k in keys.items()]
        )


def downgrade() -> None:
    with op.batch_alter_table("verifications") as batch:
        batch.drop_column("purged")
    op.drop_index("ix_audit_subject", "audit")
    with op.batch_alter_table("audit") as batch:
        batch.drop_column("subject")
    op.drop_table("employee_keys")
