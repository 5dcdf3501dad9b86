"""What the agent reads: each decision in plain words and the one thing to do next.

Only the decision and the policy's reasons for the agent are shown: never a per-answer verdict,
a score or a count of right answers (agent-blind: an agent cannot coach a caller).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from api.grants import GrantClaims
from api.schemas import VerificationPublic

ACTIONS = {
    "password_reset": "password reset",
    "mfa_reset": "MFA reset",
    "privileged_account": "privileged account change",
}


@dataclass(frozen=True)
class Outcome:
    headline: str
    next_step: str
    tone: str  # allow | deny | escalate (the page's colour and icon)


def action_words(action: str) -> str:
    return ACTIONS.get(action, action.replace("_", " "))


def outcome(view: VerificationPublic, transfer_to: str) -> Outcome:
    action = action_words(view.action)
    if view.decision == "allow":
        return Outcome(
            f"Verified. You may go ahead with the {action}.",
            f"Do the {action} now, on this call, for {view.employee} only. "
            "Paste the ticket line below into the ticket.",
            "allow",
        )
    if view.decision == "deny":
        return Outcome(
            f"Not verified. Do not do the {action}.",
            f"Do not reset or change anything. Tell the caller you cannot help on this call and "
            f"transfer them to {transfer_to}. Paste the ticket line below into the ticket.",
            "deny",
        )
    return Outcome(
        f"A stronger check is needed. Do not do the {action}.",
        f"Do not reset or change anything. Transfer the caller to {transfer_to} for a "
        "stronger identity check. Paste the ticket line below into the ticket.",
        "escalate",
    )


def ticket_line(view: VerificationPublic, grant: GrantClaims | None) -> str:
    """One line for the ticket's work notes: what was decided, by which policy, and the grant's
    id so the ticket can be matched to the signed receipt."""
    ticket = f" ticket {view.ticket.system}:{view.ticket.id}" if view.ticket else ""
    signed = (
        f"; policy {grant.policy}; decided {_utc(grant.iat)}; grant {grant.jti} "
        f"valid until {_utc(grant.exp)}"
        if grant
        else ""
    )
    return (
        f"deskguard {view.id}: {str(view.decision).upper()} {view.action} for {view.employee}"
        f"{ticket}{signed}"
    )


def _utc(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M UTC")
