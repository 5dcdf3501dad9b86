"""Pseudonymous employee references. Each employee gets a random key (table employee_keys); the
reference is an HMAC-SHA256 of the UPN under that key, and values about the employee (evidence
references once purged) are HMACs under it too. The audit chain names employees only by their
reference, so `deskguard privacy erase` can delete the key (and the employee's rows) and leave
records no one can tie back to the person, with the chain intact."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.storage import Database, EmployeeKeyRow

_REFERENCE, _VALUE = b"employee:", b"value:"  # domain separation of the two uses of one key


def normal(upn: str) -> str:
    return upn.strip().lower()


def reference(key: bytes, upn: str) -> str:
    """The employee's pseudonymous reference (64 hex characters)."""
    return hmac.new(key, _REFERENCE + normal(upn).encode(), hashlib.sha256).hexdigest()


def new_key() -> str:
    return secrets.token_hex(32)


class Pseudonyms:
    def __init__(self, db: Database) -> None:
        self.db = db

    def _key(self, upn: str, *, create: bool) -> bytes | None:
        with self.db.session() as session:
            row = session.get(EmployeeKeyRow, normal(upn))
        if row is None and create:
            row = self._create(normal(upn))
        return bytes.fromhex(row.key) if row else None

    def _create(self, upn: str) -> EmployeeKeyRow:
        row = EmployeeKeyRow(upn=upn, key=new_key(), created_at=datetime.now(UTC))
        try:
            with self.db.session() as session, session.begin():
                session.add(row)
            return row
        except IntegrityError:  # another replica created it first: use theirs
            with self.db.session() as session:
                theirs = session.get(EmployeeKeyRow, upn)
            assert theirs is not None
            return theirs

    def of(self, upn: str) -> str:
        """The employee's reference; creates their key on first use."""
        key = self._key(upn, create=True)
        assert key is not None
        return reference(key, upn)

    def known(self, upn: str) -> str | None:
        """The reference if the employee has a key (None after erasure, or never seen)."""
        key = self._key(upn, create=False)
        return reference(key, upn) if key else None

    def hasher(self, upn: str) -> Callable[[str], str]:
        """Keyed hashes of values about the employee (e.g. evidence references)."""
        key = self._key(upn, create=True)
        assert key is not None

        def digest(value: str) -> str:
            return hmac.new(key, _VALUE + value.encode(), hashlib.sha256).hexdigest()

        return digest

    @staticmethod
    def forget(session: Session, upn: str) -> bool:
        """Deletes the employee's key in `session`'s transaction; True when there was one."""
        row = session.get(EmployeeKeyRow, normal(upn))
        if row is not None:
            session.delete(row)
        return row is not None
