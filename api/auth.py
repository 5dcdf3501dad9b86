"""Bearer API keys with roles. Keys are random, shown once, and stored as SHA-256 digests."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import select

from api.errors import Forbidden, InvalidInput, Unauthorized
from api.storage import ApiKeyRow, Database

KEY_PREFIX = "dg_"


class Role(StrEnum):
    HELPDESK = "helpdesk"  # start verifications, submit answers; never sees expected answers
    SECURITY = "security"  # previews questions with answers, tunes prompts and policy
    AUDITOR = "auditor"  # reads verifications' evidence, access log and the audit chain
    ADMIN = "admin"  # everything, including key management
    SIGNAL = "signal"  # the device/network risk provider: posts signals, reads nothing


class Permission(StrEnum):
    VERIFY = "verify"  # start verifications, submit answers
    READ_STATUS = "read_status"  # a verification's status and decision
    READ_ANSWERS = "read_answers"  # expected answers, grades, evidence
    AUDIT = "audit"  # the audit chain
    POST_SIGNAL = "post_signal"  # a risk provider's signal for a ticket or call
    PREVIEW = "preview"  # question previews with answers


# Which roles may do what. Admin may do everything.
PERMISSIONS: dict[Permission, set[Role]] = {
    Permission.VERIFY: {Role.HELPDESK, Role.ADMIN},
    Permission.READ_STATUS: {Role.HELPDESK, Role.SECURITY, Role.AUDITOR, Role.ADMIN},
    Permission.READ_ANSWERS: {Role.SECURITY, Role.AUDITOR, Role.ADMIN},
    Permission.AUDIT: {Role.AUDITOR, Role.ADMIN},
    Permission.POST_SIGNAL: {Role.SIGNAL, Role.ADMIN},
    Permission.PREVIEW: {Role.SECURITY, Role.ADMIN},
}


def digest(key: str) -> str:
    # Keys carry 256 bits of randomness, so a plain SHA-256 is not brute-forceable.
    return hashlib.sha256(key.encode()).hexdigest()


def create_key(db: Database, role: str) -> tuple[str, str]:
    """Returns (key id, the key). The key is not stored and cannot be shown again."""
    try:
        parsed = Role(role)
    except ValueError:
        roles = ", ".join(r.value for r in Role)
        raise InvalidInput(f"unknown role {role!r}; choose one of: {roles}") from None
    key_id = secrets.token_hex(6)
    key = f"{KEY_PREFIX}{key_id}_{secrets.token_urlsafe(32)}"
    row = ApiKeyRow(id=key_id, digest=digest(key), role=parsed.value, created_at=datetime.now(UTC))
    db.save(row)
    return key_id, key


class Principal:
    def __init__(self, key_id: str, role: Role) -> None:
        self.key_id, self.role = key_id, role

    def require(self, permission: Permission) -> None:
        if self.role not in PERMISSIONS[permission]:
            raise Forbidden(f"role {self.role.value!r} may not {permission.replace('_', ' ')}")

    def can(self, permission: Permission) -> bool:
        return self.role in PERMISSIONS[permission]


def authenticate(db: Database, authorization: str | None) -> Principal:
    if not authorization or not authorization.lower().startswith("bearer "):
        raise Unauthorized(
            "send 'Authorization: Bearer <key>'; create one with "
            "'deskguard keys create --role helpdesk'"
        )
    key = authorization[7:].strip()
    with db.session() as session:
        row = session.scalars(select(ApiKeyRow).where(ApiKeyRow.digest == digest(key))).first()
    if row is None or row.revoked_at is not None:
        raise Unauthorized("unknown or revoked API key")
    return Principal(row.id, Role(row.role))
