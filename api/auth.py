"""Who is calling: bearer API keys held by a named principal (random, shown once, stored as
SHA-256 digests; listed and revoked by id), or OIDC bearer tokens from the company IdP."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from pydantic import BaseModel
from sqlalchemy import select

from api.errors import Forbidden, InvalidInput, NotFound, Unauthorized
from api.storage import ApiKeyRow, Database

if TYPE_CHECKING:
    from api.oidc import OIDCIdentity, OIDCVerifier

KEY_PREFIX = "dg_"
MAX_NAME = 40  # the audit's actor is "<name> [<key id>]" within 64 characters


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


# A token that carries several deskguard roles acts with the first of these it carries.
TOKEN_ROLE_ORDER = [Role.ADMIN, Role.SECURITY, Role.AUDITOR, Role.HELPDESK, Role.SIGNAL]


def digest(key: str) -> str:
    # Keys carry 256 bits of randomness, so a plain SHA-256 is not brute-forceable.
    return hashlib.sha256(key.encode()).hexdigest()


class KeyInfo(BaseModel):
    id: str
    name: str
    role: str
    created_at: datetime
    revoked_at: datetime | None


def _role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        roles = ", ".join(r.value for r in Role)
        raise InvalidInput(f"unknown role {role!r}; choose one of: {roles}") from None


def create_key(db: Database, role: str, name: str = "unnamed") -> tuple[str, str]:
    """Returns (key id, the key). The key is not stored and cannot be shown again. `name` says
    who holds it (e.g. "agent 4411"); the audit records it with every action taken."""
    parsed, name = _role(role), " ".join(name.split())
    if not 1 <= len(name) <= MAX_NAME:
        raise InvalidInput(f"a key's name must be 1 to {MAX_NAME} characters")
    key_id = secrets.token_hex(6)
    key = f"{KEY_PREFIX}{key_id}_{secrets.token_urlsafe(32)}"
    row = ApiKeyRow(
        id=key_id, digest=digest(key), role=parsed.value, name=name, created_at=datetime.now(UTC)
    )
    db.save(row)
    return key_id, key


def list_keys(db: Database) -> list[KeyInfo]:
    with db.session() as session:
        rows = session.scalars(select(ApiKeyRow).order_by(ApiKeyRow.created_at))
        return [KeyInfo.model_validate(r, from_attributes=True) for r in rows]


def revoke_key(db: Database, key_id: str) -> KeyInfo:
    """Revoked keys stop working at once, on every replica (each request reads the row)."""
    with db.session() as session, session.begin():
        row = session.get(ApiKeyRow, key_id)
        if row is None:
            raise NotFound(f"no API key {key_id!r}; see 'deskguard keys list'")
        row.revoked_at = row.revoked_at or datetime.now(UTC)
        return KeyInfo.model_validate(row, from_attributes=True)


class Principal:
    """Who acted: a key's holder (`key_id` is the key's id) or an OIDC subject (`oidc:<sub>`)."""

    def __init__(self, key_id: str, role: Role, name: str = "unnamed") -> None:
        self.key_id, self.role, self.name = key_id, role, name

    @property
    def actor(self) -> str:
        """What the audit records: the holder's name and the key id (or OIDC subject)."""
        suffix = f" [{self.key_id}]"
        return self.name[: 64 - len(suffix)] + suffix

    def require(self, permission: Permission) -> None:
        if self.role not in PERMISSIONS[permission]:
            raise Forbidden(f"role {self.role.value!r} may not {permission.replace('_', ' ')}")

    def can(self, permission: Permission) -> bool:
        return self.role in PERMISSIONS[permission]


def authenticate(
    db: Database, authorization: str | None, *, oidc: OIDCVerifier | None = None
) -> Principal:
    if not authorization or not authorization.lower().startswith("bearer "):
        raise Unauthorized(
            "send 'Authorization: Bearer <key>'; create one with "
            "'deskguard keys create --role helpdesk --name \"agent 4411\"'"
        )
    credential = authorization[7:].strip()
    if oidc is not None and not credential.startswith(KEY_PREFIX):
        return _from_token(oidc, credential)
    with db.session() as session:
        query = select(ApiKeyRow).where(ApiKeyRow.digest == digest(credential))
        row = session.scalars(query).first()
    if row is None or row.revoked_at is not None:
        raise Unauthorized("unknown or revoked API key")
    return Principal(row.id, Role(row.role), row.name)


def _from_token(oidc: OIDCVerifier, token: str) -> Principal:
    return principal_for(oidc.verify(token))


def principal_for(identity: OIDCIdentity) -> Principal:
    """An IdP identity as a principal: API bearer tokens and the console's ID tokens alike."""
    roles = [Role(r) for r in identity.roles if r in set(Role)]
    if not roles:
        raise Forbidden("the token carries no deskguard role; ask for one in the identity provider")
    # One role per principal: the first of TOKEN_ROLE_ORDER the token carries.
    role = min(roles, key=TOKEN_ROLE_ORDER.index)
    return Principal(f"oidc:{identity.subject}", role, identity.name)
