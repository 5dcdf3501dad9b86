"""Accountability: every read of an employee's context is an audit record (`context.read`) with
who read it (`cli:<login>`, or the API principal), why (the reader's stated purpose), what was
shown, which sources and fields were read, and whether anything went to a model. A verification's
own read is its `verification.started` record (api/records.py `start_audit`). The record is
written before anything is shown: a read that cannot be audited is not shown."""

from __future__ import annotations

import getpass
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, Field, ValidationError

from api.audit import AuditLog
from api.errors import InvalidInput
from context.collect import Collection
from context.connectors.base import AccessRecord

READ_EVENT = "context.read"
Shown = Literal["items", "questions_with_answers", "prompt", "coverage"]


class Access(BaseModel):
    """Who reads an employee's context, and why."""

    actor: str = Field(min_length=1, max_length=64)
    purpose: str = Field(min_length=3, max_length=300)

    @classmethod
    def cli(cls, reason: str) -> Access:
        """The CLI's reader: the operating-system login, with the `--reason` given."""
        try:
            return cls(actor=f"cli:{_login()}"[:64], purpose=" ".join(reason.split()))
        except ValidationError:
            raise InvalidInput("--reason must say why, in 3 to 300 characters") from None


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name for this uid (e.g. a bare container)
        return "unknown"


def fields_read(accesses: Sequence[AccessRecord]) -> list[str]:
    """`connector.field` for every field requested at a source."""
    return sorted({f"{a.connector}.{f}" for a in accesses for f in a.fields})


def record_read(
    audit: AuditLog,
    access: Access,
    collection: Collection,
    *,
    command: str,
    shown: Shown,
    model_calls: int,
) -> None:
    audit.append(
        actor=access.actor,
        event=READ_EVENT,
        verification_id=None,
        employee=collection.employee,
        detail={
            "command": command,
            "purpose": access.purpose,
            "shown": shown,
            "sources": {s.connector: s.status for s in collection.sources},
            "fields": fields_read(collection.accesses),
            "items": len(collection.items),
            "model_calls": model_calls,  # > 0: something went to the configured model
        },
    )
