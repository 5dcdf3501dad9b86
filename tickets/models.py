"""The ticketing vocabulary: a ticket as found in its system, and the update deskguard writes."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

TicketStatus = Literal["pending", "allow", "deny", "escalate"]


class TicketError(Exception):
    """The ticketing system could not be reached or refused the request (retried later)."""


class TicketRecord(BaseModel):
    """A ticket found in its system, with the person it was raised for."""

    model_config = ConfigDict(frozen=True)

    system: str  # servicenow | jsm
    table: str  # incident | sc_req_item | interaction | jsm
    key: str  # sys_id (ServiceNow) or issue key (JSM): where updates are written
    number: str  # what the agent sees: INC0010023, RITM0001234, IMS0000123, ITSD-42
    caller_email: str | None = None
    caller_login: str | None = None  # sys_user.user_name or the Jira account name

    def raised_for(self, upn: str) -> bool:
        """Whether the ticket's caller is this employee (matched on e-mail or login)."""
        wanted = upn.strip().lower()
        known = {v.strip().lower() for v in (self.caller_email, self.caller_login) if v}
        return wanted in known or wanted.split("@", 1)[0] in known


class VerificationNote(BaseModel):
    """What a ticket is told about a verification. Never a question's answer or the caller's words:
    only who started it, how many questions, the decision with its policy-language reasons, the
    risk signal's band and the grant's id and expiry."""

    model_config = ConfigDict(frozen=True)

    verification_id: str
    stage: Literal["started", "decided"]
    status: TicketStatus
    at: datetime
    agent: str
    action: str
    questions: int
    reasons: tuple[str, ...] = ()
    signal_band: str | None = None  # low | elevated | high | unknown
    grant_id: str | None = None
    grant_expires_at: datetime | None = None

    def text(self) -> str:
        """The work note / internal comment, as the agent reads it in the ticket."""
        head = f"[deskguard] Verification {self.verification_id} for {self.action}"
        if self.stage == "started":
            return (
                f"{head} started by {self.agent} at {self.at:%Y-%m-%d %H:%M} UTC: "
                f"{self.questions} questions to ask. Do not reset until deskguard decides."
            )
        lines = [f"{head}: {self.status.upper()} at {self.at:%Y-%m-%d %H:%M} UTC."]
        lines += [f"- {reason}" for reason in self.reasons]
        lines.append(f"Risk signal: {self.signal_band or 'unknown'}.")
        if self.grant_id:
            expiry = f"{self.grant_expires_at:%Y-%m-%d %H:%M} UTC" if self.grant_expires_at else "?"
            lines.append(f"Grant {self.grant_id}, valid until {expiry}.")
        if self.status != "allow":
            lines.append("Do not reset. Follow the escalation procedure.")
        return "\n".join(lines)
