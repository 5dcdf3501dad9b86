"""The contract every ticketing adapter fulfils; adapters are synchronous (their client libraries
are) and the api layer runs them in a thread with a deadline."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

from tickets.models import TicketRecord, VerificationNote


class TicketAdapter(ABC):
    system: ClassVar[str]  # the `ticket.system` value this adapter answers for

    @abstractmethod
    def lookup(self, ticket_id: str) -> TicketRecord | None:
        """The ticket, or None when it does not exist; raises TicketError when unreachable."""

    @abstractmethod
    def write(self, record: TicketRecord, note: VerificationNote) -> None:
        """Adds the note (work note / internal comment) and sets the verification status field."""
